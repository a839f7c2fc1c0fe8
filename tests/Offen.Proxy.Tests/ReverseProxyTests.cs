using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Offen.Crypto;

namespace Offen.Proxy.Tests;

/// <summary>
/// server.md §7 "Reverse-proxy mode" through a real nginx terminating TLS (issue 5, item 3): the visitor and
/// operator round trip, forwarded host/proto for cookies and D6, and no gzip, access log or rate limiting.
/// </summary>
public class ReverseProxyTests
{
    private const string Email = "admin@example.test";
    private const string Password = "correct horse battery";

    [Fact]
    public async Task VisitorAndOperatorRoundTrip_ThroughNginxTls_Works()
    {
        await using var stack = await ProxyStack.StartAsync();
        using var http = stack.Client();
        var op = new Session(http);

        var setup = await op.PostAsync("/api/setup", new { accountName = "Proxied Site", emailAddress = Email, password = Password });
        Assert.Equal(HttpStatusCode.NoContent, setup.StatusCode);
        Assert.Equal(HttpVersion.Version20, setup.Version);

        // the host is not localhost, so the login cookie is Secure (server.md §3.1: secure context from the forwarded host)
        var login = await op.PostAsync("/api/login", new { username = Email, password = Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var auth = SetCookie(login, "auth");
        Assert.Contains("; Secure", auth);
        Assert.Contains("HttpOnly", auth);
        Assert.Equal("no-store", login.Headers.CacheControl?.ToString());
        var loginBody = JsonNode.Parse(await login.Content.ReadAsStringAsync())!;
        var accountId = loginBody["accounts"]![0]!["accountId"]!.GetValue<string>();

        // a visitor's vault: exchange a fresh user secret, then send one event with consent
        var visitor = new Session(http);
        var exchange = await visitor.GetAsync($"/api/exchange?accountId={accountId}");
        Assert.Equal(HttpStatusCode.OK, exchange.StatusCode);
        var key = RandomNumberGenerator.GetBytes(16);
        using (var rsa = Rsa.ImportJwk(JsonNode.Parse(await exchange.Content.ReadAsStringAsync())!["publicKey"]!.ToJsonString()))
        {
            var encryptedSecret = Rsa.EncryptOaepSha256Versioned(rsa, Encoding.UTF8.GetBytes(Jwk.UserSecretJwk(key)));
            var posted = await visitor.PostAsync("/api/exchange", new { accountId, encryptedSecret });
            Assert.True(posted.IsSuccessStatusCode, $"POST /api/exchange: {(int)posted.StatusCode}");
            var user = SetCookie(posted, "user");
            Assert.Contains("; Secure", user);
            Assert.Contains("SameSite=None", user);
        }
        visitor.Cookies["consent"] = "allow";
        var pageview = $$"""{"type":"PAGEVIEW","href":"https://www.example.test/","referrer":"","pageload":412,"isMobile":false,"timestamp":"{{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ}}","sessionId":"{{Guid.NewGuid()}}"}""";
        var created = await visitor.PostAsync("/api/events", new { accountId, payload = Aead.EncryptVersioned(key, Encoding.UTF8.GetBytes(pageview)) });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var events = JsonNode.Parse(await (await visitor.GetAsync("/api/events")).Content.ReadAsStringAsync())!;
        Assert.Single(events["events"]![accountId]!.AsArray());

        // the operator reads the account and decrypts the event with the key chain from the login
        var accountRes = await op.GetAsync($"/api/accounts/{accountId}");
        Assert.Equal(HttpStatusCode.OK, accountRes.StatusCode);
        var account = JsonNode.Parse(await accountRes.Content.ReadAsStringAsync())!;
        Assert.Equal([pageview], Decrypt(loginBody, account));

        // D6: the origin is resolved from X-Forwarded-Proto + X-Forwarded-Host as nginx sets them
        var sameOrigin = await visitor.PostAsync("/api/events", new { accountId, payload = Aead.EncryptVersioned(key, Encoding.UTF8.GetBytes("{}")) },
            r => r.Headers.Add("Origin", $"https://{ProxyStack.HostName}"));
        Assert.Equal(HttpStatusCode.Created, sameOrigin.StatusCode);
        var crossOrigin = await visitor.PostAsync("/api/events", new { accountId, payload = "{1,} YWJj eHl6" },
            r => r.Headers.Add("Origin", "https://evil.test"));
        Assert.Equal(HttpStatusCode.Forbidden, crossOrigin.StatusCode);
        var plainHttpOrigin = await visitor.PostAsync("/api/events", new { accountId, payload = "{1,} YWJj eHl6" },
            r => r.Headers.Add("Origin", $"http://{ProxyStack.HostName}"));
        Assert.Equal(HttpStatusCode.Forbidden, plainHttpOrigin.StatusCode);
    }

    [Fact]
    public async Task ReverseProxyMode_HasNoGzipNoAccessLogNoRateLimit()
    {
        await using var stack = await ProxyStack.StartAsync();
        using var http = stack.Client();
        var op = new Session(http);
        Assert.Equal(HttpStatusCode.NoContent, (await op.PostAsync("/api/setup", new { accountName = "Site", emailAddress = Email, password = Password })).StatusCode);

        // no gzip, straight from offen (nginx is not involved): GET /api/accounts/<id> is well over gzip's 1400 bytes
        var login = await op.PostAsync("/api/login", new { username = Email, password = Password });
        var accountId = JsonNode.Parse(await login.Content.ReadAsStringAsync())!["accounts"]![0]!["accountId"]!.GetValue<string>();
        using (var direct = new HttpClient(new HttpClientHandler { UseCookies = false, AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = new Uri($"http://127.0.0.1:{stack.OffenPort}") })
        {
            foreach (var path in new[] { $"/api/accounts/{accountId}", "/" })
            {
                var req = new HttpRequestMessage(HttpMethod.Get, path);
                req.Headers.Host = ProxyStack.HostName;
                req.Headers.Add("X-Forwarded-Proto", "https");
                req.Headers.Add("Cookie", $"auth={op.Cookies["auth"]}");
                req.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
                var res = await direct.SendAsync(req);
                Assert.Equal(HttpStatusCode.OK, res.StatusCode);
                Assert.Empty(res.Content.Headers.ContentEncoding);
                Assert.DoesNotContain("Accept-Encoding", res.Headers.Vary);
                // every other header is still sent (server.md §7)
                if (path == "/") Assert.True(res.Headers.Contains("Content-Security-Policy"));
                else
                {
                    Assert.True((await res.Content.ReadAsByteArrayAsync()).Length > 1400);
                    Assert.Equal("no-store", res.Headers.CacheControl?.ToString());
                }
            }
        }

        // no rate limiting (server.md §1.8): the limiter keys logins by the email before looking it up, so an enabled
        // one would hold the five attempts after the first for 1 s, 2 s, 4 s, 7 s, 11 s (25 s in all, at least 8 s
        // before the fifth). An unknown email answers 401 without Argon2, so without a limiter they take
        // milliseconds; 4 s leaves room for a loaded host and still cannot pass with a limiter.
        var wrong = new { username = "nobody@example.test", password = "wrong" };
        Assert.Equal(HttpStatusCode.Unauthorized, (await op.PostAsync("/api/login", wrong)).StatusCode);
        var rapid = Stopwatch.StartNew();
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await op.PostAsync("/api/login", wrong)).StatusCode);
        Assert.True(rapid.Elapsed < TimeSpan.FromSeconds(4), $"5 rapid logins took {rapid.Elapsed.TotalMilliseconds:F0} ms");

        // plain http on nginx only redirects to https
        using (var plain = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }))
        {
            var req = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{stack.HttpPort}/login/?x=1");
            req.Headers.Host = ProxyStack.HostName;
            var res = await plain.SendAsync(req);
            Assert.Equal(HttpStatusCode.MovedPermanently, res.StatusCode);
            Assert.Equal($"https://{ProxyStack.HostName}/login/?x=1", res.Headers.Location!.ToString());
        }

        // no access log: offen's stdout stays free of request lines (server.md §9.2), even after a clean stop
        var stdout = await stack.StopOffenAsync();
        Assert.DoesNotMatch(new Regex(@"^- - - \[", RegexOptions.Multiline), stdout);
        Assert.DoesNotContain("/api/login", stdout);
    }

    private static string SetCookie(HttpResponseMessage res, string name) =>
        res.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(name + "=", StringComparison.Ordinal));

    private static List<string> Decrypt(JsonNode login, JsonNode account)
    {
        var accountId = account["accountId"]!.GetValue<string>();
        var kek = Jwk.ReadOctKey(login["accounts"]!.AsArray().First(a => a!["accountId"]!.GetValue<string>() == accountId)!["keyEncryptionKey"]!.ToJsonString());
        using var rsa = Rsa.ImportJwk(Encoding.UTF8.GetString(Aead.DecryptVersioned(kek, account["encryptedPrivateKey"]!.GetValue<string>())));
        return account["events"]![accountId]!.AsArray().Select(e =>
        {
            var secret = Rsa.DecryptOaepSha256Versioned(rsa, account["secrets"]![e!["secretId"]!.GetValue<string>()]!.GetValue<string>());
            var userKey = Jwk.ReadOctKey(Encoding.UTF8.GetString(secret));
            return Encoding.UTF8.GetString(Aead.DecryptVersioned(userKey, e["payload"]!.GetValue<string>()));
        }).ToList();
    }

    /// <summary>One browser's cookie jar over the shared client (cookies are scoped to /api, so one jar per role is enough).</summary>
    private sealed class Session(HttpClient http)
    {
        public Dictionary<string, string> Cookies { get; } = new();

        public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null, null);

        public Task<HttpResponseMessage> PostAsync(string path, object body, Action<HttpRequestMessage>? configure = null) =>
            SendAsync(HttpMethod.Post, path, JsonSerializer.Serialize(body), configure);

        private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body, Action<HttpRequestMessage>? configure)
        {
            var req = new HttpRequestMessage(method, path) { Version = http.DefaultRequestVersion, VersionPolicy = http.DefaultVersionPolicy };
            // the vault's fetch sends no JSON content type (server.md §1.2)
            if (body is not null) req.Content = new StringContent(body, Encoding.UTF8, "text/plain");
            if (Cookies.Count > 0) req.Headers.Add("Cookie", string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}")));
            configure?.Invoke(req);
            var res = await http.SendAsync(req);
            if (res.Headers.TryGetValues("Set-Cookie", out var setCookies))
                foreach (var nv in setCookies.Select(sc => sc.Split(';')[0]))
                {
                    var eq = nv.IndexOf('=');
                    Cookies[nv[..eq]] = nv[(eq + 1)..];
                }
            return res;
        }
    }
}
