using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace Offen.Hosting.Acme;

/// <summary>
/// The pending http-01 challenges (RFC 8555 §8.3): token → key authorization, shared between the ACME client that
/// publishes them and the port-80 listener that answers the validation requests.
/// </summary>
public sealed class Http01ChallengeStore
{
    public const string PathPrefix = "/.well-known/acme-challenge/";

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed record Entry(string KeyAuthorization, string? Host);

    /// <summary>
    /// Publishes a challenge. With <paramref name="host"/>, only requests whose Host (port stripped) is that name are
    /// answered, as autocert does; the validator may send <c>Host: name:port</c>.
    /// </summary>
    public void Add(string token, string keyAuthorization, string? host = null) =>
        _entries[token] = new Entry(keyAuthorization, host?.TrimEnd('.').ToLowerInvariant());

    public void Remove(string token) => _entries.TryRemove(token, out _);

    public int Count => _entries.Count;

    public bool TryGet(string token, string? requestHost, out string keyAuthorization)
    {
        keyAuthorization = "";
        if (!_entries.TryGetValue(token, out var entry))
            return false;
        if (entry.Host is not null)
        {
            var host = StripPort(requestHost ?? "").TrimEnd('.').ToLowerInvariant();
            if (host != entry.Host)
                return false;
        }
        keyAuthorization = entry.KeyAuthorization;
        return true;
    }

    /// <summary>
    /// Answers <c>GET /.well-known/acme-challenge/&lt;token&gt;</c> with the key authorization as text/plain (200),
    /// or 404 for an unknown token. Returns false (nothing written) for every other request.
    /// The validator asks several times per challenge (pebble: 3), so entries stay until removed.
    /// </summary>
    public async Task<bool> TryHandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "";
        if (!path.StartsWith(PathPrefix, StringComparison.Ordinal) || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)))
            return false;

        var token = path[PathPrefix.Length..];
        var response = context.Response;
        if (token.Length == 0 || !TryGet(token, request.Host.Value, out var keyAuthorization))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return true;
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/plain";
        response.ContentLength = keyAuthorization.Length;
        if (!HttpMethods.IsHead(request.Method))
            await response.WriteAsync(keyAuthorization, context.RequestAborted);
        return true;
    }

    private static string StripPort(string host)
    {
        if (host.StartsWith('['))
        {
            var end = host.IndexOf(']');
            return end > 0 ? host[1..end] : host;
        }
        var colon = host.LastIndexOf(':');
        return colon >= 0 && host.IndexOf(':') == colon ? host[..colon] : host;
    }
}
