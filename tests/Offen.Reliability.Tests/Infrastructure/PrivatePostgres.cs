using Npgsql;

namespace Offen.Reliability.Tests;

/// <summary>
/// A throwaway PostgreSQL 15 cluster of this test alone (test-infra.md §1 "private throwaway instance"): its own data
/// directory in a temp folder owned by the postgres OS user, 127.0.0.1:&lt;free port&gt;, unix sockets in the temp
/// folder. The shared server of the test run must never be stopped, this one may be. The bootstrap role is
/// <c>offen</c> (password <c>offen</c>) and is a superuser, so amcheck can be installed.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    private readonly string _dir;
    private bool _running;

    public int Port { get; }
    private string DataDir => Path.Combine(_dir, "data");

    private PrivatePostgres(string dir, int port) { _dir = dir; Port = port; }

    public static bool Available => File.Exists(Path.Combine(Bin, "initdb"));

    /// <summary>initdb only; call <see cref="StartAsync"/> to run it.</summary>
    public static async Task<PrivatePostgres> CreateAsync()
    {
        var dir = Sh.TempDir("offen-rel-pg-");
        var pg = new PrivatePostgres(dir, TestNet.FreePort());
        await File.WriteAllTextAsync(Path.Combine(dir, "pw"), "offen\n");
        await Sh.CheckAsync("chown", "-R", "postgres:postgres", dir);
        await AsPostgresAsync(Path.Combine(Bin, "initdb"), "-D", pg.DataDir, "-U", "offen", "--pwfile=" + Path.Combine(dir, "pw"),
            "-A", "scram-sha-256", "--no-sync", "--no-instructions");
        return pg;
    }

    /// <param name="viaSocket">Connect through the unix socket in the temp folder instead of 127.0.0.1. Npgsql names
    /// the endpoint in its "Failed to connect to ..." message, which offen logs while the database is down; over
    /// the socket that is a path, not an IP address that scripts/check-logs.py would (rightly, it cannot tell
    /// whose address it is) report as identifying.</param>
    public string ConnectionString(string database = "postgres", bool viaSocket = false) =>
        new NpgsqlConnectionStringBuilder { Host = viaSocket ? _dir : "127.0.0.1", Port = Port, Username = "offen", Password = "offen", Database = database }.ConnectionString;

    /// <summary>pg_ctl start -w: returns once the server accepts connections. fsync=off: the machine never crashes
    /// in these tests (only offen or the server process is stopped), so the OS cache keeps every commit.</summary>
    public async Task StartAsync()
    {
        await AsPostgresAsync(Path.Combine(Bin, "pg_ctl"), "-D", DataDir, "-l", Path.Combine(_dir, "log"), "-w", "-t", "30",
            "-o", $"-p {Port} -k {_dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start");
        _running = true;
    }

    /// <summary>pg_ctl stop -m fast: open sessions are terminated and new connections are refused.</summary>
    public async Task StopAsync()
    {
        await AsPostgresAsync(Path.Combine(Bin, "pg_ctl"), "-D", DataDir, "-m", "fast", "-w", "-t", "30", "stop");
        _running = false;
    }

    public async Task CreateDatabaseAsync(string name)
    {
        await using var c = new NpgsqlConnection(ConnectionString());
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", c);
        await cmd.ExecuteNonQueryAsync();
    }

    private static Task<Sh.Result> AsPostgresAsync(string program, params string[] args) =>
        Sh.CheckAsync("runuser", ["-u", "postgres", "--", program, .. args]);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_running)
        {
            try
            {
                await AsPostgresAsync(Path.Combine(Bin, "pg_ctl"), "-D", DataDir, "-m", "immediate", "-w", "-t", "30", "stop");
            }
            catch (InvalidOperationException)
            {
                // already down
            }
        }
        try
        {
            Directory.Delete(_dir, true);
        }
        catch (IOException)
        {
        }
    }
}
