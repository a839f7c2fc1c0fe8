using System.Diagnostics;
using MySqlConnector;

namespace Offen.Reliability.Tests;

/// <summary>
/// A throwaway MariaDB of this test alone (test-infra.md §2 "private throwaway instance"): data in a temp folder
/// owned by the mysql OS user, 127.0.0.1:&lt;free port&gt;, its socket in the temp folder. mariadbd runs as a child
/// of the test, so it is stopped by its own pid. User <c>offen</c>/<c>offen</c> with all rights.
/// </summary>
public sealed class PrivateMariaDb : IAsyncDisposable
{
    private readonly string _dir;
    private Process? _daemon;

    public int Port { get; }
    private string DataDir => Path.Combine(_dir, "data");
    private string Socket => Path.Combine(_dir, "sock");

    private PrivateMariaDb(string dir, int port) { _dir = dir; Port = port; }

    public static bool Available => File.Exists("/usr/sbin/mariadbd") && File.Exists("/usr/bin/mariadb-install-db");

    /// <summary>mariadb-install-db, a first start, and the offen user.</summary>
    public static async Task<PrivateMariaDb> CreateAsync()
    {
        var dir = Sh.TempDir("offen-rel-mdb-");
        var db = new PrivateMariaDb(dir, TestNet.FreePort());
        await Sh.CheckAsync("chown", "-R", "mysql:mysql", dir);
        await Sh.CheckAsync("mariadb-install-db", "--no-defaults", "--datadir=" + db.DataDir, "--user=mysql",
            "--auth-root-authentication-method=socket", "--skip-test-db");
        await db.StartAsync();
        // root logs in by unix-socket authentication (the tests run as root, test-infra.md §2).
        await Sh.CheckAsync("mariadb", "--no-defaults", "--socket=" + db.Socket, "-e",
            "CREATE USER 'offen'@'%' IDENTIFIED BY 'offen'; GRANT ALL ON *.* TO 'offen'@'%'; CREATE DATABASE offen;");
        return db;
    }

    public string ConnectionString(string database = "offen") =>
        new MySqlConnectionStringBuilder { Server = "127.0.0.1", Port = (uint)Port, UserID = "offen", Password = "offen", Database = database }.ConnectionString;

    public async Task StartAsync()
    {
        var psi = new ProcessStartInfo("mariadbd") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[]
                 {
                     "--no-defaults", "--datadir=" + DataDir, "--user=mysql", "--bind-address=127.0.0.1", "--port=" + Port,
                     "--socket=" + Socket, "--pid-file=" + Path.Combine(_dir, "pid"), "--log-error=" + Path.Combine(_dir, "err.log"),
                     "--skip-log-bin", "--innodb-buffer-pool-size=32M", "--max-connections=300",
                 })
        {
            psi.ArgumentList.Add(a);
        }
        _daemon = Process.Start(psi)!;
        _daemon.OutputDataReceived += (_, _) => { };
        _daemon.ErrorDataReceived += (_, _) => { };
        _daemon.BeginOutputReadLine();
        _daemon.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var ping = await Sh.RunAsync("mariadb-admin", ["--no-defaults", "--socket=" + Socket, "ping"]);
            if (ping.ExitCode == 0) return;
            if (_daemon.HasExited) throw new InvalidOperationException("mariadbd exited: " + await ReadLogAsync());
            if (DateTime.UtcNow > deadline) throw new TimeoutException("mariadbd did not start: " + await ReadLogAsync());
            await Task.Delay(100);
        }
    }

    /// <summary>A normal shutdown (SIGTERM to the daemon's pid), waiting until it has exited.</summary>
    public async Task StopAsync()
    {
        if (_daemon is null) return;
        await Sh.TerminateAsync(_daemon, TimeSpan.FromSeconds(30));
        _daemon.Dispose();
        _daemon = null;
    }

    private async Task<string> ReadLogAsync()
    {
        var path = Path.Combine(_dir, "err.log");
        return File.Exists(path) ? await File.ReadAllTextAsync(path) : "";
    }

    public async ValueTask DisposeAsync()
    {
        MySqlConnection.ClearAllPools();
        if (_daemon is not null)
        {
            _daemon.Kill(entireProcessTree: true);
            await _daemon.WaitForExitAsync();
            _daemon.Dispose();
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
