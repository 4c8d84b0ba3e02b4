using System;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;

namespace PolyChat.Testing.Tests.Support;

/// <summary>A WebSocket upgrade request sent with <see cref="HttpClient"/>, so a refusal's status and body can be read.</summary>
internal static class Handshake
{
    public static async Task<(HttpStatusCode Status, string Body)> RefusalAsync(HttpClient http, Uri socketUri, CancellationToken cancellationToken)
    {
        var httpUri = new UriBuilder(socketUri) { Scheme = "http" }.Uri;
        using var request = new HttpRequestMessage(HttpMethod.Get, httpUri);
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new ProductHeaderValue("websocket"));
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.SwitchingProtocols)
        {
            return (response.StatusCode, string.Empty);
        }

        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }
}
