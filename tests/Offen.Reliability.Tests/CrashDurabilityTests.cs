using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Npgsql;
using Offen.Api.Tests;
using Xunit.Abstractions;

namespace Offen.Reliability.Tests;

/// <summary>
/// Issue 6 item 1: the real `offen serve` is killed with SIGKILL at random moments while visitors post encrypted
/// events, and restarted on the same database. A 201 means "committed" (server.md §1.4 POST /api/events; the group
/// commit answers only after COMMIT), so every 201'd event must be in the database afterwards, exactly once, and the
/// database must pass its own integrity check. Requests in flight at a kill may fail; only a 201 is a promise.
/// </summary>
public class CrashDurabilitySqliteTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Sqlite_SigkillUnderLoad_LosesNoAcknowledgedEvent_AndPassesIntegrityCheck()
    {
        var dir = Sh.TempDir("offen-rel-sqlite-");
        try
        {
            var path = Path.Combine(dir, "offen.db");
            var record = await CrashUnderLoad.RunAsync("sqlite3", path, output);

            await using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ConnectionString);
            await c.OpenAsync();
            // Opening after the last SIGKILL replays the write-ahead log; then the file must be sound.
            Assert.Equal(["ok"], await StoredEvents.ColumnAsync(c, "PRAGMA integrity_check"));
            Assert.Empty(await StoredEvents.ColumnAsync(c, "PRAGMA foreign_key_check"));
            (await StoredEvents.ReadSqliteAsync(path)).AssertHolds(record);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}

/// <summary>The same on PostgreSQL (a private cluster, so amcheck can be installed).</summary>
public class CrashDurabilityPostgresTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Postgres_SigkillUnderLoad_LosesNoAcknowledgedEvent_AndPassesAmcheck()
    {
        Assert.True(PrivatePostgres.Available, "PostgreSQL 15 binaries are missing (scripts/services.sh installs them)");
        // A private cluster: its bootstrap role is a superuser, which CREATE EXTENSION amcheck needs.
        await using var pg = await PrivatePostgres.CreateAsync();
        await pg.StartAsync();
        await pg.CreateDatabaseAsync("offen");
        var record = await CrashUnderLoad.RunAsync("postgres", pg.ConnectionString("offen"), output);

        NpgsqlConnection.ClearAllPools();
        await using var c = new NpgsqlConnection(pg.ConnectionString("offen"));
        await c.OpenAsync();
        await StoredEvents.ScalarAsync(c, "CREATE EXTENSION IF NOT EXISTS amcheck");
        // Every B-tree index of events (the primary key and the two of our migration), with heapallindexed: each heap
        // tuple must be findable in the index. Corruption raises an error here.
        var indexes = await StoredEvents.ColumnAsync(c,
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'events'::regclass");
        Assert.Contains("events_pkey", indexes);
        await StoredEvents.ScalarAsync(c,
            "SELECT count(bt_index_check(i.indexrelid, true)) FROM pg_index i WHERE i.indrelid IN ('events'::regclass, 'secrets'::regclass)");
        Assert.Equal(0, await StoredEvents.ScalarAsync(c, "SELECT count(*) FROM verify_heapam('events')"));
        Assert.Equal(0, await StoredEvents.ScalarAsync(c, "SELECT count(*) FROM verify_heapam('secrets')"));
        (await StoredEvents.ReadPostgresAsync(pg.ConnectionString("offen"))).AssertHolds(record);
    }
}

/// <summary>The scenario both dialects share.</summary>
internal static class CrashUnderLoad
{
    private const int Kills = 3;
    private const int Visitors = 6;

    /// <summary>Setup, load, <see cref="Kills"/> SIGKILLs with restarts, an operator's check through the API, and a
    /// final SIGKILL so the database is inspected as a crash left it.</summary>
    public static async Task<LoadRecord> RunAsync(string dialect, string connectionString, ITestOutputHelper output)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var server = new OffenServer(dialect, connectionString);
        var accountId = Guid.NewGuid().ToString();
        var setup = await server.RunCommandAsync("setup", "-name", "Crash", "-email", Intents.Email, "-password", Intents.Password, "-forceid", accountId);
        Assert.True(setup.ExitCode == 0, setup.Stderr);
        output.WriteLine($"{clock.Elapsed}: setup done");
        await server.StartHealthyAsync();
        output.WriteLine($"{clock.Elapsed}: serving");

        var record = new LoadRecord();
        // Bounded: the generator stops by itself after 150 s even if the test body never stops it.
        await using (var load = LoadGenerator.Start(server.BaseAddress, accountId, Visitors, record, TimeSpan.FromSeconds(150)))
        {
            for (var i = 0; i <= Kills; i++)
            {
                // Traffic flows on this incarnation first (at least 20 new 201s, however slow the machine), then a
                // random moment with requests in flight and commits under way.
                var since = record.Acknowledged.Count;
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(45);
                while (record.Acknowledged.Count < since + 20)
                {
                    Assert.False(load.IsCompleted, "the load generator stopped early");
                    Assert.True(DateTime.UtcNow < deadline, $"no events were acknowledged after start {server.Starts}: {server.Stderr}");
                    await Task.Delay(20);
                }
                if (i == Kills) break;
                await Task.Delay(Random.Shared.Next(0, 700));
                await server.KillAsync();
                output.WriteLine($"{clock.Elapsed}: killed at {record.Acknowledged.Count} acknowledged");
                await server.StartHealthyAsync(TimeSpan.FromSeconds(45));
                output.WriteLine($"{clock.Elapsed}: healthy again");
            }
            await load.StopAsync();
        }
        // Only 201 or no answer at all: a crash must not surface as another status.
        Assert.True(record.Refused.IsEmpty, "unexpected statuses: " + string.Join(", ", record.Refused.Values.Distinct()));

        // The operator's view after the crashes: login works, the API serves every acknowledged event, and a sample
        // decrypts through the operator's key chain (so the secrets and the account's keys survived too). The sample
        // keeps the RSA work (one OAEP decryption per event in Intents.DecryptAccountEvents) small.
        using (var op = new TestClient(server.BaseAddress, null))
        {
            var login = await Intents.LoginAsync(op, Intents.Email, Intents.Password);
            var res = await op.GetAsync($"/api/accounts/{accountId}");
            Assert.Equal(HttpStatusCode.OK, res.StatusCode);
            var account = (await TestClient.JsonAsync(res))!;
            var events = account["events"]![accountId]!.AsArray();
            var served = events.Select(e => e!["payload"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
            var missing = record.Acknowledged.Keys.Count(p => !served.Contains(p));
            Assert.True(missing == 0, $"{missing} acknowledged events are not served to the operator");
            var sample = new JsonArray(events.OrderBy(_ => Random.Shared.Next()).Take(50).Select(e => e!.DeepClone()).ToArray());
            account["events"]![accountId] = sample;
            var markers = record.Acknowledged.Values.Concat(record.Unanswered.Values).ToHashSet(StringComparer.Ordinal);
            var decrypted = Intents.DecryptAccountEvents(login, account);
            Assert.Equal(sample.Count, decrypted.Count);
            Assert.All(decrypted, p => Assert.Contains(JsonNode.Parse(p)!["href"]!.GetValue<string>().Split('/')[^1], markers));
        }
        output.WriteLine($"{clock.Elapsed}: operator check done");
        await server.KillAsync();
        output.WriteLine($"crash/{dialect}: {server.Starts} starts, {record.Acknowledged.Count} events acknowledged, " +
            $"{record.Unanswered.Count} unanswered (in flight at a kill or sent while down), {record.ExchangeFailures} failed exchanges");
        return record;
    }
}
