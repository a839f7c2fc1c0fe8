namespace Offen.Hosting;

/// <summary>
/// server.md §1.1 "location" resolver and §3.1 secure context: the host is the first of X-Forwarded-Host,
/// X-Host, Host; https when X-Forwarded-Proto is https or TLS is in use. The secure context never looks at
/// the transport: it is "host is not localhost and not development mode".
/// </summary>
public sealed record RequestLocation(string Host, string Scheme, bool SecureContext)
{
    private static readonly object Key = new();

    public string Origin => $"{Scheme}://{Host}";

    public static RequestLocation Resolve(HttpRequest request, bool development)
    {
        static string? First(HttpRequest r, string name)
        {
            var v = r.Headers[name].ToString();
            if (string.IsNullOrEmpty(v)) return null;
            var comma = v.IndexOf(',');
            return (comma >= 0 ? v[..comma] : v).Trim();
        }
        var host = First(request, "X-Forwarded-Host") ?? First(request, "X-Host")
            ?? (request.Host.HasValue ? request.Host.Value : null) ?? "localhost:8080";
        var https = string.Equals(First(request, "X-Forwarded-Proto"), "https", StringComparison.OrdinalIgnoreCase) || request.IsHttps;
        var secure = !development && !string.Equals(HostName(host), "localhost", StringComparison.Ordinal);
        return new RequestLocation(host, https ? "https" : "http", secure);
    }

    /// <summary>The host without its port (IPv6 literals keep their brackets off).</summary>
    public static string HostName(string host)
    {
        if (host.StartsWith('['))
        {
            var end = host.IndexOf(']');
            return end > 0 ? host[1..end] : host;
        }
        var colon = host.LastIndexOf(':');
        return colon >= 0 && host.IndexOf(':') == colon ? host[..colon] : host;
    }

    public static RequestLocation Of(HttpContext ctx) => (RequestLocation)ctx.Items[Key]!;
    public static void Set(HttpContext ctx, RequestLocation loc) => ctx.Items[Key] = loc;
}
