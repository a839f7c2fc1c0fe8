using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using MimeKit;

namespace Offen.Hostile.Tests;

/// <summary>
/// The real `offen serve` as a child process, configured as in production (server.md §4.2 defaults: access log
/// and gzip on, the delaying rate limiter on, SQLite), bound to 127.0.0.1 only, isolated from the runner's own
/// OFFEN_* configuration. Mail goes through the real sendmail path (server.md §8 step 3) to a stand-in
/// `sendmail` script that drops each message into <see cref="MailDir"/>, so reset and join tokens can be read.
/// </summary>
public sealed partial class ServeProcess : IAsyncDisposable
{
    private static readonly string Dll = typeof(Offen.Cli.Commands).Assembly.Location;

    public string Dir { get; }
    public string MailDir { get; }
    public int Port { get; }
    /// <summary>The decoded OFFEN_SECRET, so tests can sign expired or kind-swapped tokens (server.md §3.4).</summary>
    public byte[] Secret { get; }
    public Process Process { get; }
    public ProcessOutput Output { get; }

    public string Authority => $"127.0.0.1:{Port}";
    public string Origin => $"http://{Authority}";
    public Uri BaseAddress => new(Origin);
    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    private ServeProcess(string dir, string mailDir, int port, byte[] secret, Process process, ProcessOutput output)
    {
        (Dir, MailDir, Port, Secret, Process, Output) = (dir, mailDir, port, secret, process, output);
    }

    public static async Task<ServeProcess> StartAsync(IDictionary<string, string>? extra = null)
    {
        var dir = Directory.CreateTempSubdirectory("offen-hostile-").FullName;
        var mailDir = Directory.CreateDirectory(Path.Combine(dir, "mail")).FullName;
        var bin = Directory.CreateDirectory(Path.Combine(dir, "bin")).FullName;
        var sendmail = Path.Combine(bin, "sendmail");
        await File.WriteAllTextAsync(sendmail, $"#!/bin/sh\nf=$(mktemp '{mailDir}/mail-XXXXXX')\ncat > \"$f\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(sendmail, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var port = TestNet.FreePort();
        var secret = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16);
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add(Dll);
        psi.ArgumentList.Add("serve");
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("OFFEN_", StringComparison.Ordinal)).ToList()) psi.Environment.Remove(key);
        psi.Environment["HOME"] = dir;
        psi.Environment["XDG_CONFIG_HOME"] = dir;
        psi.Environment["PATH"] = bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        psi.Environment["OFFEN_SERVER_HOST"] = "127.0.0.1";
        psi.Environment["OFFEN_SERVER_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        psi.Environment["OFFEN_DATABASE_CONNECTIONSTRING"] = Path.Combine(dir, "offen.db");
        psi.Environment["OFFEN_SECRET"] = Convert.ToBase64String(secret);
        foreach (var (k, v) in extra ?? new Dictionary<string, string>()) psi.Environment[k] = v;

        var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var output = ProcessOutput.Drain(process, "hostile-serve");
        var serve = new ServeProcess(dir, mailDir, port, secret, process, output);
        try
        {
            using var http = new HttpClient { BaseAddress = serve.BaseAddress };
            using var exited = new CancellationTokenSource();
            var healthy = TestNet.WaitHealthyAsync(http, TimeSpan.FromSeconds(60));
            var died = process.WaitForExitAsync(exited.Token);
            if (await Task.WhenAny(healthy, died) == died)
                throw new InvalidOperationException($"offen serve exited with {process.ExitCode} at startup: {output.StderrSoFar}");
            exited.Cancel();
            await healthy;
        }
        catch
        {
            await serve.DisposeAsync();
            throw;
        }
        return serve;
    }

    [GeneratedRegex(@"^VmRSS:\s+(\d+) kB", RegexOptions.Multiline)] private static partial Regex VmRss();

    /// <summary>The resident set size of the server process in MiB, from /proc/&lt;pid&gt;/status.</summary>
    public double RssMiB()
    {
        var m = VmRss().Match(File.ReadAllText($"/proc/{Process.Id}/status"));
        return m.Success ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) / 1024.0 : throw new InvalidOperationException("no VmRSS");
    }

    /// <summary>The text bodies of the messages handed to sendmail so far.</summary>
    public IReadOnlyList<(string To, string Text)> Mails() =>
        Directory.GetFiles(MailDir).Order(StringComparer.Ordinal).Select(f =>
        {
            using var message = MimeMessage.Load(f);
            return (message.To.Mailboxes.FirstOrDefault()?.Address ?? "", message.TextBody ?? "");
        }).ToList();

    /// <summary>SIGTERM (so the access log is flushed), then a kill if the server does not stop within 10 s.</summary>
    public async Task StopAsync()
    {
        if (Process.HasExited) return;
        using (var kill = Process.Start("kill", ["-TERM", Process.Id.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await Process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }
        using var drained = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await Task.WhenAll(Output.Stdout, Output.Stderr).WaitAsync(drained.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            Process.Dispose();
            try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
