using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Offen.Configuration;
using Offen.Features.Accounts;
using Offen.Hosting;

namespace Offen.Web;

/// <summary>
/// The server-rendered HTML of server.md §1.6: the index page for every SPA route, /vault, /intro and the
/// error page, all sent through the ETag handling (unquoted MD5, substring If-None-Match).
/// </summary>
public sealed class Pages(StaticAssets assets, ServerSettings settings, AccountStylesCache styles)
{
    public const string DefaultCsp = "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; img-src 'self' data:";

    private static string H(string s) => WebUtility.HtmlEncode(s);

    /// <summary>The template helper rev(path, locale) of §1.6, re-reading rev-manifest.json on every render.</summary>
    public string Rev(string path, string? locale)
    {
        if (!string.IsNullOrEmpty(locale)) path = $"/{locale}{path}";
        var dir = path[..(path.LastIndexOf('/') + 1)];
        var manifest = assets.ReadCascaded(StaticAssets.Clean(dir + "rev-manifest.json"));
        if (manifest is null) return path;
        try
        {
            var map = JsonSerializer.Deserialize<Dictionary<string, string>>(manifest);
            var baseName = path[(path.LastIndexOf('/') + 1)..];
            return map is not null && map.TryGetValue(baseName, out var mapped) ? dir + mapped : path;
        }
        catch (JsonException)
        {
            return path;
        }
    }

    private string? _indexStyles;

    /// <summary>
    /// The index page's stylesheets (fonts.css, tachyons.min.css) inline. Static CSS is served with
    /// <c>Cache-Control: no-cache</c> and no validator (server.md §1.6), so every load of the auditorium would
    /// download both again, and its scripts, which follow them, would wait for that. Inline they come with the
    /// page, which has an ETag and is answered with a 304 on a reload. The files stay served as before.
    /// </summary>
    private string IndexStyles()
    {
        if (_indexStyles is not null) return _indexStyles;
        var css = new StringBuilder();
        foreach (var file in new[] { "/fonts.css", "/tachyons.min.css" })
        {
            if (assets.ReadCascaded(file) is not { } bytes)
            {
                css.Clear();
                css.Append("    <link rel=\"stylesheet\" href=\"/fonts.css\">\n    <link rel=\"stylesheet\" href=\"/tachyons.min.css\">\n");
                return _indexStyles = css.ToString();
            }
            // Our own files; `</` is escaped anyway so nothing in them can close the element.
            css.Append("    <style>").Append(Encoding.UTF8.GetString(bytes).Replace("</", "<\\/", StringComparison.Ordinal)).Append("</style>\n");
        }
        return _indexStyles = css.ToString();
    }

    private string Meta(bool inlineStyles = false)
    {
        var t = PageText.For(settings.Locale);
        var fonts = inlineStyles ? "" : "    <link rel=\"stylesheet\" href=\"/fonts.css\">\n";
        return $"""
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="description" content="{H(t.Description)}">
    <meta property="og:description" content="{H(t.Description)}">
    <meta name="referrer" content="no-referrer">
    <meta property="og:image" content="/offen-logo-yellow.jpg">
{fonts}    <link rel="preload" href="/fonts/roboto-v20-latin-regular.woff2" as="font" type="font/woff2" crossorigin>
    <link rel="preload" href="/fonts/roboto-v20-latin-700.woff2" as="font" type="font/woff2" crossorigin>
""";
    }

    public Task IndexAsync(HttpContext ctx)
    {
        var locale = ctx.Request.Query["locale"].ToString();
        var t = PageText.For(settings.Locale);
        var script = string.IsNullOrEmpty(settings.RootAccount) ? "" :
            $"""    <script src="/script.js"{(string.IsNullOrEmpty(locale) ? "" : $" data-locale=\"{H(locale)}\"")} data-use-api data-account-id="{H(settings.RootAccount)}"></script>{"\n"}""";
        // The auditorium's vault (clients-and-crypto.md §1.1: same origin, `?locale=` when the page has a known
        // one, no accountId) loads with the page instead of after the auditorium's scripts; the auditorium adopts
        // it when its URL is the one it would have created (vault-client.ts).
        var vaultSrc = ConfigLoader.Locales.Contains(locale) ? $"/vault?locale={locale}" : "/vault";
        var html = $"""
<!DOCTYPE html>
<html lang="{H(settings.Locale)}">
<head>
{Meta(inlineStyles: true)}{IndexStyles()}    <title>Offen Fair Web Analytics</title>
{script}</head>
<body>
    <div id="app-host" role="main"></div>
    <iframe id="offen-vault" src="{H(vaultSrc)}" hidden title="Offen Vault" tabindex="-1" aria-hidden="true"></iframe>
    <script src="{H(Rev("/auditorium/vendor.js", locale))}"></script>
    <script src="{H(Rev("/auditorium/index.js", locale))}"></script>
    <noscript>{H(t.NoScript)}</noscript>
</body>
</html>
""";
        return WriteAsync(ctx, 200, html);
    }

    public async Task VaultAsync(HttpContext ctx)
    {
        var locale = ctx.Request.Query["locale"].ToString();
        var accountId = ctx.Request.Query["accountId"].ToString();
        var css = "";
        if (!string.IsNullOrEmpty(accountId))
        {
            var found = await styles.GetAsync(accountId, ctx.RequestAborted);
            if (found is null)
            {
                await ErrorAsync(ctx, 400, $"Error unknown account looking up account {accountId}");
                return;
            }
            css = found;
        }
        // The stored CSS passed the validator of §1.9, which rejects anything that could close the element.
        var style = css.Length == 0 ? "" : $"    <style>{css.Replace("</", "<\\/", StringComparison.Ordinal)}</style>\n";
        var html = $"""
<!DOCTYPE html>
<html lang="{H(settings.Locale)}">
<head>
    <meta charset="utf-8">
    <meta name="referrer" content="no-referrer">
    <title>Offen Vault</title>
</head>
<body>
    <div id="host"></div>
    <script src="{H(Rev("/vault/vendor.js", locale))}"></script>
    <script src="{H(Rev("/vault/index.js", locale))}"></script>
{style}</body>
</html>
""";
        await WriteAsync(ctx, 200, html);
    }

    public Task IntroAsync(HttpContext ctx)
    {
        var html = $"""
<!DOCTYPE html>
<html lang="en">
<head>
{Meta()}    <link rel="stylesheet" href="/intro.css">
    <title>Offen Fair Web Analytics demo</title>
    <script src="/script.js" data-account-id="{H(settings.DemoAccount ?? "")}"></script>
</head>
<body>
    <h1>Welcome to the Offen Fair Web Analytics demo</h1>
    <p>This page is tracked by the demo account. Log in to the <a href="/login/">Auditorium</a> as an operator with
       the email <code>demo@offen.dev</code> and the password <code>demo</code>.</p>
    <p>As a visitor, see and manage the data collected about you in the <a href="/auditorium/">User Auditorium</a>.</p>
</body>
</html>
""";
        return WriteAsync(ctx, 200, html);
    }

    public Task ErrorAsync(HttpContext ctx, int status, string message) =>
        WriteAsync(ctx, status, $"<h1>An error occured: {H(message)}</h1>\n");

    /// <summary>The ETag middleware of §1.6: unquoted MD5 hex, Cache-Control no-cache, 304 on a substring match.</summary>
    private static async Task WriteAsync(HttpContext ctx, int status, string html)
    {
        var body = Encoding.UTF8.GetBytes(html);
        var etag = Convert.ToHexStringLower(MD5.HashData(body));
        var headers = ctx.Response.Headers;
        headers.ETag = etag;
        headers.CacheControl = "no-cache";
        headers.ContentSecurityPolicy = DefaultCsp;
        if (ctx.Request.Headers.IfNoneMatch.ToString().Contains(etag, StringComparison.Ordinal))
        {
            ctx.Response.StatusCode = 304;
            return;
        }
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "text/html; charset=utf-8";
        ctx.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(ctx.Request.Method)) await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
    }
}

/// <summary>The few strings the server renders itself, in the six supported languages (server.md §9.3).</summary>
public sealed record PageText(string Description, string NoScript)
{
    private static readonly Dictionary<string, PageText> All = new()
    {
        ["en"] = new("Offen Fair Web Analytics: fair, transparent and secure web analytics.", "Offen Fair Web Analytics requires JavaScript to be enabled."),
        ["de"] = new("Offen Fair Web Analytics: faire, transparente und sichere Webanalyse.", "Offen Fair Web Analytics benötigt aktiviertes JavaScript."),
        ["fr"] = new("Offen Fair Web Analytics : une analyse web équitable, transparente et sécurisée.", "Offen Fair Web Analytics nécessite que JavaScript soit activé."),
        ["es"] = new("Offen Fair Web Analytics: analítica web justa, transparente y segura.", "Offen Fair Web Analytics necesita que JavaScript esté activado."),
        ["pt"] = new("Offen Fair Web Analytics: análise web justa, transparente e segura.", "O Offen Fair Web Analytics precisa que o JavaScript esteja ativado."),
        ["vi"] = new("Offen Fair Web Analytics: phân tích web công bằng, minh bạch và an toàn.", "Offen Fair Web Analytics cần bật JavaScript."),
    };

    public static PageText For(string locale) => All.TryGetValue(locale, out var t) ? t : All["en"];
}
