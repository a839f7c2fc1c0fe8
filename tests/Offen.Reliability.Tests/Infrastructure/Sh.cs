using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Offen.Reliability.Tests;

/// <summary>Runs helper programs (initdb, pg_ctl, mariadb, chown) to completion and sends POSIX signals by pid.</summary>
public static class Sh
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(string file, IEnumerable<string> args, TimeSpan? timeout = null, IDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish in time");
        }
        return new Result(p.ExitCode, await stdout, await stderr);
    }

    /// <summary>Like <see cref="RunAsync"/>, but a non-zero exit code throws with the program's output.</summary>
    public static async Task<Result> CheckAsync(string file, params string[] args)
    {
        var r = await RunAsync(file, args);
        if (r.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {r.ExitCode}: {r.Stderr}{r.Stdout}");
        return r;
    }

    /// <summary>Temp directories are created 0700; the database users (postgres, mysql) must traverse them.</summary>
    public static string TempDir(string prefix)
    {
        var dir = Directory.CreateTempSubdirectory(prefix).FullName;
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        return dir;
    }

    public const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>Sends <paramref name="signal"/> to one process (by its id, never by name).</summary>
    public static void Signal(int pid, int signal) => Kill(pid, signal);

    /// <summary>SIGTERM, then waits; SIGKILL if it has not exited after <paramref name="grace"/>.</summary>
    public static async Task TerminateAsync(Process p, TimeSpan grace)
    {
        if (p.HasExited) return;
        Signal(p.Id, SigTerm);
        using var cts = new CancellationTokenSource(grace);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }
    }
}
