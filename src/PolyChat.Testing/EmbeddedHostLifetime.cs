using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;

namespace PolyChat.Testing;

/// <summary>
/// The simulator's host lifetime: none of its own. The default console lifetime would take SIGINT, SIGTERM and
/// SIGQUIT from the process that embeds the simulator and swallow them (it only stops a host that nobody waits
/// on), so Ctrl+C would no longer stop that process. The embedding process owns its signals and stops the
/// simulator by disposing it.
/// </summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
