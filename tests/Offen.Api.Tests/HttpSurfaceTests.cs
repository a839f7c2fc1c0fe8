using System.Net;
using System.Text;
using Offen.Persistence;
using Offen.RateLimiting;

namespace Offen.Api.Tests;

/// <summary>Health, pages, static files, headers, routing quirks and hostile input (server.md §1.1, §1.4–1.8).</summary>
public class HttpSurfaceTests
{
    [Fact]
    public async Task Healthz_AnyMethod_AndVersionz()
    {
        await using var host = await TestHost.StartAsync(Dialect.Sqlite);
        var c = host.Client();
        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post, HttpMethod.Delete })
        {
            var res = await c.SendAsync(method, "/healthz");
            Assert.Equal(HttpStatusCode.OK, res.StatusCode);
            Assert.Equal("""{"ok":true}""", await res.Content.ReadAsStringAsync());
            Assert.Equal("no-store", res.Headers.CacheControl!.ToString());
        }
        var v = await c.GetAsync("/versionz");
        Assert.Equal("{\n    \"revision\": \"test-revision\"\n}", await v.Content.ReadAsStringAsync());
        Assert.Equal("no-store", v.Headers.CacheControl!.ToString());

        var slash = await c.GetAsync("/healthz/?x=1");
        Assert.Equal(HttpStatusCode.MovedPermanently, slash.StatusCode);
        Assert.Equal("/healthz?x=1", slash.Headers.Location!.ToString());
        var postSlash = await c.SendAsync(HttpMethod.Post, "/api/logout/");
        Assert.Equal(HttpStatusCode.TemporaryRedirect, postSlash.StatusCode);
    }

    [Fact]
    public async Task Healthz_DatabaseGone_Returns502()
    {
        await using var host = await TestHost.StartAsync(Dialect.Sqlite);
        await host.Store.DisposeAsync();
        var res = await host.Client().GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.BadGateway, res.StatusCode);
        Assert.Contains("\"status\":502", await res.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task IndexPage_ForUnknownGets_WithEtagAndCsp()
    {
        await using var host = await TestHost.StartAsync(Dialect.Sqlite, s => s with { RootAccount = "9b63c4d8-65c0-438c-9d30-cc4b01173393" });
        var c = host.Client();
        foreach (var path in new[] { "/", "/login/", "/auditorium/9b63c4d8/", "/api/unknown" })
        {
            var res = await c.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, res.StatusCode);
            Assert.Equal("text/html; charset=utf-8", res.Content.Headers.ContentType!.ToString());
            Assert.Equal("no-cache", res.Headers.CacheControl!.ToString());
            Assert.Contains("default-src 'self'", res.Headers.GetValues("Content-Security-Policy").Single());
            Assert.False(res.Headers.Contains("X-Frame-Options"));
            var html = await res.Content.ReadAsStringAsync();
            Assert.Contains("<div id=\"app-host\" role=\"main\">", html);
            Assert.Contains("data-use-api data-account-id=\"9b63c4d8-65c0-438c-9d30-cc4b01173393\"", html);
            var etag = res.Headers.GetValues("ETag").Single();
            Assert.Matches("^[0-9a-f]{32}$", etag);
            var cached = await c.GetAsync(path, r => r.Headers.TryAddWithoutValidation("If-None-Match", $"W/\"{etag}\""));
            Assert.Equal(HttpStatusCode.NotModified, cached.StatusCode);
        }
        var localized = await (await c.GetAsync("/?locale=de")).Content.ReadAsStringAsync();
        Assert.Matches(@"/de/auditorium/index-[0-9a-f]{10}\.js", localized);
        Assert.Contains("data-locale=\"de\"", localized);
        // The auditorium's vault frame loads with the page, with the page's locale when it is a known one.
        Assert.Contains("<iframe id=\"offen-vault\" src=\"/vault?locale=de\" hidden", localized);
        Assert.Contains("<iframe id=\"offen-vault\" src=\"/vault\" hidden", await (await c.GetAsync("/login/?locale=xx")).Content.ReadAsStringAsync());
        // Its stylesheets come inline (static CSS is served no-cache without a validator), and are still served.
        var fontsCss = await (await c.GetAsync("/fonts.css")).Content.ReadAsStringAsync();
        var tachyons = await (await c.GetAsync("/tachyons.min.css")).Content.ReadAsStringAsync();
        Assert.Contains(".flex{", tachyons);
        Assert.DoesNotContain("rel=\"stylesheet\"", localized);
        Assert.Contains($"<style>{fontsCss.Replace("</", "<\\/")}</style>", localized);
        Assert.Contains($"<style>{tachyons.Replace("</", "<\\/")}</style>", localized);
        Assert.True(localized.IndexOf("<style>", StringComparison.Ordinal) < localized.IndexOf("</head>", StringComparison.Ordinal));
        // other methods on unknown paths: a text 404, and no CORS anywhere
        var post = await c.SendAsync(HttpMethod.Post, "/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Equal("404 page not found", await post.Content.ReadAsStringAsync());
        var options = await c.SendAsync(HttpMethod.Options, "/api/events", null, r => r.Headers.Add("Origin", "https://evil.test"));
        Assert.Equal(HttpStatusCode.NotFound, options.StatusCode);
        Assert.DoesNotContain(options.Headers, h => h.Key.StartsWith("Access-Control", StringComparison.OrdinalIgnoreCase));
        // a wrong method on an API path is no route (no 405)
        Assert.Equal(HttpStatusCode.NotFound, (await c.SendAsync(HttpMethod.Delete, "/api/events")).StatusCode);
    }

    [Fact]
    public async Task StaticFiles_AnyMethod_WithHeaders_RangesAndRedirects()
    {
        await using var host = await TestHost.StartAsync(Dialect.Sqlite);
        var c = host.Client("offen.example.test");
        var robots = await c.SendAsync(HttpMethod.Post, "/robots.txt");
        Assert.Equal(HttpStatusCode.OK, robots.StatusCode);
        Assert.Equal("User-agent: *\nDisallow: /\n", await robots.Content.ReadAsStringAsync());
        Assert.Equal("nosniff", robots.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("origin-when-cross-origin", robots.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("1; mode=block", robots.Headers.GetValues("X-XSS-Protection").Single());
        Assert.False(robots.Content.Headers.Contains("Last-Modified"));
        Assert.False(robots.Headers.Contains("ETag"));

        var script = await c.GetAsync("/script.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("no-cache", script.Headers.CacheControl!.ToString());
        Assert.Equal("max-age=15768000", script.Headers.GetValues("Strict-Transport-Security").Single());
        Assert.StartsWith("text/javascript", script.Content.Headers.ContentType!.ToString());
        // no HSTS on localhost (not a secure context), nor on the API
        var local = await host.Client("localhost").GetAsync("/script.js");
        Assert.False(local.Headers.Contains("Strict-Transport-Security"));

        var css = await c.GetAsync("/fonts.css");
        Assert.Equal("no-cache", css.Headers.CacheControl!.ToString());

        var range = await c.GetAsync("/robots.txt", r => r.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(0, 9));
        Assert.Equal(HttpStatusCode.PartialContent, range.StatusCode);
        Assert.Equal("User-agent", await range.Content.ReadAsStringAsync());

        var dir = await c.GetAsync("/en/vault");
        Assert.Equal(HttpStatusCode.MovedPermanently, dir.StatusCode);
        Assert.Equal("vault/", dir.Headers.Location!.ToString());
        var traversal = await c.GetAsync("/../../../../etc/passwd");
        Assert.Equal(HttpStatusCode.OK, traversal.StatusCode);
        Assert.Contains("app-host", await traversal.Content.ReadAsStringAsync());
        var vaultSlash = await c.GetAsync("/vault/");
        Assert.Equal(HttpStatusCode.MovedPermanently, vaultSlash.StatusCode);
        Assert.Equal("/vault", vaultSlash.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Gzip_VaryAlways_CompressOnlyLargeBodies()
    {
        await using var host = await TestHost.StartAsync(Dialect.Sqlite);
        var (c, accountId, _) = await Intents.SetupAndLoginAsync(host);
        var small = await c.GetAsync("/healthz", r => r.Headers.Add("Accept-Encoding", "gzip"));
        Assert.Contains("Accept-Encoding", small.Headers.Vary);
        Assert.Empty(small.Content.Headers.ContentEncoding);
        Assert.Equal("""{"ok":true}""", await small.Content.ReadAsStringAsync());
        var plain = await c.GetAsync($"/api/accounts/{accountId}");
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", plain.Headers.Vary);
        var big = await c.GetAsync($"/api/accounts/{accountId}", r => r.Headers.Add("Accept-Encoding", "gzip"));
        Assert.Contains("gzip", big.Content.Headers.ContentEncoding);
        await using var gz = new System.IO.Compression.GZipStream(await big.Content.ReadAsStreamAsync(), System.IO.Compression.CompressionMode.Decompress);
        Assert.Contains("encryptedPrivateKey", await new StreamReader(gz).ReadToEndAsync());
        // Our vault's paged reads (`limit`, ADR 0003) are mostly ciphertext and go out uncompressed, with Vary.
        var paged = await c.GetAsync($"/api/accounts/{accountId}?limit=1000", r => r.Headers.Add("Accept-Encoding", "gzip"));
        Assert.Equal(HttpStatusCode.OK, paged.StatusCode);
        Assert.Empty(paged.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", paged.Headers.Vary);
        Assert.Contains("encryptedPrivateKey", await paged.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Cookies_HaveUpstreamAttributes_InSecureAndLocalContexts()
    {
        await using var host = await TestHost.StartAsync(Dialect.Sqlite);
        var (_, accountId, _) = await Intents.SetupAndLoginAsync(host);
        foreach (var (hostName, secure) in new[] { ("offen.example.test", true), ("localhost:9999", false) })
        {
            var c = host.Client(hostName);
            var res = await c.PostAsync("/api/exchange", new { accountId, encryptedSecret = "{1,} YWJj" });
            var user = res.Headers.GetValues("Set-Cookie").Single();
            Assert.Matches(secure
                ? @"^user=[0-9a-f-]{36}; Path=/api; Expires=\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT; HttpOnly; Secure; SameSite=None$"
                : @"^user=[0-9a-f-]{36}; Path=/api; Expires=\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT; HttpOnly; SameSite=Lax$", user);
            var login = await c.PostAsync("/api/login", new { username = Intents.Email, password = Intents.Password });
            var auth = login.Headers.GetValues("Set-Cookie").Single();
            Assert.Matches(secure ? @"^auth=[A-Za-z0-9_.-]+; Path=/api; HttpOnly; Secure; SameSite=Lax$" : @"^auth=[A-Za-z0-9_.-]+; Path=/api; HttpOnly; SameSite=Lax$", auth);
        }
    }

    [Theory, MemberData(nameof(TestDatabase.All), MemberType = typeof(TestDatabase))]
    public async Task HostileInput_Gets4xx_AndNothingHalfWritten(Dialect dialect)
    {
        await using var host = await TestHost.StartAsync(dialect);
        var (op, accountId, login) = await Intents.SetupAndLoginAsync(host);
        var c = host.Client();
        foreach (var body in new[] { "", "{", "[]", "\"x\"", "{\"username\": 1}", "{\"username\": [\"a\"]}", "{\"password\": {}}", "\u00ff\u00fe" })
        {
            var res = await c.PostAsync("/api/login", body);
            Assert.Equal(HttpStatusCode.BadRequest, res.StatusCode);
            Assert.Contains("\"status\":400", await res.Content.ReadAsStringAsync());
        }
        var invalidUtf8 = await c.SendAsync(HttpMethod.Post, "/api/login", null, r => r.Content = new ByteArrayContent([.. "{\"username\":\""u8, 0xff, 0xfe, .. "\"}"u8]));
        Assert.Equal(HttpStatusCode.BadRequest, invalidUtf8.StatusCode);
        // the literal null decodes to empty fields (no crash): an unknown user
        Assert.Equal(HttpStatusCode.Unauthorized, (await c.PostAsync("/api/login", "null")).StatusCode);
        // D12: oversize bodies
        var huge = await c.PostAsync("/api/login", "{\"username\":\"" + new string('a', 2 << 20) + "\"}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        // D6: cross-site state changes are refused, same-origin ones pass
        var visitor = new Intents.Visitor(host, accountId);
        await visitor.ExchangeAsync();
        visitor.AllowConsent();
        var forged = await visitor.Client.SendAsync(HttpMethod.Post, "/api/purge?user=1", null, r => r.Headers.Add("Origin", "https://evil.test"));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Contains("\"status\":403", await forged.Content.ReadAsStringAsync());
        Assert.True(visitor.Client.Cookies.ContainsKey("user"));
        var same = await visitor.Client.SendAsync(HttpMethod.Post, "/api/events", $$"""{"accountId":"{{accountId}}","payload":"{{visitor.Encrypt("{}")}}"}""",
            r => r.Headers.Add("Origin", host.BaseAddress.GetLeftPart(UriPartial.Authority)));
        Assert.Equal(HttpStatusCode.Created, same.StatusCode);
        // SQL and HTML metacharacters are stored verbatim
        const string nasty = "'; DROP TABLE events; -- <script>\"&\\ \u2028";
        Assert.Equal(HttpStatusCode.Created, (await visitor.Client.PostAsync("/api/events", new { accountId, payload = visitor.Encrypt(nasty) })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.Client.PostAsync("/api/events", new { accountId = nasty, payload = nasty })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await c.GetAsync($"/api/exchange?accountId={Uri.EscapeDataString(nasty)}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await c.PostAsync("/api/login", new { username = nasty, password = nasty })).StatusCode);
        var account = (await TestClient.JsonAsync(await op.GetAsync($"/api/accounts/{accountId}?since={Uri.EscapeDataString(nasty)}")))!;
        var all = (await TestClient.JsonAsync(await op.GetAsync($"/api/accounts/{accountId}")))!;
        Assert.Contains(nasty, Intents.DecryptAccountEvents(login, all));
        Assert.Equal(2, Intents.DecryptAccountEvents(login, all).Count);
        Assert.NotNull(account["accountId"]);
        // still serving
        Assert.Equal(HttpStatusCode.OK, (await c.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task Events_RepeatedForOneUser_AreDelayedNotRefused()
    {
        await using var host = await TestHost.StartAsync(Dialect.Sqlite, s => s with { RateLimiting = true });
        await Intents.SetupAndLoginAsync(host);
        async Task<long> TimedPost()
        {
            var client = host.Client();
            client.Cookies["consent"] = "allow";
            client.Cookies["user"] = "same-user";
            var sw = System.Diagnostics.Stopwatch.StartNew();
            // an unknown account answers 404 right after the limiter, so the timing is the limiter's
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/events", new { accountId = "unknown", payload = "x" })).StatusCode);
            return sw.ElapsedMilliseconds;
        }
        await TimedPost(); // warm up the route
        await Task.Delay(600);
        var times = await Task.WhenAll(TimedPost(), TimedPost());
        Assert.True(Math.Abs(times[0] - times[1]) >= 300, $"one of two posts by the same user should wait about 0.5 s: {times[0]} ms vs {times[1]} ms");
        // reverse-proxy mode turns the limiter off
        await using var proxied = await TestHost.StartAsync(Dialect.Sqlite, s => s with { RateLimiting = true, ReverseProxy = true });
        var (p, _, _) = await Intents.SetupAndLoginAsync(proxied);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await p.PostAsync("/api/login", new { username = "x@y.test", password = "nope" })).StatusCode);
        Assert.True(sw.ElapsedMilliseconds < 3000, $"no delays expected, took {sw.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task RateLimiter_DelaysThenRefusesPast30Seconds()
    {
        var limiter = new DelayingRateLimiter(enabled: true);
        var t = TimeSpan.FromMilliseconds(300);
        Assert.True(await limiter.WaitAsync("k", t, false, default));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(await limiter.WaitAsync("k", t, false, default));
        Assert.InRange(sw.ElapsedMilliseconds, 200, 5000);
        Assert.True(await limiter.WaitAsync("other", t, false, default));

        // exponential 11 s: the 2nd waits 11 s, the 3rd 22 s, the 4th would wait 44 s and is refused at once
        using var cts = new CancellationTokenSource();
        var big = TimeSpan.FromSeconds(11);
        Assert.True(await limiter.WaitAsync("e", big, true, cts.Token));
        var second = limiter.WaitAsync("e", big, true, cts.Token);
        var third = limiter.WaitAsync("e", big, true, cts.Token);
        sw.Restart();
        Assert.False(await limiter.WaitAsync("e", big, true, cts.Token));
        Assert.True(sw.ElapsedMilliseconds < 1000);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => third);

        var off = new DelayingRateLimiter(enabled: false);
        for (var i = 0; i < 5; i++) Assert.True(await off.WaitAsync("k", TimeSpan.FromMinutes(1), true, default));
    }
}
