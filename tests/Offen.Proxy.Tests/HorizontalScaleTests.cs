using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Offen.Api.Tests;
using Offen.Crypto;
using Offen.Persistence;
using Xunit.Abstractions;

namespace Offen.Proxy.Tests;

/// <summary>
/// Issue 6 item 6: two `offen serve` processes with OFFEN_APP_SINGLENODE=false on one PostgreSQL database, behind
/// a real nginx balancing round-robin (deploy/nginx.conf with a second upstream server). `offen migrate` runs
/// before the nodes start and `offen expire` runs while they serve (server.md §9.4, §4 OFFEN_APP_SINGLENODE).
/// A visitor and an operator alternate between the nodes; nothing may depend on which node answers.
/// Runs alone in this project (two nodes, Argon2 logins): ReverseProxyTests times rapid logins.
/// </summary>
[Collection(nameof(HorizontalScaleTests))]
public class HorizontalScaleTests(ITestOutputHelper output)
{
    private const string NewPassword = "another horse battery";
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private void Phase(string name) => output.WriteLine($"{_clock.Elapsed.TotalSeconds,6:F1} s  {name}");

    [Fact]
    public async Task TwoNodesBehindNginx_OnePostgres_VisitorAndOperatorAlternate_NothingBreaks()
    {
        await using var cluster = await Cluster.StartAsync();
        Phase("migrated, two nodes and nginx up");
        using var http = cluster.Client();
        var op = new Session(http, cluster);
        var visitor = new Session(http, cluster);

        // operator: setup on one node, login on the next; the auth cookie signed by one node (shared OFFEN_SECRET)
        // is accepted by both
        Assert.Equal(HttpStatusCode.NoContent, (await op.PostAsync("/api/setup", new { accountName = "Scaled Site", emailAddress = Intents.Email, password = Intents.Password })).StatusCode);
        var loginRes = await op.PostAsync("/api/login", new { username = Intents.Email, password = Intents.Password });
        Assert.Equal(HttpStatusCode.OK, loginRes.StatusCode);
        var loginNode = cluster.NodeOf(loginRes);
        var login = JsonNode.Parse(await loginRes.Content.ReadAsStringAsync())!;
        var accountId = login["accounts"]![0]!["accountId"]!.GetValue<string>();
        var accountUserId = login["accountUserId"]!.GetValue<string>();
        foreach (var res in await cluster.OnBothNodesAsync(() => op.GetAsync("/api/login")))
        {
            Assert.Equal(HttpStatusCode.OK, res.StatusCode);
            Assert.Equal(accountUserId, JsonNode.Parse(await res.Content.ReadAsStringAsync())!["accountUserId"]!.GetValue<string>());
        }

        Phase("operator logged in");
        // visitor: the exchange's GET and POST land on different nodes, then the events alternate between them
        var key = await visitor.ExchangeAsync(accountId);
        visitor.Cookies["consent"] = "allow";
        var sent = new List<string>();
        var eventNodes = new HashSet<string>();
        for (var i = 0; i < 12; i++)
        {
            var pageview = Intents.Visitor.Pageview($"https://www.example.test/page-{i}");
            var created = await visitor.PostAsync("/api/events", new { accountId, payload = Aead.EncryptVersioned(key, Encoding.UTF8.GetBytes(pageview)) });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            eventNodes.Add(cluster.NodeOf(created));
            sent.Add(pageview);
        }
        Assert.Equal(2, eventNodes.Count);
        var userEventIds = new List<List<string>>();
        foreach (var res in await cluster.OnBothNodesAsync(() => visitor.GetAsync("/api/events")))
        {
            Assert.Equal(HttpStatusCode.OK, res.StatusCode);
            userEventIds.Add(JsonNode.Parse(await res.Content.ReadAsStringAsync())!["events"]![accountId]!.AsArray().Select(e => e!["eventId"]!.GetValue<string>()).ToList());
        }
        Assert.Equal(12, userEventIds[0].Count);
        Assert.Equal(userEventIds[0], userEventIds[1]);

        // an event older than the retention period (6months = 186 days, server.md §4), written straight into the
        // database, for `offen expire` to remove later; anonymous, so it has no secret
        var oldEventId = Ulids.NewFor(DateTimeOffset.UtcNow.AddDays(-200));
        await cluster.ExecuteAsync("insert into events (event_id, sequence, account_id, secret_id, payload) values (@id, @id, @account, null, @payload)",
            ("id", oldEventId), ("account", accountId), ("payload", "{1,} YWJj eHl6"));

        // the operator's full account query gives the same answer on both nodes, and the visitor's events decrypt
        string? sequence = null;
        foreach (var res in await cluster.OnBothNodesAsync(() => op.GetAsync($"/api/accounts/{accountId}")))
        {
            Assert.Equal(HttpStatusCode.OK, res.StatusCode);
            var account = JsonNode.Parse(await res.Content.ReadAsStringAsync())!;
            var events = account["events"]![accountId]!.AsArray();
            Assert.Equal(13, events.Count);
            Assert.Contains(events, e => e!["eventId"]!.GetValue<string>() == oldEventId && e["secretId"] is null);
            account["events"]![accountId] = new JsonArray(events.Where(e => e!["secretId"] is not null).Select(e => e!.DeepClone()).ToArray());
            Assert.Equal(sent.Order(), Intents.DecryptAccountEvents(login, account).Order());
            sequence ??= account["sequence"]!.GetValue<string>();
            Assert.Equal(sequence, account["sequence"]!.GetValue<string>());
        }

        Phase("visitor's events stored and decrypted");
        // operator changes: account styles on one node are read back by both; an account created on one node takes
        // visitors on both at once (no node-local account cache)
        Assert.Equal(HttpStatusCode.NoContent, (await op.PutAsync($"/api/accounts/{accountId}/account-styles", new { accountStyles = ".banner__root { color: red; }" })).StatusCode);
        foreach (var res in await cluster.OnBothNodesAsync(() => op.GetAsync($"/api/accounts/{accountId}?since={sequence}")))
            Assert.Equal(".banner__root { color: red; }", JsonNode.Parse(await res.Content.ReadAsStringAsync())!["accountStyles"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Created, (await op.PostAsync("/api/accounts", new { accountName = "Second Site", emailAddress = Intents.Email, password = Intents.Password })).StatusCode);
        var relogin = JsonNode.Parse(await (await op.PostAsync("/api/login", new { username = Intents.Email, password = Intents.Password })).Content.ReadAsStringAsync())!;
        var secondId = relogin["accounts"]!.AsArray().Select(a => a!["accountId"]!.GetValue<string>()).Single(id => id != accountId);
        foreach (var res in await cluster.OnBothNodesAsync(() => visitor.GetAsync($"/api/exchange?accountId={secondId}")))
            Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        var secondKey = await visitor.ExchangeAsync(secondId);
        foreach (var res in await cluster.OnBothNodesAsync(() => visitor.PostAsync("/api/events",
            new { accountId = secondId, payload = Aead.EncryptVersioned(secondKey, Encoding.UTF8.GetBytes(Intents.Visitor.Pageview("https://second.example.test/"))) })))
            Assert.Equal(HttpStatusCode.Created, res.StatusCode);

        Phase("operator changes seen by both nodes");
        // `offen expire` as a separate process while the visitor keeps sending events to both nodes
        var expire = cluster.StartOffen("expire");
        var duringExpire = 0;
        while (!expire.Process.HasExited && duringExpire < 200)
        {
            var pageview = Intents.Visitor.Pageview($"https://www.example.test/during-expire-{duringExpire}");
            var created = await visitor.PostAsync("/api/events", new { accountId, payload = Aead.EncryptVersioned(key, Encoding.UTF8.GetBytes(pageview)) });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            sent.Add(pageview);
            duringExpire++;
        }
        var expireOutput = await expire.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(expire.Process.ExitCode == 0, $"offen expire exited {expire.Process.ExitCode}: {expireOutput}");
        Assert.Contains("removed=1", expireOutput);
        Assert.True(duringExpire > 0, "no event was sent while offen expire ran");
        Phase($"offen expire done, {duringExpire} events meanwhile");

        // the incremental account query on both nodes reports the expired event as deleted (tombstone, server.md §5.8)
        foreach (var res in await cluster.OnBothNodesAsync(() => op.GetAsync($"/api/accounts/{accountId}?since={sequence}")))
        {
            Assert.Equal(HttpStatusCode.OK, res.StatusCode);
            var account = JsonNode.Parse(await res.Content.ReadAsStringAsync())!;
            Assert.Equal(new[] { oldEventId }, account["deletedEvents"]!.AsArray().Select(e => e!.GetValue<string>()));
            Assert.Equal(duringExpire, account["events"]![accountId]!.AsArray().Count);
        }

        // a password changed on one node is the password on both: the old one fails everywhere, the new one works
        Assert.Equal(HttpStatusCode.NoContent, (await op.PostAsync("/api/change-password", new { currentPassword = Intents.Password, changedPassword = NewPassword })).StatusCode);
        foreach (var res in await cluster.OnBothNodesAsync(() => op.PostAsync("/api/login", new { username = Intents.Email, password = Intents.Password })))
            Assert.Equal(HttpStatusCode.Unauthorized, res.StatusCode);
        JsonNode? finalLogin = null;
        foreach (var res in await cluster.OnBothNodesAsync(() => op.PostAsync("/api/login", new { username = Intents.Email, password = NewPassword })))
        {
            Assert.Equal(HttpStatusCode.OK, res.StatusCode);
            finalLogin = JsonNode.Parse(await res.Content.ReadAsStringAsync());
        }

        // nothing lost: every event answered 201 is stored once and decrypts for the operator with the new login
        var final = JsonNode.Parse(await (await op.GetAsync($"/api/accounts/{accountId}")).Content.ReadAsStringAsync())!;
        Assert.Equal(sent.Order(), Intents.DecryptAccountEvents(finalLogin!, final).Order());
        Assert.Equal(sent.Count, await cluster.ScalarAsync("select count(*) from events where account_id = @account", ("account", accountId)));
        Assert.Equal(2, await cluster.ScalarAsync("select count(*) from events where account_id = @account", ("account", secondId)));
        Assert.Equal(1, await cluster.ScalarAsync("select count(*) from tombstones where event_id = @id", ("id", oldEventId)));

        Phase("password change and final decryption done");
        // the access pattern: the login happened on one node and both nodes served both roles
        Assert.Contains(loginNode, op.Nodes);
        Assert.Equal(new[] { "A", "B" }, op.Nodes.Order());
        Assert.Equal(new[] { "A", "B" }, visitor.Nodes.Order());
        Assert.All(cluster.Nodes, n => Assert.False(n.Process.HasExited, $"node {n.Name} exited: {n.Output}"));
    }

    /// <summary>Migrated database, two nodes, nginx in front; all on loopback inside one temp dir.</summary>
    private sealed class Cluster : IAsyncDisposable
    {
        private const string UpstreamHeader = "X-Offen-Upstream";
        private readonly string _dir;
        private readonly TestDatabase _db;
        private readonly Dictionary<string, string> _env;
        private readonly List<OffenProcess> _nodes = [];
        private Process? _nginx;
        private X509Certificate2? _cert;
        private int _tlsPort;

        public IReadOnlyList<OffenProcess> Nodes => _nodes;

        private Cluster(string dir, TestDatabase db, Dictionary<string, string> env) => (_dir, _db, _env) = (dir, db, env);

        public static async Task<Cluster> StartAsync()
        {
            var dir = Directory.CreateTempSubdirectory("offen-scale-").FullName;
            // As root, nginx workers run as nobody and must reach tmp/ below the prefix.
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
            var db = await TestDatabase.CreateAsync(Dialect.Postgres);
            var cluster = new Cluster(dir, db, new()
            {
                ["OFFEN_DATABASE_DIALECT"] = "postgres",
                ["OFFEN_DATABASE_CONNECTIONSTRING"] = db.ConnectionString,
                // one secret for all nodes: the auth cookie and signed tokens must verify on every node (server.md §3.3)
                ["OFFEN_SECRET"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)),
                ["OFFEN_APP_SINGLENODE"] = "false",
                ["OFFEN_SERVER_REVERSEPROXY"] = "true",
                ["OFFEN_SERVER_HOST"] = "127.0.0.1",
                ["OFFEN_SMTP_HOST"] = "smtp.invalid",
            });
            try
            {
                await cluster.StartCoreAsync();
                return cluster;
            }
            catch
            {
                await cluster.DisposeAsync();
                throw;
            }
        }

        private async Task StartCoreAsync()
        {
            // SINGLENODE=false: serve does not migrate, so the schema comes from a separate `offen migrate`
            Assert.Equal(0, await ScalarAsync("select count(*) from information_schema.tables where table_schema = 'public'"));
            var migrate = StartOffen("migrate");
            var migrateOutput = await migrate.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(migrate.Process.ExitCode == 0, $"offen migrate exited {migrate.Process.ExitCode}: {migrateOutput}");
            Assert.Equal(2, await ScalarAsync("select count(*) from migrations where id in ('SCHEMA_INIT', '007_account_customStyles')"));

            foreach (var name in new[] { "A", "B" })
            {
                var port = TestNet.FreePort();
                _nodes.Add(StartOffen("serve", name, port));
            }
            foreach (var node in _nodes)
            {
                using var direct = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{node.Port}") };
                await ProxyStack.WaitAsync(direct, $"offen serve {node.Name}", () => node.Process.HasExited ? node.Output : null);
            }

            _tlsPort = TestNet.FreePort();
            await ProxyStack.RunToEndAsync("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", $"/CN={ProxyStack.HostName}",
                "-addext", $"subjectAltName=DNS:{ProxyStack.HostName}", "-keyout", Path.Combine(_dir, "tls.key"), "-out", Path.Combine(_dir, "tls.crt"));
            _cert = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(_dir, "tls.crt"));
            Directory.CreateDirectory(Path.Combine(_dir, "tmp"));
            // Test-only: name the upstream that answered, so the test sees which node served each request.
            await File.WriteAllTextAsync(Path.Combine(_dir, "nginx.conf"), ProxyStack.NginxConfig(_dir, _nodes.Select(n => n.Port).ToList(), _tlsPort,
                TestNet.FreePort(), $"add_header {UpstreamHeader} $upstream_addr always;"));
            _nginx = ProxyStack.StartNginx(_dir);
            var nginxLog = new StringBuilder();
            ProxyStack.Capture(_nginx.StandardOutput, nginxLog);
            ProxyStack.Capture(_nginx.StandardError, nginxLog);
            using var proxied = Client();
            await ProxyStack.WaitAsync(proxied, "nginx", () => _nginx.HasExited ? nginxLog.ToString() : null);
        }

        public HttpClient Client() => ProxyStack.TlsClient(new Uri($"https://{ProxyStack.HostName}:{_tlsPort}"), _cert!);

        public OffenProcess StartOffen(string command, string? name = null, int port = 0)
        {
            var psi = ProxyStack.OffenProcess(_dir, command);
            foreach (var (k, v) in _env) psi.Environment[k] = v;
            if (port != 0) psi.Environment["OFFEN_SERVER_PORT"] = port.ToString();
            return new OffenProcess(name ?? command, port, Process.Start(psi)!);
        }

        /// <summary>"A" or "B": the node nginx passed the request to.</summary>
        public string NodeOf(HttpResponseMessage res)
        {
            var upstream = res.Headers.GetValues(UpstreamHeader).Single();
            return _nodes.Single(n => upstream == $"127.0.0.1:{n.Port}").Name;
        }

        /// <summary>
        /// Sends the same request twice in a row. nginx (one worker, round-robin) passes consecutive requests to
        /// alternate upstreams whether or not it keeps connections alive, so one answer comes from each node;
        /// the assertion makes that explicit instead of assumed.
        /// </summary>
        public async Task<HttpResponseMessage[]> OnBothNodesAsync(Func<Task<HttpResponseMessage>> send)
        {
            var first = await send();
            var second = await send();
            Assert.NotEqual(NodeOf(first), NodeOf(second));
            return [first, second];
        }

        public async Task ExecuteAsync(string sql, params (string Name, object Value)[] args)
        {
            await using var c = new NpgsqlConnection(_db.ConnectionString);
            await c.OpenAsync();
            await Command(c, sql, args).ExecuteNonQueryAsync();
        }

        public async Task<long> ScalarAsync(string sql, params (string Name, object Value)[] args)
        {
            await using var c = new NpgsqlConnection(_db.ConnectionString);
            await c.OpenAsync();
            return Convert.ToInt64(await Command(c, sql, args).ExecuteScalarAsync());
        }

        private static NpgsqlCommand Command(NpgsqlConnection c, string sql, (string Name, object Value)[] args)
        {
            var cmd = new NpgsqlCommand(sql, c);
            foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v);
            return cmd;
        }

        public async ValueTask DisposeAsync()
        {
            if (_nginx is not null)
            {
                await ProxyStack.StopNginxAsync(_dir, _nginx);
                _nginx.Dispose();
            }
            foreach (var node in _nodes)
            {
                if (!node.Process.HasExited) node.Process.Kill(entireProcessTree: true);
                await node.Process.WaitForExitAsync();
                node.Process.Dispose();
            }
            _cert?.Dispose();
            await _db.DisposeAsync();
            try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>One `offen` process; its output is kept and, in a full test run, copied to OFFEN_TEST_LOG_DIR for
    /// scripts/check-logs.py (tests/Shared/TestLogs.cs).</summary>
    private sealed class OffenProcess
    {
        private readonly ProcessOutput _output;

        public OffenProcess(string name, int port, Process process)
        {
            (Name, Port, Process) = (name, port, process);
            _output = ProcessOutput.Drain(process, $"scale-{name}");
        }

        public string Name { get; }
        public int Port { get; }
        public Process Process { get; }
        public string Output => _output.StdoutSoFar + _output.StderrSoFar;

        public async Task<string> WaitAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            try { await Process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { Process.Kill(entireProcessTree: true); throw new TimeoutException($"offen did not exit: {Output}"); }
            return await _output.Stdout + await _output.Stderr;
        }
    }

    /// <summary>One browser's cookie jar (cookies are scoped to /api); records which node served each of its requests.</summary>
    private sealed class Session(HttpClient http, Cluster cluster)
    {
        public Dictionary<string, string> Cookies { get; } = new();
        public HashSet<string> Nodes { get; } = [];

        /// <summary>The vault's secret exchange (clients-and-crypto.md §4.4): a fresh AES key, RSA-OAEP-wrapped for the account.</summary>
        public async Task<byte[]> ExchangeAsync(string accountId)
        {
            var exchange = await GetAsync($"/api/exchange?accountId={accountId}");
            Assert.Equal(HttpStatusCode.OK, exchange.StatusCode);
            var key = RandomNumberGenerator.GetBytes(16);
            using var rsa = Rsa.ImportJwk(JsonNode.Parse(await exchange.Content.ReadAsStringAsync())!["publicKey"]!.ToJsonString());
            var encryptedSecret = Rsa.EncryptOaepSha256Versioned(rsa, Encoding.UTF8.GetBytes(Jwk.UserSecretJwk(key)));
            var posted = await PostAsync("/api/exchange", new { accountId, encryptedSecret });
            Assert.Equal(HttpStatusCode.NoContent, posted.StatusCode);
            Assert.NotEqual(cluster.NodeOf(exchange), cluster.NodeOf(posted));
            return key;
        }

        public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null);
        public Task<HttpResponseMessage> PostAsync(string path, object body) => SendAsync(HttpMethod.Post, path, JsonSerializer.Serialize(body));
        public Task<HttpResponseMessage> PutAsync(string path, object body) => SendAsync(HttpMethod.Put, path, JsonSerializer.Serialize(body));

        private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body)
        {
            var req = new HttpRequestMessage(method, path) { Version = http.DefaultRequestVersion, VersionPolicy = http.DefaultVersionPolicy };
            // the vault's fetch sends no JSON content type (server.md §1.2)
            if (body is not null) req.Content = new StringContent(body, Encoding.UTF8, "text/plain");
            if (Cookies.Count > 0) req.Headers.Add("Cookie", string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}")));
            var res = await http.SendAsync(req);
            Nodes.Add(cluster.NodeOf(res));
            if (res.Headers.TryGetValues("Set-Cookie", out var setCookies))
                foreach (var sc in setCookies)
                {
                    var nv = sc.Split(';')[0];
                    var eq = nv.IndexOf('=');
                    if (sc.Contains("Expires=Thu, 01 Jan 1970", StringComparison.Ordinal)) Cookies.Remove(nv[..eq]);
                    else Cookies[nv[..eq]] = nv[(eq + 1)..];
                }
            return res;
        }
    }
}

/// <summary>xunit runs a collection with parallelization disabled after the parallel ones, on its own.</summary>
[CollectionDefinition(nameof(HorizontalScaleTests), DisableParallelization = true)]
public sealed class HorizontalScaleCollection;
