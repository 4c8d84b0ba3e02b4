using System;
using PolyChat.Cli;

using var signals = new ShutdownSignals();
return CliApp.Run(args, Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.Error, signals.Token, interactive: !Console.IsInputRedirected);
