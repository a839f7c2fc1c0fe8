using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Offen.Api.Tests;
using Xunit.Abstractions;

namespace Offen.Reliability.Tests;

/// <summary>
/// Issue 6 item 2, at startup: OFFEN_DATABASE_CONNECTIONRETRIES (server.md §4: extra attempts with exponential
/// backoff, 0.5 s start, ×1.5, jitter; see Runtime.OpenStoreAsync). With the database down, serve keeps trying and
/// comes up when the database starts within the window; when the attempts run out it exits non-zero with one line.
/// </summary>
public partial class StartupRetryTests(ITestOutputHelper output)
{
    [GeneratedRegex("""level=warning msg="Error connecting to database, retrying" attempt=(\d+) wait="?([0-9:.]+)"?""")]
    private static partial Regex RetryLine();

    [Fact]
    public async Task Postgres_DatabaseDownAtStart_RetriesAsConfigured()
    {
        Assert.True(PrivatePostgres.Available, "PostgreSQL 15 binaries are missing (scripts/services.sh installs them)");
        // Initialised, not started: nothing listens on its port yet. serve migrates the default database.
        await using var pg = await PrivatePostgres.CreateAsync();
        var cs = pg.ConnectionString("postgres", viaSocket: true);

        // retries=0: one attempt, then exit 2 with a single line on stderr and no stack trace.
        await using (var once = new OffenServer("postgres", cs, new Dictionary<string, string> { ["OFFEN_DATABASE_CONNECTIONRETRIES"] = "0" }))
        {
            once.Start();
            var code = await once.WaitForExitAsync(TimeSpan.FromSeconds(30));
            var lines = Lines(once.Stderr);
            output.WriteLine($"retries=0: exit {code}: {string.Join(" | ", lines)}");
            Assert.NotEqual(0, code);
            var line = Assert.Single(lines);
            Assert.StartsWith("error connecting to database (postgres): ", line);
            Assert.DoesNotContain("Exception", line);
        }

        // retries=2: three attempts about 0.5 s and 0.75 s apart, then the same one-line error.
        await using (var few = new OffenServer("postgres", cs, new Dictionary<string, string> { ["OFFEN_DATABASE_CONNECTIONRETRIES"] = "2" }))
        {
            few.Start();
            var code = await few.WaitForExitAsync(TimeSpan.FromSeconds(30));
            var lines = Lines(few.Stderr);
            output.WriteLine($"retries=2: exit {code}: {string.Join(" | ", lines)}");
            Assert.NotEqual(0, code);
            Assert.Equal(3, lines.Count);
            AssertBackoff(lines.Take(2).ToList());
            Assert.StartsWith("error connecting to database (postgres): ", lines[2]);
        }

        // retries=8 (a window of about 18–31 s): the database starts after the third warning (about 2.4 s in), and
        // serve comes up at one of the next attempts, migrated and serving.
        await using var server = new OffenServer("postgres", cs, new Dictionary<string, string> { ["OFFEN_DATABASE_CONNECTIONRETRIES"] = "8" });
        server.Start();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (RetryLine().Matches(server.Stderr).Count < 3)
        {
            Assert.False(server.Process!.HasExited, "serve gave up early: " + server.Stderr);
            Assert.True(DateTime.UtcNow < deadline, "serve did not retry: " + server.Stderr);
            await Task.Delay(50);
        }
        await pg.StartAsync();
        await server.WaitHealthyAsync(TimeSpan.FromSeconds(30));
        var retries = Lines(server.Stderr).Where(l => RetryLine().IsMatch(l)).ToList();
        output.WriteLine($"retries=8: healthy after {retries.Count} retries: {string.Join(" | ", retries)}");
        // Up within the window: not all eight extra attempts were needed (pg_ctl start itself takes a moment).
        Assert.InRange(retries.Count, 3, 7);
        AssertBackoff(retries);
        using var client = new TestClient(server.BaseAddress, null);
        using var setup = await client.PostAsync("/api/setup", new { accountName = "Late", emailAddress = Intents.Email, password = Intents.Password });
        Assert.Equal(HttpStatusCode.NoContent, setup.StatusCode);
    }

    private static List<string> Lines(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    /// <summary>Attempt k (from 1) waits 0.5 s × 1.5^(k−1), ±25 % jitter.</summary>
    private static void AssertBackoff(List<string> warnings)
    {
        for (var k = 0; k < warnings.Count; k++)
        {
            var m = RetryLine().Match(warnings[k]);
            Assert.True(m.Success, warnings[k]);
            Assert.Equal(k + 1, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            var wait = TimeSpan.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture).TotalSeconds;
            var nominal = 0.5 * Math.Pow(1.5, k);
            Assert.InRange(wait, nominal * 0.75 - 0.001, nominal * 1.25 + 0.001);
        }
    }
}
