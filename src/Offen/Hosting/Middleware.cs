using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.AspNetCore.Routing.Template;
using Offen.Web;

namespace Offen.Hosting;

/// <summary>
/// server.md §9.2 access log: one line per request on stdout, no IP, user or size, every 2xx/3xx logged as 200.
/// Secret path segments (reset and join tokens) are masked. Lines are written by a background task so the
/// request path never waits on the terminal.
/// </summary>
public sealed partial class AccessLog : IAsyncDisposable
{
    /// <summary>
    /// The request target as logged: origin-form ("/path?query") as sent; absolute-form keeps only its path and
    /// query; authority-form (CONNECT host:port) and anything else become "-", so no host name or address from a
    /// request line reaches the log (nothing identifying in logs).
    /// </summary>
    internal static string LoggedTarget(string raw)
    {
        if (raw.StartsWith('/') || raw == "*") return raw;
        var scheme = raw.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0) return "-";
        var slash = raw.IndexOf('/', scheme + 3);
        return slash >= 0 ? raw[slash..] : "/";
    }

    private readonly Channel<string> _lines = Channel.CreateBounded<string>(new BoundedChannelOptions(65536) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Task _writer;
    private readonly TimeProvider _time;

    [GeneratedRegex(@"^/(reset-password|join)/[^/?]+")] private static partial Regex TokenPath();

    /// <summary>The <c>after</c> cursor of GET /api/accounts/:id?uncovered=1 is an event id (ADR 0005): not logged.</summary>
    [GeneratedRegex(@"([?&])after=[^&]*")] private static partial Regex AfterParameter();

    /// <summary>The logged form of a request target: token path segments and event-id query values masked.</summary>
    internal static string Masked(string target)
    {
        var path = TokenPath().Replace(target, "/$1/-");
        var query = path.IndexOf('?');
        return query < 0 ? path : path[..query] + AfterParameter().Replace(path[query..], "$1after=-");
    }

    public AccessLog(Stream stdout, TimeProvider time)
    {
        _time = time;
        _writer = Task.Run(async () =>
        {
            await using var w = new StreamWriter(stdout, new UTF8Encoding(false), 1 << 16) { AutoFlush = false };
            while (await _lines.Reader.WaitToReadAsync())
            {
                while (_lines.Reader.TryRead(out var line)) await w.WriteLineAsync(line);
                await w.FlushAsync();
            }
        });
    }

    public async Task InvokeAsync(HttpContext ctx, RequestDelegate next)
    {
        try { await next(ctx); }
        finally
        {
            var status = ctx.Response.StatusCode is >= 200 and < 400 ? 200 : ctx.Response.StatusCode;
            // server.md §9.2 logs the RequestURI as sent (still percent-encoded): a decoded path could carry CR/LF
            // or spaces from %0D%0A/%20 and forge or break log lines.
            var target = ctx.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw
                ? LoggedTarget(raw) : $"{ctx.Request.Path}{ctx.Request.QueryString}";
            var path = Masked(target);
            var now = _time.GetLocalNow();
            var offset = now.Offset;
            var zone = $"{(offset < TimeSpan.Zero ? '-' : '+')}{Math.Abs(offset.Hours):00}{Math.Abs(offset.Minutes):00}";
            _lines.Writer.TryWrite($"- - - [{now.ToString("dd/MMM/yyyy:HH:mm:ss", CultureInfo.InvariantCulture)} {zone}] \"{ctx.Request.Method} {path} {ctx.Request.Protocol}\" {status} -");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _lines.Writer.TryComplete();
        await _writer;
    }
}

/// <summary>
/// server.md §1.1: gzip like NYTimes gziphandler: Vary on every response, gzip only when the client accepts
/// it and the body reaches 1400 bytes.
/// </summary>
public static class Gzip
{
    public const int MinSize = 1400;

    private static readonly object SkipKey = new();

    /// <summary>
    /// Sends this response uncompressed (Vary is still added). For bodies that are mostly ciphertext, where gzip
    /// costs the server about 10 µs per event and saves about a fifth of the bytes (docs/adr/0003-http-surface.md).
    /// </summary>
    public static void Skip(HttpContext ctx) => ctx.Items[SkipKey] = true;

    public static async Task InvokeAsync(HttpContext ctx, RequestDelegate next)
    {
        ctx.Response.OnStarting(() =>
        {
            ctx.Response.Headers.Append("Vary", "Accept-Encoding");
            return Task.CompletedTask;
        });
        if (!ctx.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase))
        {
            await next(ctx);
            return;
        }
        var original = ctx.Response.Body;
        await using var gz = new DeferredGzipStream(ctx.Response, original);
        ctx.Response.Body = gz;
        try
        {
            await next(ctx);
            await gz.FinishAsync();
        }
        finally
        {
            ctx.Response.Body = original;
        }
    }

    private sealed class DeferredGzipStream(HttpResponse response, Stream inner) : Stream
    {
        private MemoryStream? _buffer = new();
        private GZipStream? _gzip;
        private bool _passthrough;

        private bool Compressible => response.StatusCode is not (206 or 204 or 304) && string.IsNullOrEmpty(response.Headers.ContentEncoding)
            && !response.HttpContext.Items.ContainsKey(SkipKey);

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct = default)
        {
            if (_passthrough) { await inner.WriteAsync(data, ct); return; }
            if (_gzip is not null) { await _gzip.WriteAsync(data, ct); return; }
            if (!Compressible || (response.ContentLength is { } len && len < MinSize))
            {
                _passthrough = true;
                await FlushBufferTo(inner, ct);
                await inner.WriteAsync(data, ct);
                return;
            }
            _buffer!.Write(data.Span);
            if (_buffer.Length >= MinSize)
            {
                response.ContentLength = null;
                response.Headers.ContentEncoding = "gzip";
                _gzip = new GZipStream(inner, CompressionLevel.Fastest, leaveOpen: true);
                await FlushBufferTo(_gzip, ct);
            }
        }

        private async Task FlushBufferTo(Stream target, CancellationToken ct)
        {
            if (_buffer is { Length: > 0 }) await target.WriteAsync(_buffer.GetBuffer().AsMemory(0, (int)_buffer.Length), ct);
            _buffer = null;
        }

        public async Task FinishAsync()
        {
            if (_gzip is not null) { await _gzip.DisposeAsync(); _gzip = null; return; }
            if (!_passthrough) { _passthrough = true; await FlushBufferTo(inner, default); }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();
        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, default).GetAwaiter().GetResult();
        public override Task FlushAsync(CancellationToken ct) => _passthrough ? inner.FlushAsync(ct) : Task.CompletedTask;
        public override void Flush() { }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

/// <summary>
/// gin's routing quirks (server.md §1.1 step 3): a trailing-slash redirect (GET 301, others 307) when the path
/// without the slash is a route, and no 405 handling: a wrong method counts as "no route".
/// </summary>
public sealed class RouteQuirks(EndpointDataSource endpoints)
{
    private List<(TemplateMatcher Matcher, IReadOnlyList<string>? Methods)>? _routes;

    private List<(TemplateMatcher, IReadOnlyList<string>?)> Routes => _routes ??= endpoints.Endpoints.OfType<RouteEndpoint>()
        .Where(e => e.RoutePattern.RawText is not null)
        .Select(e => (new TemplateMatcher(TemplateParser.Parse(e.RoutePattern.RawText!.TrimStart('/')), new RouteValueDictionary()),
            e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods))
        .ToList();

    public bool TryRedirect(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "/";
        if (path.Length <= 1 || !path.EndsWith('/')) return false;
        var trimmed = path.TrimEnd('/');
        if (trimmed.Length == 0) return false;
        foreach (var (matcher, methods) in Routes)
        {
            if (methods is not null && !methods.Contains(ctx.Request.Method, StringComparer.OrdinalIgnoreCase)) continue;
            if (!matcher.TryMatch(trimmed, new RouteValueDictionary())) continue;
            ctx.Response.StatusCode = HttpMethods.IsGet(ctx.Request.Method) ? 301 : 307;
            ctx.Response.Headers.Location = trimmed + ctx.Request.QueryString;
            return true;
        }
        return false;
    }

    public static bool IsMethodNotAllowed(Endpoint? e) => e?.DisplayName == "405 HTTP Method Not Supported";
}
