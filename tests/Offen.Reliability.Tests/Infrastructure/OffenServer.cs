using System.Diagnostics;

namespace Offen.Reliability.Tests;

/// <summary>
/// The real `offen` executable as a child process (like tests/Offen.Cli.Tests/CliProcessTests.cs), on one port and
/// one database across restarts. Reverse-proxy mode switches the per-process rate limiter off (server.md §1.8), so a
/// load generator is not held back by the delaying limiter, and leaves no access log.
/// </summary>
public sealed class OffenServer : IAsyncDisposable
{
    private static readonly string Dll = typeof(Offen.Cli.Commands).Assembly.Location;
    private readonly string _home;
    private readonly Dictionary<string, string> _env;
    private readonly List<ProcessOutput> _outputs = [];
    private Process? _process;
    private ProcessOutput? _output;

    public int Port { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");
    public Process? Process => _process;
    public int Starts { get; private set; }

    public OffenServer(string dialect, string connectionString, IDictionary<string, string>? extra = null)
    {
        _home = Sh.TempDir("offen-rel-home-");
        Port = TestNet.FreePort();
        _env = new Dictionary<string, string>
        {
            ["HOME"] = _home,
            ["XDG_CONFIG_HOME"] = _home,
            ["OFFEN_SERVER_HOST"] = "127.0.0.1",
            ["OFFEN_SERVER_PORT"] = Port.ToString(),
            ["OFFEN_SERVER_REVERSEPROXY"] = "true",
            ["OFFEN_DATABASE_DIALECT"] = dialect,
            ["OFFEN_DATABASE_CONNECTIONSTRING"] = connectionString,
            // One secret across restarts, so the auth cookie of a login survives a crash (server.md §3).
            ["OFFEN_SECRET"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
            // Keeps serve's two "SMTP not configured" warnings out of stderr; nothing here sends mail.
            ["OFFEN_SMTP_HOST"] = "smtp.invalid",
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string>()) _env[k] = v;
    }

    /// <summary>Everything the server processes wrote to stderr so far (all starts).</summary>
    public string Stderr
    {
        get { lock (_outputs) return string.Concat(_outputs.Select(o => o.StderrSoFar)); }
    }

    private ProcessStartInfo Psi(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = _home, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        // Isolated from the runner's own configuration: no OFFEN_* from outside, no env file in the cascade.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("OFFEN_", StringComparison.Ordinal)).ToList()) psi.Environment.Remove(key);
        foreach (var (k, v) in _env) psi.Environment[k] = v;
        return psi;
    }

    /// <summary>Runs another subcommand (setup, migrate) against the same configuration and waits for it.</summary>
    public async Task<Sh.Result> RunCommandAsync(params string[] args)
    {
        using var p = Process.Start(Psi(args))!;
        // OFFEN_TEST_LOG_DIR (tests/Shared/TestLogs.cs): scripts/check-logs.py reads every server's output.
        var output = ProcessOutput.Drain(p, "reliability-" + args[0]);
        p.StandardInput.Close();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await p.WaitForExitAsync(cts.Token);
        return new Sh.Result(p.ExitCode, await output.Stdout, await output.Stderr);
    }

    /// <summary>Starts `offen serve` (does not wait; see <see cref="WaitHealthyAsync"/>).</summary>
    public void Start()
    {
        if (_process is { HasExited: false }) throw new InvalidOperationException("already running");
        _process?.Dispose();
        var p = Process.Start(Psi("serve"))!;
        _output = ProcessOutput.Drain(p, "reliability-serve");
        lock (_outputs) _outputs.Add(_output);
        p.StandardInput.Close();
        _process = p;
        Starts++;
    }

    public async Task StartHealthyAsync(TimeSpan? timeout = null)
    {
        Start();
        await WaitHealthyAsync(timeout);
    }

    /// <summary>Polls /healthz until 200; fails early with stderr when the process exits.</summary>
    public async Task WaitHealthyAsync(TimeSpan? timeout = null)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            if (_process is null || _process.HasExited)
                throw new InvalidOperationException($"offen serve exited ({_process?.ExitCode}): {Stderr}");
            try
            {
                using var res = await http.GetAsync("/healthz");
                if (res.IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"offen serve did not become healthy: {Stderr}");
            await Task.Delay(50);
        }
    }

    /// <summary>SIGKILL (Process.Kill on Unix): no shutdown hook, no flushing, like a power cut of the process.</summary>
    public async Task KillAsync()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM: the graceful shutdown of server.md §7.</summary>
    public async Task StopAsync()
    {
        if (_process is null) return;
        await Sh.TerminateAsync(_process, TimeSpan.FromSeconds(15));
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process!.WaitForExitAsync(cts.Token);
        // The last lines are in once the process has closed its stderr.
        await _output!.Stderr.WaitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
        }
        try
        {
            Directory.Delete(_home, true);
        }
        catch (IOException)
        {
        }
    }
}
