using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace PolyChat.Testing.Rest;

/// <summary>Writes PolyAI's REST error shape: a status code and <c>{"message": "..."}</c>.</summary>
internal static class ErrorResponse
{
    public static Task WriteAsync(HttpContext context, int status, string message) =>
        JsonResponse.WriteAsync(context, status, writer => writer.WriteString("message", message));
}
