using System;
using PolyChat.Cli;

return CliApp.Run(args, Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.Error);
