using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Offen.Hosting;

namespace Offen.Web;

/// <summary>
/// server.md §1.5: unmatched requests are served from the embedded tree for any method, with Go FileServer
/// behaviour (Range, directory redirects, no Last-Modified or ETag) and the caching and security headers of
/// §1.5/§1.7; anything else falls to the index page (GET) or a text 404.
/// </summary>
public sealed partial class StaticFiles(StaticAssets assets, Pages pages, TimeProvider time)
{
    [GeneratedRegex(@"-[0-9a-z]{10}\.js$")] private static partial Regex Revisioned();
    [GeneratedRegex(@"\.(woff|woff2|ttf)$")] private static partial Regex Font();
    [GeneratedRegex(@"(\.css|\.svg)$")] private static partial Regex CssOrSvg();
    [GeneratedRegex(@"script\.js$")] private static partial Regex Script();

    public const string Hsts = "max-age=15768000";

    public async Task ServeAsync(HttpContext ctx)
    {
        var raw = ctx.Request.Path.Value ?? "/";
        var path = StaticAssets.Clean(raw);
        var (kind, resolved) = assets.Lookup(path);
        if (kind == StaticAssets.Kind.File && path.EndsWith("/index.html", StringComparison.Ordinal))
        {
            Redirect(ctx, "./");
            return;
        }
        if (kind == StaticAssets.Kind.Directory && !path.EndsWith('/'))
        {
            Redirect(ctx, path[(path.LastIndexOf('/') + 1)..] + "/");
            return;
        }
        if (kind == StaticAssets.Kind.File && path.EndsWith('/'))
        {
            var trimmed = path.TrimEnd('/');
            Redirect(ctx, "../" + trimmed[(trimmed.LastIndexOf('/') + 1)..]);
            return;
        }
        if (kind != StaticAssets.Kind.File)
        {
            // Directory listings are suppressed and missing files fall through (§1.5 step 1).
            if (HttpMethods.IsGet(ctx.Request.Method) || HttpMethods.IsHead(ctx.Request.Method)) await pages.IndexAsync(ctx);
            else await NotFoundAsync(ctx);
            return;
        }
        var content = assets.Read(resolved!)!;
        var contentType = StaticAssets.ContentType(resolved!, content);
        AddHeaders(ctx, path, contentType);
        ctx.Response.ContentType = contentType;
        ctx.Response.Headers.AcceptRanges = "bytes";
        await WriteWithRangeAsync(ctx, content);
    }

    private void AddHeaders(HttpContext ctx, string path, string contentType)
    {
        var h = ctx.Response.Headers;
        var secure = RequestLocation.Of(ctx).SecureContext;
        h["Referrer-Policy"] = "origin-when-cross-origin";
        h.XContentTypeOptions = "nosniff"; // D5: upstream sends the invalid "no-sniff"
        h.XXSSProtection = "1; mode=block";
        if (contentType.StartsWith("text/html", StringComparison.Ordinal))
        {
            h.CacheControl = "no-cache";
            h.ContentSecurityPolicy = Pages.DefaultCsp;
            if (secure) h.StrictTransportSecurity = Hsts;
        }
        if (Revisioned().IsMatch(path) || Font().IsMatch(path))
        {
            // Go's RFC1123 layout with the zone name, e.g. "UTC" rather than "GMT".
            var expires = time.GetUtcNow().AddDays(365);
            h.Expires = expires.ToString("ddd, dd MMM yyyy HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        }
        else if (CssOrSvg().IsMatch(path))
        {
            h.CacheControl = "no-cache";
        }
        else if (Script().IsMatch(path))
        {
            h.CacheControl = "no-cache";
            if (secure) h.StrictTransportSecurity = Hsts;
        }
    }

    private static async Task WriteWithRangeAsync(HttpContext ctx, byte[] content)
    {
        var head = HttpMethods.IsHead(ctx.Request.Method);
        var range = ctx.Request.Headers.Range.ToString();
        if (!string.IsNullOrEmpty(range) && RangeHeaderValue.TryParse(range, out var parsed) && parsed.Unit == "bytes" && parsed.Ranges.Count == 1)
        {
            var r = parsed.Ranges.First();
            long start, end;
            if (r.From is null) { start = Math.Max(0, content.Length - (r.To ?? 0)); end = content.Length - 1; }
            else { start = r.From.Value; end = Math.Min(r.To ?? content.Length - 1, content.Length - 1); }
            if (start >= content.Length || start > end || (r.From is null && r.To == 0))
            {
                ctx.Response.StatusCode = 416;
                ctx.Response.Headers.ContentRange = $"bytes */{content.Length}";
                return;
            }
            ctx.Response.StatusCode = 206;
            ctx.Response.Headers.ContentRange = $"bytes {start}-{end}/{content.Length}";
            ctx.Response.ContentLength = end - start + 1;
            if (!head) await ctx.Response.Body.WriteAsync(content.AsMemory((int)start, (int)(end - start + 1)), ctx.RequestAborted);
            return;
        }
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentLength = content.Length;
        if (!head) await ctx.Response.Body.WriteAsync(content, ctx.RequestAborted);
    }

    private static void Redirect(HttpContext ctx, string location)
    {
        var q = ctx.Request.QueryString.Value;
        ctx.Response.StatusCode = 301;
        ctx.Response.Headers.Location = location + (string.IsNullOrEmpty(q) ? "" : q);
    }

    public static async Task NotFoundAsync(HttpContext ctx)
    {
        ctx.Response.StatusCode = 404;
        ctx.Response.ContentType = "text/plain";
        await ctx.Response.WriteAsync("404 page not found", ctx.RequestAborted);
    }
}
