using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Offen.Api.Tests;
using Xunit.Abstractions;

namespace Offen.Reliability.Tests;

/// <summary>
/// Issue 6 item 2 on PostgreSQL: the database is stopped and started again under traffic, on a private cluster (the
/// shared server of the test run must not be stopped). During the outage /healthz answers 502 (server.md §1.4, §9.1)
/// and every request fails fast with a 5xx; afterwards everything works again without restarting offen.
/// </summary>
public class PostgresOutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Postgres_StoppedUnderTraffic_FailsFast_ThenRecoversWithoutRestart()
    {
        Assert.True(PrivatePostgres.Available, "PostgreSQL 15 binaries are missing (scripts/services.sh installs them)");
        await using var pg = await PrivatePostgres.CreateAsync();
        await pg.StartAsync();
        await pg.CreateDatabaseAsync("offen");
        var cs = pg.ConnectionString("offen", viaSocket: true);
        await OutageUnderTraffic.RunAsync("postgres", cs, pg.StopAsync, pg.StartAsync, () => StoredEvents.ReadPostgresAsync(cs), output);
    }
}

/// <summary>The same on MariaDB (a private mariadbd, stopped by its pid with SIGTERM).</summary>
public class MariaDbOutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task MariaDb_StoppedUnderTraffic_FailsFast_ThenRecoversWithoutRestart()
    {
        Assert.True(PrivateMariaDb.Available, "MariaDB binaries are missing (scripts/services.sh installs them)");
        await using var db = await PrivateMariaDb.CreateAsync();
        var cs = db.ConnectionString("offen");
        await OutageUnderTraffic.RunAsync("mysql", cs, db.StopAsync, db.StartAsync, () => StoredEvents.ReadMySqlAsync(cs), output);

        // With the database down and OFFEN_DATABASE_CONNECTIONRETRIES=0, serve exits at once with one line.
        await db.StopAsync();
        await using var once = new OffenServer("mysql", cs, new Dictionary<string, string> { ["OFFEN_DATABASE_CONNECTIONRETRIES"] = "0" });
        once.Start();
        var code = await once.WaitForExitAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"retries=0: exit {code}: {once.Stderr.Trim()}");
        Assert.NotEqual(0, code);
        var line = Assert.Single(once.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("error connecting to database (mysql): ", line);
        Assert.DoesNotContain("Exception", line);
    }
}

/// <summary>The outage scenario both server databases share.</summary>
internal static class OutageUnderTraffic
{
    /// <summary>The stated bound: no request takes longer than this while the database is down (or at any time).</summary>
    public static readonly TimeSpan FailFast = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan OutageLength = TimeSpan.FromSeconds(3);

    public static async Task RunAsync(string dialect, string connectionString, Func<Task> stopDatabase, Func<Task> startDatabase,
        Func<Task<StoredEvents>> readStored, ITestOutputHelper output)
    {
        var clock = Stopwatch.StartNew();
        await using var server = new OffenServer(dialect, connectionString);
        await server.StartHealthyAsync();
        var pid = server.Process!.Id;

        using var op = new TestClient(server.BaseAddress, null);
        using (var setup = await op.PostAsync("/api/setup", new { accountName = "Outage", emailAddress = Intents.Email, password = Intents.Password }))
            Assert.Equal(HttpStatusCode.NoContent, setup.StatusCode);
        var login = await Intents.LoginAsync(op, Intents.Email, Intents.Password);
        var accountId = login["accounts"]![0]!["accountId"]!.GetValue<string>();

        var record = new LoadRecord();
        await using var load = LoadGenerator.Start(server.BaseAddress, accountId, 3, record, TimeSpan.FromSeconds(150), TimeSpan.FromMilliseconds(100));
        using var probe = new RemoteVisitor(server.BaseAddress, accountId);
        Assert.True(await probe.ExchangeAsync());
        await WaitUntilAsync(() => record.Acknowledged.Count >= 30, "the load generator got no 201s before the outage");
        output.WriteLine($"{clock.Elapsed}: traffic running, {record.Acknowledged.Count} acknowledged");

        // ---- outage
        var outageStarted = Stopwatch.GetTimestamp();
        await stopDatabase();
        var down = Stopwatch.GetTimestamp();
        output.WriteLine($"{clock.Elapsed}: database stopped");
        var probes = new List<(string What, int Status, TimeSpan Elapsed)>();
        var outage = Stopwatch.StartNew();
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress, Timeout = FailFast * 3 };
        while (outage.Elapsed < OutageLength)
        {
            probes.Add(await TimedAsync("GET /healthz", async () => (await anonymous.GetAsync("/healthz")).StatusCode));
            probes.Add(await TimedAsync("POST /healthz", async () => (await anonymous.PostAsync("/healthz", null)).StatusCode));
            probes.Add(await TimedAsync("POST /api/events", () => PostTrackedAsync(probe, record)));
            probes.Add(await TimedAsync("GET /api/exchange", async () => (await anonymous.GetAsync($"/api/exchange?accountId={accountId}")).StatusCode));
            probes.Add(await TimedAsync("GET /api/login", async () => (await op.GetAsync("/api/login")).StatusCode));
            using (var fresh = new TestClient(server.BaseAddress, null))
                probes.Add(await TimedAsync("POST /api/login", async () => (await fresh.PostAsync("/api/login", new { username = Intents.Email, password = Intents.Password })).StatusCode));
            probes.Add(await TimedAsync("GET /api/accounts/:id", async () => (await op.GetAsync($"/api/accounts/{accountId}")).StatusCode));
            await Task.Delay(100);
        }
        using (var health = await anonymous.GetAsync("/healthz"))
        {
            // server.md §1.4: 502 with the error shape, and always Cache-Control: no-store.
            Assert.Equal(HttpStatusCode.BadGateway, health.StatusCode);
            Assert.Equal("no-store", health.Headers.CacheControl?.ToString());
            var body = JsonNode.Parse(await health.Content.ReadAsStringAsync())!;
            Assert.Equal(502, body["status"]!.GetValue<int>());
            Assert.False(string.IsNullOrEmpty(body["error"]!.GetValue<string>()));
        }
        var acknowledgedAtRestart = record.Acknowledged.Count;
        foreach (var g in probes.GroupBy(p => p.What))
            output.WriteLine($"  during outage {g.Key}: {string.Join(",", g.Select(p => p.Status).Distinct())}, max {g.Max(p => p.Elapsed).TotalMilliseconds:F0} ms");
        Assert.All(probes.Where(p => p.What.EndsWith("/healthz", StringComparison.Ordinal)), p => Assert.Equal(502, p.Status));
        Assert.All(probes, p => Assert.True(p.Status >= 500, $"{p.What} answered {p.Status} while the database was down"));
        Assert.All(probes, p => Assert.True(p.Elapsed < FailFast, $"{p.What} took {p.Elapsed.TotalSeconds:F1} s while the database was down"));
        // No request sent while the database was down was acknowledged (nothing can have been committed).
        Assert.DoesNotContain(record.Latencies, l => l.Started >= down && l.Status == 201);
        Assert.False(server.Process.HasExited, "offen exited during the outage: " + server.Stderr);

        // ---- recovery, same process
        var outageEnded = Stopwatch.GetTimestamp();
        await startDatabase();
        var recovery = Stopwatch.StartNew();
        output.WriteLine($"{clock.Elapsed}: database started");
        await server.WaitHealthyAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"{clock.Elapsed}: healthy again after {recovery.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(pid, server.Process.Id);
        Assert.Equal(1, server.Starts);
        await AssertEverythingWorksAsync(server, op, probe, accountId, record);
        await WaitUntilAsync(() => record.Acknowledged.Count >= acknowledgedAtRestart + 30, "the load generator got no 201s after the outage");
        await load.StopAsync();

        // ---- a quiet restart: no request reaches offen between stop and start, so nothing has discarded the broken
        // pooled connections yet; the first requests afterwards must still succeed.
        await stopDatabase();
        await startDatabase();
        output.WriteLine($"{clock.Elapsed}: quiet restart done");
        await AssertEverythingWorksAsync(server, op, probe, accountId, record);

        // The load's event requests sent while the database was down (or in flight when it went down) failed fast too.
        var duringOutage = record.Latencies
            .Where(l => l.Started <= outageEnded && l.Started + (long)(l.Elapsed.TotalSeconds * Stopwatch.Frequency) >= outageStarted).ToList();
        var slowest = duringOutage.Max(l => l.Elapsed);
        output.WriteLine($"{dialect}: {record.Acknowledged.Count} acknowledged, {record.Refused.Count} refused " +
            $"({string.Join(",", record.Refused.Values.Distinct())}), {record.Unanswered.Count} unanswered; " +
            $"{duringOutage.Count} load requests around the outage, slowest {slowest.TotalMilliseconds:F0} ms; " +
            $"slowest overall {record.Latencies.Max(l => l.Elapsed).TotalMilliseconds:F0} ms");
        Assert.True(slowest < FailFast, $"a request around the outage took {slowest.TotalSeconds:F1} s");
        Assert.True(record.Unanswered.IsEmpty, "offen dropped connections instead of answering");
        Assert.All(record.Refused.Values, s => Assert.True(s >= 500, $"an event was refused with {s}"));
        Assert.Equal(pid, server.Process.Id);
        (await readStored()).AssertHolds(record);
        await server.StopAsync();
        Assert.Equal(0, server.Process.ExitCode);
    }

    /// <summary>Right away, without retries, a write first (it meets whatever the pool holds): the old visitor's
    /// event, /healthz, a new visitor's exchange and events, a new login, the old auth cookie, and the account.</summary>
    private static async Task AssertEverythingWorksAsync(OffenServer server, TestClient op, RemoteVisitor probe, string accountId, LoadRecord record)
    {
        Assert.Equal(HttpStatusCode.Created, await PostTrackedAsync(probe, record));
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress, Timeout = FailFast };
        using (var health = await anonymous.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("""{"ok":true}""", await health.Content.ReadAsStringAsync());
        }
        using var visitor = new RemoteVisitor(server.BaseAddress, accountId);
        Assert.True(await visitor.ExchangeAsync(), "key exchange failed after the outage");
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Created, await PostTrackedAsync(visitor, record));
            Assert.Equal(HttpStatusCode.Created, await PostTrackedAsync(probe, record));
        }
        using (var fresh = new TestClient(server.BaseAddress, null)) await Intents.LoginAsync(fresh, Intents.Email, Intents.Password);
        using (var me = await op.GetAsync("/api/login")) Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        using (var account = await op.GetAsync($"/api/accounts/{accountId}")) Assert.Equal(HttpStatusCode.OK, account.StatusCode);
    }

    private static async Task<HttpStatusCode> PostTrackedAsync(RemoteVisitor visitor, LoadRecord record)
    {
        var payload = visitor.Encrypt(Intents.Visitor.Pageview($"https://site.example.test/probe-{Guid.NewGuid():N}"));
        var started = Stopwatch.GetTimestamp();
        HttpStatusCode status;
        try
        {
            status = await visitor.PostEventAsync(payload);
        }
        catch (HttpRequestException)
        {
            record.Unanswered[payload] = "probe";
            throw;
        }
        record.Latencies.Add((started, Stopwatch.GetElapsedTime(started), (int)status));
        if (status == HttpStatusCode.Created) record.Acknowledged[payload] = "probe";
        else record.Refused[payload] = (int)status;
        return status;
    }

    private static async Task<(string, int, TimeSpan)> TimedAsync(string what, Func<Task<HttpStatusCode>> request)
    {
        var clock = Stopwatch.StartNew();
        var status = await request();
        return (what, (int)status, clock.Elapsed);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(50);
        }
    }
}
