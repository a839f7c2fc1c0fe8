using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Offen.Crypto;
using Offen.Persistence;

namespace Offen.Api.Tests;

/// <summary>
/// Issue 6 item 5, through real HTTP: cookie attributes in every kind of context (server.md §3.1–3.2), the
/// security headers (§1.5–1.7), no CORS anywhere, the login and reset limits of the delaying limiter (§1.8),
/// D1 token lifetimes where TokenLifetimeTests leaves a gap, refused stale auth cookies, retired accounts, and
/// logs without anything identifying (spec README "Quality bar", §9.2). Complements HttpSurfaceTests,
/// TokenLifetimeTests and VisitorApiTests, which cover the basic cases.
/// </summary>
public partial class SecurityTests
{
    // server.md §1.7, spelled out here rather than taken from the server's constant.
    private const string Csp = "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; img-src 'self' data:";
    private const string Epoch = "Expires=Thu, 01 Jan 1970 00:00:00 GMT";
    private const string PublicHost = "offen.example.test";

    public static IEnumerable<object[]> Dialects => TestDatabase.All;

    private static Action<HttpRequestMessage>? Forwarded(string? host) =>
        host is null ? null : r => r.Headers.TryAddWithoutValidation("X-Forwarded-Host", host);

    private static string SetCookie(HttpResponseMessage res, string name) =>
        Assert.Single(res.Headers.GetValues("Set-Cookie"), c => c.StartsWith(name + "=", StringComparison.Ordinal));

    [GeneratedRegex("<script[^>]* src=\"([^\"]+\\.js)\"")] private static partial Regex ScriptSources();

    private static void AssertNoCors(HttpResponseMessage res, string what)
    {
        var names = res.Headers.Select(h => h.Key).Concat(res.Content.Headers.Select(h => h.Key)).ToList();
        Assert.DoesNotContain(names, n => n.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        Assert.False(res.Headers.Vary.Contains("Origin"), $"{what}: Vary: Origin suggests CORS handling");
    }

    /// <summary>Clients with an open connection each (warmed with GET /healthz), so that requests fired together
    /// reach the server together, even on a busy machine.</summary>
    private static async Task<List<HttpClient>> WarmClientsAsync(Uri baseAddress, int count)
    {
        var clients = Enumerable.Range(0, count).Select(_ => new HttpClient { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan }).ToList();
        await Task.WhenAll(clients.Select(c => c.GetAsync("/healthz")));
        return clients;
    }

    /// <summary>One POST, timed from <paramref name="clock"/>'s start.</summary>
    private static async Task<(HttpStatusCode Status, long Ms, string Body)> TimedPostAsync(HttpClient http, string path, object body, Stopwatch clock, CancellationToken ct)
    {
        using var res = await http.PostAsync(path, new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8), ct);
        var text = await res.Content.ReadAsStringAsync(ct);
        return (res.StatusCode, clock.ElapsedMilliseconds, text);
    }

    /// <summary>
    /// Fires <paramref name="count"/> identical requests together and checks the limiter's promise (§1.8) for a
    /// key with threshold T: one passes at once, the next waits T, later ones queue (T, 2T, 3T, … more for an
    /// exponential key), and the one whose wait would pass 30 s is refused with 429 at once. Asserted by order and
    /// lower bounds only, so a slow machine cannot fail it. The queued rest are then cancelled by closing their
    /// connections, which also ends their waits on the server.
    /// </summary>
    private static async Task AssertDelayedThenRefusedAsync(Uri baseAddress, string path, object body, int count, TimeSpan threshold, HttpStatusCode passed)
    {
        var clients = await WarmClientsAsync(baseAddress, count);
        using var cancel = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var requests = clients.Select(c => TimedPostAsync(c, path, body, clock, cancel.Token)).ToList();
        var t = (long)threshold.TotalMilliseconds;
        try
        {
            // the refusal comes at once: all but the first two (waits 0 and T) are still queued when it arrives
            var deadline = Task.Delay(TimeSpan.FromSeconds(20));
            while (!requests.Any(r => r.IsCompletedSuccessfully && r.Result.Status == HttpStatusCode.TooManyRequests))
            {
                Assert.False(deadline.IsCompleted, "no request was refused with 429");
                await Task.WhenAny(requests.Where(r => !r.IsCompleted).Append(deadline));
            }
            Assert.True(requests.Count(r => !r.IsCompleted) >= count - 3, "the 429 should come before the queue moves");
            var refusedTask = Assert.Single(requests, r => r.IsCompletedSuccessfully && r.Result.Status == HttpStatusCode.TooManyRequests);
            var err = JsonDocument.Parse(refusedTask.Result.Body).RootElement;
            Assert.Equal(429, err.GetProperty("status").GetInt32());
            Assert.Contains("rate limit", err.GetProperty("error").GetString());

            // two are answered normally: the first at once, the second no earlier than T after it
            var answered = new List<(HttpStatusCode Status, long Ms, string Body)>();
            var taken = new HashSet<Task<(HttpStatusCode Status, long Ms, string Body)>> { refusedTask };
            while (answered.Count < 2)
            {
                var next = await Task.WhenAny(requests.Where(r => !taken.Contains(r)));
                taken.Add(next);
                answered.Add(await next);
            }
            Assert.All(answered, a => Assert.Equal(passed, a.Status));
            Assert.True(answered.Max(a => a.Ms) >= t - 50, $"the second request should wait {t} ms: {string.Join(", ", answered.Select(a => a.Ms))} ms");
            // the rest wait 2T and more: with the first three answered, at least count − 4 are still queued
            Assert.True(requests.Count(r => !r.IsCompleted) >= count - 4, $"{requests.Count(r => !r.IsCompleted)} of {count} still queued");
        }
        finally
        {
            cancel.Cancel();
            foreach (var r in requests)
            {
                try { await r; }
                catch (OperationCanceledException) { }
            }
            clients.ForEach(c => c.Dispose());
        }
    }

    /// <summary>server.md §3.1–3.2 cookies, §1.5–1.7 headers, and no CORS anywhere.</summary>
    public class CookiesHeadersAndCors
    {
        [Fact]
        public async Task Cookies_SecureContextFollowsResolvedHostAndDevelopmentMode_AndClearingCookiesMatchTheSetOnes()
        {
            await using var host = await TestHost.StartAsync(Dialect.Sqlite);
            await using var dev = await TestHost.StartAsync(Dialect.Sqlite, s => s with { Development = true });
            var (_, accountId, _) = await Intents.SetupAndLoginAsync(host);
            var (_, devAccountId, _) = await Intents.SetupAndLoginAsync(dev);
            // §3.1: secure = (resolved host name is not exactly "localhost") and not development mode; the resolved
            // host prefers X-Forwarded-Host (§1.1); the transport (plain http here) never counts.
            var contexts = new (TestHost Host, string AccountId, string HostHeader, string? ForwardedHost, bool Secure)[]
            {
                (host, accountId, PublicHost, null, true),
                (host, accountId, "localhost:9999", null, false),
                (host, accountId, "localhost:9999", PublicHost, true),
                (host, accountId, PublicHost, "localhost", false),
                (host, accountId, "127.0.0.1:8080", null, true),
                (dev, devAccountId, PublicHost, null, false),
            };
            foreach (var (h, account, hostHeader, forwarded, secure) in contexts)
            {
                var why = $"Host {hostHeader}, X-Forwarded-Host {forwarded ?? "-"}, development {h.Settings.Development}";
                var c = h.Client(hostHeader);
                var fwd = Forwarded(forwarded);

                // user: SameSite=None; Secure in a secure context, Lax otherwise; Expires = now + retention (6 months)
                var exchange = await c.SendAsync(HttpMethod.Post, "/api/exchange", JsonSerializer.Serialize(new { accountId = account, encryptedSecret = "{1,} YWJj" }), fwd);
                Assert.Equal(HttpStatusCode.NoContent, exchange.StatusCode);
                var user = SetCookie(exchange, "user");
                var m = Regex.Match(user, secure
                    ? @"^user=[0-9a-f-]{36}; Path=/api; Expires=(?<e>[^;]+); HttpOnly; Secure; SameSite=None$"
                    : @"^user=[0-9a-f-]{36}; Path=/api; Expires=(?<e>[^;]+); HttpOnly; SameSite=Lax$");
                Assert.True(m.Success, $"{why}: {user}");
                var expires = DateTimeOffset.ParseExact(m.Groups["e"].Value, "ddd, dd MMM yyyy HH:mm:ss 'GMT'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                Assert.InRange(expires, DateTimeOffset.UtcNow + h.Settings.Retention - TimeSpan.FromMinutes(2), DateTimeOffset.UtcNow + h.Settings.Retention + TimeSpan.FromMinutes(2));

                // opting out clears it with the same name, path and flags, so a browser really drops it
                var optOut = await c.SendAsync(HttpMethod.Post, "/api/purge?user=1", null, fwd);
                Assert.Equal(HttpStatusCode.NoContent, optOut.StatusCode);
                Assert.Equal(secure ? $"user=; Path=/api; {Epoch}; HttpOnly; Secure; SameSite=None" : $"user=; Path=/api; {Epoch}; HttpOnly; SameSite=Lax", SetCookie(optOut, "user"));

                // auth: a session cookie, Lax always, Secure only in a secure context
                var login = await c.SendAsync(HttpMethod.Post, "/api/login", JsonSerializer.Serialize(new { username = Intents.Email, password = Intents.Password }), fwd);
                Assert.Equal(HttpStatusCode.OK, login.StatusCode);
                Assert.Matches(secure ? @"^auth=[A-Za-z0-9_.-]+; Path=/api; HttpOnly; Secure; SameSite=Lax$" : @"^auth=[A-Za-z0-9_.-]+; Path=/api; HttpOnly; SameSite=Lax$", SetCookie(login, "auth"));
                var clearAuth = secure ? $"auth=; Path=/api; {Epoch}; HttpOnly; Secure; SameSite=Lax" : $"auth=; Path=/api; {Epoch}; HttpOnly; SameSite=Lax";
                var token = c.Cookies["auth"];
                var logout = await c.SendAsync(HttpMethod.Post, "/api/logout", null, fwd);
                Assert.Equal(clearAuth, SetCookie(logout, "auth"));
                c.Cookies["auth"] = token + "x";
                var forged = await c.SendAsync(HttpMethod.Get, "/api/login", null, fwd);
                Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
                Assert.Equal(clearAuth, SetCookie(forged, "auth"));
            }
        }

        [Fact]
        public async Task Headers_ExactCspOnPages_HstsOnlyOnScriptInSecureContext_NoFrameBlocking()
        {
            await using var host = await TestHost.StartAsync(Dialect.Sqlite);
            await using var dev = await TestHost.StartAsync(Dialect.Sqlite, s => s with { Development = true });
            var (_, accountId, _) = await Intents.SetupAndLoginAsync(host);
            var c = host.Client(PublicHost);

            // §1.6/§1.7: template pages (vault, index, error page) carry the default CSP, no-cache and no HSTS even in
            // a secure context; nothing forbids framing, since every site embeds the vault.
            foreach (var (path, status) in new[] { ($"/vault?accountId={accountId}", 200), ("/vault", 200), ($"/vault?accountId={Guid.NewGuid()}", 400), ("/", 200), ("/login/", 200), ("/reset-password/abc/", 200) })
            {
                var res = await c.GetAsync(path);
                Assert.Equal((HttpStatusCode)status, res.StatusCode);
                Assert.Equal(Csp, Assert.Single(res.Headers.GetValues("Content-Security-Policy")));
                Assert.Equal("no-cache", res.Headers.CacheControl!.ToString());
                Assert.False(res.Headers.Contains("Strict-Transport-Security"), path);
                Assert.False(res.Headers.Contains("X-Frame-Options"), path);
            }

            // the API, /healthz and /versionz: no-store, no HSTS
            foreach (var (method, path) in new[] { (HttpMethod.Get, "/api/setup"), (HttpMethod.Get, $"/api/exchange?accountId={accountId}"), (HttpMethod.Post, "/api/login"), (HttpMethod.Get, "/healthz"), (HttpMethod.Get, "/versionz") })
            {
                var res = await c.SendAsync(method, path, method == HttpMethod.Post ? "{}" : null);
                Assert.Equal("no-store", res.Headers.CacheControl!.ToString());
                Assert.False(res.Headers.Contains("Strict-Transport-Security"), path);
            }

            // §1.5: every static file carries the three headers (D5: the valid "nosniff"); HSTS only on /script.js
            var vaultHtml = await (await c.GetAsync("/vault")).Content.ReadAsStringAsync();
            var bundles = ScriptSources().Matches(vaultHtml).Select(x => x.Groups[1].Value).ToList();
            Assert.NotEmpty(bundles);
            foreach (var path in bundles.Concat(["/script.js", "/robots.txt", "/fonts.css"]))
            {
                var res = await c.GetAsync(path);
                Assert.True(res.StatusCode == HttpStatusCode.OK, $"{path}: {res.StatusCode}");
                Assert.Equal("origin-when-cross-origin", res.Headers.GetValues("Referrer-Policy").Single());
                Assert.Equal("nosniff", res.Headers.GetValues("X-Content-Type-Options").Single());
                Assert.Equal("1; mode=block", res.Headers.GetValues("X-XSS-Protection").Single());
                if (path == "/script.js") Assert.Equal("max-age=15768000", res.Headers.GetValues("Strict-Transport-Security").Single());
                else Assert.False(res.Headers.Contains("Strict-Transport-Security"), path);
            }
            // development mode is never a secure context, whatever the host
            var devScript = await dev.Client(PublicHost).GetAsync("/script.js");
            Assert.Equal(HttpStatusCode.OK, devScript.StatusCode);
            Assert.False(devScript.Headers.Contains("Strict-Transport-Security"));
        }

        [Fact]
        public async Task NoCorsHeaders_OnAnyRoute_NotEvenForPreflights()
        {
            await using var host = await TestHost.StartAsync(Dialect.Sqlite);
            var (op, accountId, _) = await Intents.SetupAndLoginAsync(host);
            var visitor = new Intents.Visitor(host, accountId);
            await visitor.ExchangeAsync();
            // one client holding every cookie, so that authenticated routes run their handlers
            op.Cookies["user"] = visitor.Client.Cookies["user"];
            op.Cookies["consent"] = "allow";
            var routes = new (HttpMethod Method, string Path)[]
            {
                (HttpMethod.Get, "/healthz"), (HttpMethod.Post, "/healthz"), (HttpMethod.Get, "/versionz"), (HttpMethod.Get, "/vault"),
                (HttpMethod.Get, $"/api/exchange?accountId={accountId}"), (HttpMethod.Post, "/api/exchange"),
                (HttpMethod.Get, $"/api/accounts/{accountId}"), (HttpMethod.Delete, $"/api/accounts/{Guid.NewGuid()}"),
                (HttpMethod.Put, $"/api/accounts/{accountId}/account-styles?dryRun=1"), (HttpMethod.Post, "/api/accounts"),
                (HttpMethod.Post, "/api/purge"), (HttpMethod.Get, "/api/login"), (HttpMethod.Post, "/api/login"),
                (HttpMethod.Post, "/api/change-password"), (HttpMethod.Post, "/api/change-email"), (HttpMethod.Post, "/api/forgot-password"),
                (HttpMethod.Post, "/api/reset-password"), (HttpMethod.Post, $"/api/share-account/{accountId}"), (HttpMethod.Post, "/api/share-account"),
                (HttpMethod.Post, "/api/join"), (HttpMethod.Get, "/api/setup"), (HttpMethod.Post, "/api/setup"),
                (HttpMethod.Get, "/api/events"), (HttpMethod.Post, "/api/events"), (HttpMethod.Get, "/"), (HttpMethod.Get, "/auditorium/"),
                (HttpMethod.Get, "/robots.txt"), (HttpMethod.Get, "/script.js"), (HttpMethod.Get, "/fonts.css"),
                (HttpMethod.Post, "/api/logout"),
            };
            var seen = new HashSet<HttpStatusCode>();
            foreach (var (method, path) in routes)
            {
                foreach (var origin in new[] { "https://evil.test", "null" })
                {
                    var res = await op.SendAsync(method, path, method == HttpMethod.Get || method == HttpMethod.Delete ? null : "{}",
                        r => r.Headers.TryAddWithoutValidation("Origin", origin));
                    seen.Add(res.StatusCode);
                    AssertNoCors(res, $"{method} {path}");
                }
                var preflight = await op.SendAsync(HttpMethod.Options, path, null, r =>
                {
                    r.Headers.TryAddWithoutValidation("Origin", "https://evil.test");
                    r.Headers.TryAddWithoutValidation("Access-Control-Request-Method", method.Method);
                    r.Headers.TryAddWithoutValidation("Access-Control-Request-Headers", "content-type, x-requested-with");
                });
                AssertNoCors(preflight, $"OPTIONS {path}");
                // §1.7: OPTIONS is not handled: no route, so static files (any method; /vault is also a static
                // directory, hence its 301), else the text 404
                if (path.StartsWith("/api/", StringComparison.Ordinal) || path is "/versionz" or "/" or "/auditorium/")
                {
                    Assert.True(preflight.StatusCode == HttpStatusCode.NotFound, $"OPTIONS {path}: {preflight.StatusCode}");
                    Assert.Equal("404 page not found", await preflight.Content.ReadAsStringAsync());
                }
            }
            // the sweep reached real handlers, not only the D6 refusal
            Assert.Contains(HttpStatusCode.OK, seen);
            Assert.Contains(HttpStatusCode.Forbidden, seen);
        }
    }

    /// <summary>server.md §1.8, with the delaying limiter on (the API tests otherwise turn it off).</summary>
    public class RateLimits
    {
        [Fact]
        public async Task LoginRateLimit_DelaysPerUsernameThenRefuses_AndDelaysAcrossUsernames()
        {
            await using var host = await TestHost.StartAsync(Dialect.Sqlite, s => s with { RateLimiting = true });
            await Intents.SetupAndLoginAsync(host);
            await Task.Delay(600); // let the global postLogin-* slot of that login (0.5 s) lapse

            // exponential 1 s per username: waits 0, 1, 2, 4, 7, 11, 16, 22, 29 s; the 10th would wait 37 s: 429
            var guess = new { username = "target@example.test", password = "guess one two" };
            await AssertDelayedThenRefusedAsync(host.BaseAddress, "/api/login", guess, 10, TimeSpan.FromSeconds(1), HttpStatusCode.Unauthorized);

            // a credential-stuffing spray over many usernames still meets the global linear 0.5 s slot
            await Task.Delay(600);
            var sprayers = await WarmClientsAsync(host.BaseAddress, 4);
            var clock = Stopwatch.StartNew();
            var spray = await Task.WhenAll(sprayers.Select((c, i) =>
                TimedPostAsync(c, "/api/login", new { username = $"spray{i}@example.test", password = "guess one two" }, clock, default)));
            sprayers.ForEach(c => c.Dispose());
            Assert.All(spray, r => Assert.Equal(HttpStatusCode.Unauthorized, r.Status));
            var times = spray.Select(r => r.Ms).Order().ToArray();
            Assert.True(times[3] >= 1400, $"four logins for four usernames should take at least 3 × 0.5 s: {string.Join(", ", times)} ms");

            // the server is still fine after the cancelled waits
            Assert.Equal(HttpStatusCode.OK, (await host.Client().GetAsync("/healthz")).StatusCode);
        }

        [Fact]
        public async Task ResetPasswordRateLimit_DelaysPerEmailThenRefuses()
        {
            await using var host = await TestHost.StartAsync(Dialect.Sqlite, s => s with { RateLimiting = true });
            var signer = new TokenSigner(host.Settings.Secret);
            string Token(string email) => signer.Sign("reset-credentials",
                JsonSerializer.Serialize(new Dictionary<string, string> { ["token"] = Convert.ToBase64String(new byte[32]), ["emailAddress"] = email }), DateTimeOffset.UtcNow);

            // exponential 5 s keyed by the email inside the (valid) token: waits 0, 5, 10, 20 s; the 5th would wait 35 s
            var first = Task.Run(() => AssertDelayedThenRefusedAsync(host.BaseAddress, "/api/reset-password",
                new { emailAddress = "victim@example.test", password = "new password 1", token = Token("victim@example.test") }, 5, TimeSpan.FromSeconds(5), HttpStatusCode.NoContent));
            // meanwhile another email is not held up by that queue
            await Task.Delay(1000);
            using var otherClient = new HttpClient { BaseAddress = host.BaseAddress };
            var clock = Stopwatch.StartNew();
            var other = await TimedPostAsync(otherClient, "/api/reset-password",
                new { emailAddress = "other@example.test", password = "new password 2", token = Token("other@example.test") }, clock, default);
            Assert.Equal(HttpStatusCode.NoContent, other.Status);
            Assert.True(other.Ms < 4000, $"another email waited {other.Ms} ms, as if queued behind the first (5 s)");
            await first;
        }
    }

    /// <summary>D1 lifetimes and stale auth cookies (server.md §1.3 account-user middleware, §3.4).</summary>
    public class Tokens
    {
        [Fact]
        public async Task ResetToken_23HoursOld_StillSetsThePassword()
        {
            // D1, the other side of TokenLifetimeTests' 25-hour refusal: within 24 h a mailed token works.
            await using var host = await TestHost.StartAsync(Dialect.Sqlite);
            await Intents.SetupAndLoginAsync(host);
            var client = host.Client();
            Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/forgot-password", new { emailAddress = Intents.Email, urlTemplate = "https://x.test/reset-password/{token}/" })).StatusCode);
            var mailed = Regex.Match(Assert.Single(host.Mailer.Sent).Body, @"/reset-password/([^/\s]+)/").Groups[1].Value;
            var signer = new TokenSigner(host.Settings.Secret);
            Assert.True(signer.TryVerify("reset-credentials", mailed, TimeSpan.FromHours(24), DateTimeOffset.UtcNow, out var payload));
            var aged = signer.Sign("reset-credentials", payload, DateTimeOffset.UtcNow.AddHours(-23));
            Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/reset-password", new { emailAddress = Intents.Email, password = "reset at 23 hours", token = aged })).StatusCode);
            await Intents.LoginAsync(client, Intents.Email, "reset at 23 hours");
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/api/login", new { username = Intents.Email, password = Intents.Password })).StatusCode);
        }

        [Fact]
        public async Task StaleAuthCookies_AreRefusedOnEveryAuthenticatedRoute_AndChangeNothing()
        {
            await using var host = await TestHost.StartAsync(Dialect.Sqlite);
            var (op, accountId, login) = await Intents.SetupAndLoginAsync(host);
            var userId = login["accountUserId"]!.GetValue<string>();
            var credentials = new { emailAddress = Intents.Email, password = Intents.Password };
            var routes = new (HttpMethod Method, string Path, object? Body)[]
            {
                (HttpMethod.Get, "/api/login", null),
                (HttpMethod.Get, $"/api/accounts/{accountId}", null),
                (HttpMethod.Delete, $"/api/accounts/{accountId}", null),
                (HttpMethod.Put, $"/api/accounts/{accountId}/account-styles", new { accountStyles = ".banner__root { color: red; }" }),
                (HttpMethod.Post, "/api/accounts", new { accountName = "Sneaky", emailAddress = Intents.Email, password = Intents.Password }),
                (HttpMethod.Post, "/api/change-password", new { currentPassword = Intents.Password, changedPassword = "taken over pw" }),
                (HttpMethod.Post, "/api/change-email", new { emailAddress = "thief@example.test", emailCurrent = Intents.Email, password = Intents.Password }),
                (HttpMethod.Post, $"/api/share-account/{accountId}", new { invitee = "thief@example.test", credentials.emailAddress, credentials.password, urlTemplate = "https://x.test/{token}", grantAdminPrivileges = true }),
                (HttpMethod.Post, "/api/share-account", new { invitee = "thief@example.test", credentials.emailAddress, credentials.password, urlTemplate = "https://x.test/{token}", grantAdminPrivileges = true }),
            };

            // logged out: the browser dropped the cookie (its clearing twin is checked in the cookie test): 401, no Set-Cookie
            Assert.Equal(HttpStatusCode.NoContent, (await op.PostAsync("/api/logout", null)).StatusCode);
            Assert.False(op.Cookies.ContainsKey("auth"));
            var signer = new TokenSigner(host.Settings.Secret);
            var stale = new (string What, string? Cookie)[]
            {
                ("logged out", null),
                ("expired (24 h + 1 min)", signer.Sign("auth", userId, DateTimeOffset.UtcNow.AddHours(-24).AddMinutes(-1))),
                ("signed with another secret", new TokenSigner(new byte[16]).Sign("auth", userId, DateTimeOffset.UtcNow)),
                ("issued in the future", signer.Sign("auth", userId, DateTimeOffset.UtcNow.AddHours(1))),
            };
            foreach (var (what, cookie) in stale)
            {
                foreach (var (method, path, body) in routes)
                {
                    var c = host.Client();
                    if (cookie is not null) c.Cookies["auth"] = cookie;
                    var res = await c.SendAsync(method, path, body is null ? null : JsonSerializer.Serialize(body));
                    Assert.True(res.StatusCode == HttpStatusCode.Unauthorized, $"{what}: {method} {path} gave {res.StatusCode}");
                    Assert.Equal(401, JsonDocument.Parse(await res.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetInt32());
                    if (cookie is null) Assert.False(res.Headers.Contains("Set-Cookie"));
                    else Assert.StartsWith("auth=; Path=/api; " + Epoch, SetCookie(res, "auth"));
                }
            }
            // nothing happened: same password, same single account, no styles, no mail
            var fresh = host.Client();
            var again = await Intents.LoginAsync(fresh, Intents.Email, Intents.Password);
            Assert.Single(again["accounts"]!.AsArray());
            var account = await TestClient.JsonAsync(await fresh.GetAsync($"/api/accounts/{accountId}"));
            Assert.Null(account!["accountStyles"]);
            Assert.Empty(host.Mailer.Sent);
        }
    }

    /// <summary>server.md §5.11: a retired account rejects events and exchanges.</summary>
    public class RetiredAccounts
    {
        [Theory, MemberData(nameof(Dialects), MemberType = typeof(SecurityTests))]
        public async Task RetiredAccount_RefusesEventsAndExchangesOfKnownVisitors_OtherAccountsUnaffected(Dialect dialect)
        {
            await using var host = await TestHost.StartAsync(dialect);
            var (op, accountId, _) = await Intents.SetupAndLoginAsync(host);
            Assert.Equal(HttpStatusCode.Created, (await op.PostAsync("/api/accounts", new { accountName = "Still here", emailAddress = Intents.Email, password = Intents.Password })).StatusCode);
            var relogin = await Intents.LoginAsync(op, Intents.Email, Intents.Password);
            var otherId = relogin["accounts"]!.AsArray().Select(a => a!["accountId"]!.GetValue<string>()).Single(id => id != accountId);

            // a visitor who already exchanged a secret and sent events
            var visitor = new Intents.Visitor(host, accountId);
            Assert.Equal(HttpStatusCode.NoContent, (await visitor.ExchangeAsync()).StatusCode);
            visitor.AllowConsent();
            Assert.Equal(HttpStatusCode.Created, (await visitor.PostEventAsync(Intents.Visitor.Pageview("https://a.test/before"))).StatusCode);

            Assert.Equal(HttpStatusCode.NoContent, (await op.DeleteAsync($"/api/accounts/{accountId}")).StatusCode);
            var refused = await visitor.PostEventAsync(Intents.Visitor.Pageview("https://a.test/after"));
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
            Assert.Equal(404, JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetInt32());
            Assert.False(refused.Headers.Contains("Set-Cookie"), "a refused event must not refresh the user cookie");
            Assert.Equal(HttpStatusCode.BadRequest, (await visitor.Client.PostAsync("/api/exchange", new { accountId, encryptedSecret = "{1,} YWJj" })).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await visitor.Client.GetAsync($"/api/exchange?accountId={accountId}")).StatusCode);

            // the same visitor (same user cookie) can still take part on a live account
            var elsewhere = new Intents.Visitor(host, otherId);
            elsewhere.Client.Cookies["user"] = visitor.Client.Cookies["user"];
            Assert.Equal(HttpStatusCode.NoContent, (await elsewhere.ExchangeAsync()).StatusCode);
            elsewhere.AllowConsent();
            Assert.Equal(HttpStatusCode.Created, (await elsewhere.PostEventAsync(Intents.Visitor.Pageview("https://b.test/"))).StatusCode);
        }
    }

    /// <summary>Nothing identifying in the logs (spec README "Quality bar", server.md §9.2).</summary>
    public class Logs
    {
        [Fact]
        public async Task Logs_OfFlowsThatLog_HoldNoAddressAgentReferrerCookieEmailOrPassword()
        {
            await using var host = await TestHost.StartAsync(Dialect.Sqlite, captureLogs: true);
            const string agent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) LogProbe/7.7";
            const string clientIp = "203.0.113.77";
            const string referrer = "https://referrer.example.test/private/page";
            void Identify(HttpRequestMessage r)
            {
                r.Headers.TryAddWithoutValidation("User-Agent", agent);
                r.Headers.TryAddWithoutValidation("X-Forwarded-For", clientIp);
                r.Headers.TryAddWithoutValidation("X-Real-IP", clientIp);
                r.Headers.TryAddWithoutValidation("Referer", referrer);
            }
            var c = host.Client();
            Task<HttpResponseMessage> Post(TestClient client, string path, object body) => client.SendAsync(HttpMethod.Post, path, JsonSerializer.Serialize(body), Identify);

            const string email = "log.probe@example.test", password = "log probe password", invitee = "log.invitee@example.test", tooShort = "pw-x1y2";
            Assert.Equal(HttpStatusCode.NoContent, (await Post(c, "/api/setup", new { accountName = "Log probe", emailAddress = email, password })).StatusCode);
            Assert.Equal(HttpStatusCode.InternalServerError, (await Post(c, "/api/setup", new { accountName = "Again", emailAddress = email, password })).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await Post(c, "/api/login", new { username = "nobody.probe@example.test", password = "wrong probe pw" })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await Post(c, "/api/login", new { username = email, password })).StatusCode);
            var accountId = (await TestClient.JsonAsync(await c.SendAsync(HttpMethod.Get, "/api/login", null, Identify)))!["accounts"]![0]!["accountId"]!.GetValue<string>();
            var auth = c.Cookies["auth"];
            // each of these logs a line on the server (§1.4: failures that are only logged, mail failures)
            Assert.Equal(HttpStatusCode.NoContent, (await Post(c, "/api/forgot-password", new { emailAddress = "unknown.probe@example.test", urlTemplate = "https://x.test/reset-password/{token}/" })).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await Post(c, "/api/forgot-password", new { emailAddress = email, urlTemplate = "https://x.test/reset-password/{token}/" })).StatusCode);
            var resetToken = Regex.Match(host.Mailer.Sent[^1].Body, @"/reset-password/([^/\s]+)/").Groups[1].Value;
            Assert.Equal(HttpStatusCode.NoContent, (await Post(c, "/api/reset-password", new { emailAddress = email, password = tooShort, token = resetToken })).StatusCode);
            Assert.Equal(HttpStatusCode.InternalServerError, (await Post(c, "/api/accounts", new { accountName = "Log probe", emailAddress = email, password })).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await Post(c, $"/api/share-account/{accountId}", new { invitee, emailAddress = email, password, urlTemplate = "https://x.test/join/{token}/", grantAdminPrivileges = false })).StatusCode);
            var joinToken = Regex.Match(host.Mailer.Sent[^1].Body, @"/join/([^/\s]+)/").Groups[1].Value;
            Assert.Equal(HttpStatusCode.NoContent, (await Post(c, "/api/join", new { emailAddress = invitee, password = tooShort, token = joinToken })).StatusCode);
            host.Mailer.Fail = true;
            Assert.Equal(HttpStatusCode.InternalServerError, (await Post(c, "/api/forgot-password", new { emailAddress = email, urlTemplate = "https://x.test/reset-password/{token}/" })).StatusCode);
            // the pages that carry tokens in their path (the access log must not keep them)
            Assert.Equal(HttpStatusCode.OK, (await c.SendAsync(HttpMethod.Get, $"/reset-password/{resetToken}/", null, Identify)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await c.SendAsync(HttpMethod.Get, $"/join/{joinToken}/", null, Identify)).StatusCode);
            // a visitor
            var v = new Intents.Visitor(host, accountId);
            await v.ExchangeAsync();
            v.AllowConsent();
            Assert.Equal(HttpStatusCode.Created, (await v.Client.SendAsync(HttpMethod.Post, "/api/events", JsonSerializer.Serialize(new { accountId, payload = v.Encrypt("{}") }), Identify)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await v.Client.SendAsync(HttpMethod.Get, "/api/events", null, Identify)).StatusCode);
            var userId = v.Client.Cookies["user"];
            Assert.Equal(HttpStatusCode.NoContent, (await v.Client.SendAsync(HttpMethod.Post, "/api/purge?user=1", null, Identify)).StatusCode);

            // the access log is written in the background: wait for the last request's line
            for (var i = 0; i < 100 && !host.Log.Lines.Any(l => l.Contains("/api/purge?user=1", StringComparison.Ordinal)); i++) await Task.Delay(50);
            var lines = host.Log.Lines;
            // the capture works: the access log (§9.2) and the application log at Information are both there
            Assert.Contains(lines, l => l.Contains("\"POST /api/login HTTP/1.1\" 401 -", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.StartsWith("- - - [", StringComparison.Ordinal) && l.Contains("\"GET /reset-password/-/ HTTP/1.1\" 200 -", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains("Forgot password request did not generate a key", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains("Sending the password reset email failed", StringComparison.Ordinal));
            var forbidden = new[]
            {
                email, invitee, "unknown.probe@example.test", "nobody.probe@example.test", password, "wrong probe pw", tooShort,
                agent, "LogProbe", "Mozilla", clientIp, "127.0.0.1", referrer, "referrer.example.test", auth, userId, resetToken, joinToken,
            };
            foreach (var line in lines)
            {
                foreach (var secret in forbidden) Assert.False(line.Contains(secret, StringComparison.Ordinal), $"the log holds '{secret}': {line}");
                Assert.DoesNotMatch(@"\b\d{1,3}(\.\d{1,3}){3}\b", line);
                Assert.DoesNotMatch(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", line);
            }
        }
    }
}
