using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Offen.Crypto;

namespace Offen.Cli.Tests;

/// <summary>The real `offen` binary, run as a process (server.md §9.4–9.5): exit codes, output and effects.</summary>
public class CliProcessTests
{
    private static readonly string Dll = typeof(Offen.Cli.Commands).Assembly.Location;

    private sealed record Run(int ExitCode, string Stdout, string Stderr);

    private static ProcessStartInfo Start(string workDir, IDictionary<string, string>? env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        // Isolate from the machine's own configuration: no env file in the cascade, no OFFEN_* from the runner.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("OFFEN_", StringComparison.Ordinal)).ToList()) psi.Environment.Remove(key);
        psi.Environment["HOME"] = workDir;
        psi.Environment["XDG_CONFIG_HOME"] = workDir;
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        return psi;
    }

    private static async Task<Run> RunAsync(string workDir, IDictionary<string, string>? env, params string[] args)
    {
        using var p = Process.Start(Start(workDir, env, args))!;
        var output = ProcessOutput.Drain(p, "cli-" + (args.Length > 0 ? args[0] : "none"));
        p.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await p.WaitForExitAsync(timeout.Token);
        return new Run(p.ExitCode, await output.Stdout, await output.Stderr);
    }

    private static string TempDir() => Directory.CreateTempSubdirectory("offen-cli-").FullName;

    [Fact]
    public async Task Version_PrintsRevision_AndUnknownCommandFails()
    {
        var dir = TempDir();
        var version = await RunAsync(dir, null, "version");
        Assert.Equal(0, version.ExitCode);
        Assert.Contains("Binary built using", version.Stderr);
        Assert.Contains("revision=", version.Stderr);
        var unknown = await RunAsync(dir, null, "frobnicate");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("unknown command", unknown.Stderr);
        var badFlag = await RunAsync(dir, null, "secret", "-nope");
        Assert.NotEqual(0, badFlag.ExitCode);
        Assert.Contains("flag provided but not defined: -nope", badFlag.Stderr);
    }

    [Fact]
    public async Task Secret_PrintsBase64Values()
    {
        var dir = TempDir();
        var quiet = await RunAsync(dir, null, "secret", "-quiet", "-count", "3", "-length", "32");
        Assert.Equal(0, quiet.ExitCode);
        var lines = quiet.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.Equal(32, Convert.FromBase64String(l).Length));
        var loud = await RunAsync(dir, null, "secret");
        Assert.Equal(0, loud.ExitCode);
        Assert.Matches("Created 16 bytes secret\" secret=\"?[A-Za-z0-9+/=]{24}", loud.Stderr);
    }

    [Fact]
    public async Task Debug_MasksSmtpPassword_AndBadConfigFailsWithOneLine()
    {
        var dir = TempDir();
        var env = new Dictionary<string, string> { ["OFFEN_SMTP_PASSWORD"] = "hunter2-secret", ["OFFEN_SMTP_HOST"] = "smtp.example.test" };
        var debug = await RunAsync(dir, env, "debug");
        Assert.Equal(0, debug.ExitCode);
        Assert.DoesNotContain("hunter2-secret", debug.Stderr + debug.Stdout);
        Assert.Contains("smtp.example.test", debug.Stderr);
        var bad = await RunAsync(dir, new Dictionary<string, string> { ["OFFEN_DATABASE_DIALECT"] = "mssql" }, "serve");
        Assert.Equal(1, bad.ExitCode);
        Assert.Single(bad.Stderr.Trim().Split('\n'));
        Assert.Contains("OFFEN_DATABASE_DIALECT", bad.Stderr);
    }

    [Fact]
    public async Task SetupMigrateExpireServe_OnSqlite()
    {
        var dir = TempDir();
        var port = TestNet.FreePort();
        var env = new Dictionary<string, string>
        {
            ["OFFEN_DATABASE_CONNECTIONSTRING"] = Path.Combine(dir, "offen.db"),
            ["OFFEN_SERVER_PORT"] = port.ToString(),
            ["OFFEN_SERVER_HOST"] = "127.0.0.1",
            ["OFFEN_SECRET"] = Convert.ToBase64String(new byte[16]),
        };
        var id = Guid.NewGuid().ToString();
        var missing = await RunAsync(dir, env, "setup", "-name", "x", "-email", "a@b.test");
        Assert.NotEqual(0, missing.ExitCode);
        var setup = await RunAsync(dir, env, "setup", "-name", "Site", "-email", "a@b.test", "-password", "long enough", "-forceid", id);
        Assert.True(setup.ExitCode == 0, setup.Stderr);
        var again = await RunAsync(dir, env, "setup", "-name", "Site", "-email", "a@b.test", "-password", "long enough");
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("would overwrite existing data", again.Stderr);
        Assert.Equal(0, (await RunAsync(dir, env, "migrate")).ExitCode);
        var expire = await RunAsync(dir, env, "expire");
        Assert.Equal(0, expire.ExitCode);
        Assert.Contains("removed=0", expire.Stderr);

        using var serve = Process.Start(Start(dir, env, "serve"))!;
        _ = ProcessOutput.Drain(serve, "cli-serve");
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await TestNet.WaitHealthyAsync(http);
            var login = await http.PostAsync("/api/login", new StringContent("""{"username":"a@b.test","password":"long enough"}"""));
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            Assert.Equal(id, JsonNode.Parse(await login.Content.ReadAsStringAsync())!["accounts"]![0]!["accountId"]!.GetValue<string>());
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Setup_FromYamlSource_CreatesAccountsAndUsers()
    {
        var dir = TempDir();
        var yaml = Path.Combine(dir, "bootstrap.yml");
        await File.WriteAllTextAsync(yaml, """
accounts:
  - id: 9b63c4d8-65c0-438c-9d30-cc4b01173393
    name: develop
  - id: 78403940-ae4f-4aff-a395-1e90f145cf62
    name: other
account_users:
  - email: develop@offen.dev
    password: development
    admin_level: 1
    accounts:
      - 9b63c4d8-65c0-438c-9d30-cc4b01173393
      - 78403940-ae4f-4aff-a395-1e90f145cf62
""");
        var env = new Dictionary<string, string> { ["OFFEN_DATABASE_CONNECTIONSTRING"] = Path.Combine(dir, "offen.db") };
        var setup = await RunAsync(dir, env, "setup", "-source", yaml);
        Assert.True(setup.ExitCode == 0, setup.Stderr);
        await using var store = Persistence.OffenStore.Open(Persistence.Dialect.Sqlite, Path.Combine(dir, "offen.db"));
        var accounts = await store.ListAccountsAsync();
        Assert.Equal(["develop", "other"], accounts.Select(a => a.Name).Order());
        Assert.Single(await store.ListAccountUsersAsync());
    }

    [Fact]
    public async Task SetupPopulate_WritesSecretIntoEnvFile()
    {
        var dir = TempDir();
        var envFile = Path.Combine(dir, "offen.env");
        await File.WriteAllTextAsync(envFile, $"OFFEN_DATABASE_CONNECTIONSTRING={Path.Combine(dir, "offen.db")}\n");
        var run = await RunAsync(dir, null, "setup", "-populate", "-name", "Site", "-email", "a@b.test", "-password", "long enough");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("populated missing secrets", run.Stderr);
        Assert.Matches("OFFEN_SECRET=\"?[A-Za-z0-9+/]{22}==\"?", await File.ReadAllTextAsync(envFile));
        var none = TempDir();
        var fails = await RunAsync(none, null, "setup", "-populate", "-name", "Site", "-email", "a@b.test", "-password", "long enough");
        Assert.NotEqual(0, fails.ExitCode);
    }

    [Fact]
    public async Task Demo_SeedsEventsThatDecryptWithTheSpecFormats()
    {
        var dir = TempDir();
        using var demo = Process.Start(Start(dir, null, "demo", "-port", "0", "-users", "6"))!;
        var output = ProcessOutput.Drain(demo, "cli-demo");
        try
        {
            var pattern = new Regex(@"http://localhost:(\d+)/intro/");
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            var line = await output.WaitForStdoutLineAsync(pattern.IsMatch, cts.Token);
            Assert.NotNull(line);
            var url = $"http://127.0.0.1:{pattern.Match(line).Groups[1].Value}";
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            var intro = await http.GetStringAsync("/intro");
            Assert.Contains("data-account-id=", intro);
            var login = await http.PostAsync("/api/login", new StringContent("""{"username":"demo@offen.dev","password":"demo"}"""));
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            var loginBody = JsonNode.Parse(await login.Content.ReadAsStringAsync())!;
            var accountId = loginBody["accounts"]![0]!["accountId"]!.GetValue<string>();
            var cookie = login.Headers.GetValues("Set-Cookie").First().Split(';')[0];
            var req = new HttpRequestMessage(HttpMethod.Get, $"/api/accounts/{accountId}");
            req.Headers.Add("Cookie", cookie);
            var account = JsonNode.Parse(await (await http.SendAsync(req)).Content.ReadAsStringAsync())!;

            var kek = Jwk.ReadOctKey(loginBody["accounts"]![0]!["keyEncryptionKey"]!.ToJsonString());
            using var rsa = Rsa.ImportJwk(Encoding.UTF8.GetString(Aead.DecryptVersioned(kek, account["encryptedPrivateKey"]!.GetValue<string>())));
            var events = account["events"]![accountId]!.AsArray();
            Assert.True(events.Count >= 6);
            var users = new HashSet<string>();
            foreach (var e in events)
            {
                var secretId = e!["secretId"]!.GetValue<string>();
                users.Add(secretId);
                var secretJwk = JsonNode.Parse(Rsa.DecryptOaepSha256Versioned(rsa, account["secrets"]![secretId]!.GetValue<string>()))!;
                Assert.Equal("A128GCM", secretJwk["alg"]!.GetValue<string>());
                var plain = JsonNode.Parse(Aead.DecryptVersioned(Jwk.ReadOctKey(secretJwk.ToJsonString()), e["payload"]!.GetValue<string>()))!;
                Assert.Equal("PAGEVIEW", plain["type"]!.GetValue<string>());
                Assert.StartsWith("http://localhost:", plain["href"]!.GetValue<string>());
                Assert.True(DateTimeOffset.TryParse(plain["timestamp"]!.GetValue<string>(), out _));
                Assert.True(Guid.TryParse(plain["sessionId"]!.GetValue<string>(), out _));
                // the event id is a ULID of the event's own time (server.md §9.5 step 5)
                var ts = DateTimeOffset.Parse(plain["timestamp"]!.GetValue<string>());
                Assert.InRange((Persistence.Ulids.TimeOf(e["eventId"]!.GetValue<string>()) - ts).Duration(), TimeSpan.Zero, TimeSpan.FromSeconds(1));
            }
            Assert.Equal(6, users.Count);
        }
        finally
        {
            demo.Kill(entireProcessTree: true);
            await demo.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Serve_ReportsReadinessAndStoppingToSystemd()
    {
        var dir = TempDir();
        var socketPath = Path.Combine(dir, "notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        var port = TestNet.FreePort();
        var env = new Dictionary<string, string>
        {
            ["OFFEN_DATABASE_CONNECTIONSTRING"] = Path.Combine(dir, "offen.db"),
            ["OFFEN_SERVER_PORT"] = port.ToString(),
            ["OFFEN_SERVER_HOST"] = "127.0.0.1",
            ["NOTIFY_SOCKET"] = socketPath,
        };
        using var serve = Process.Start(Start(dir, env, "serve"))!;
        _ = ProcessOutput.Drain(serve, "cli-serve-systemd");
        try
        {
            var buffer = new byte[256];
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            Assert.Equal("READY=1", Encoding.UTF8.GetString(buffer, 0, n));
            // ready means serving: /healthz answers at once
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
            Process.Start("kill", ["-TERM", serve.Id.ToString()])!.WaitForExit();
            n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            Assert.Equal("STOPPING=1", Encoding.UTF8.GetString(buffer, 0, n));
            await serve.WaitForExitAsync(cts.Token);
            Assert.Equal(0, serve.ExitCode);
        }
        finally
        {
            if (!serve.HasExited) serve.Kill(entireProcessTree: true);
        }
    }

}
