using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Offen.Mail.Tests.Infrastructure;

/// <summary>What tests/tools/smtp_sink.py recorded about one message (its .json file).</summary>
internal sealed record ReceivedMail(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("mail_from")] string MailFrom,
    [property: JsonPropertyName("rcpt_tos")] IReadOnlyList<string> RcptTos,
    [property: JsonPropertyName("auth_login")] string? AuthLogin,
    [property: JsonPropertyName("auth_mechanism")] string? AuthMechanism,
    [property: JsonPropertyName("tls")] bool Tls,
    [property: JsonPropertyName("tls_version")] string? TlsVersion,
    [property: JsonPropertyName("subject")] string? Subject,
    [property: JsonPropertyName("from")] string? From,
    [property: JsonPropertyName("to")] string? To,
    [property: JsonPropertyName("user_agent")] string? UserAgent,
    [property: JsonPropertyName("x_mailer")] string? XMailer,
    [property: JsonPropertyName("content_type")] string? ContentType,
    [property: JsonPropertyName("charset")] string? Charset,
    [property: JsonPropertyName("body")] string? Body);

internal sealed record SinkOptions(
    string? User = null,
    string? Password = null,
    TestCertificate? Certificate = null,
    bool Smtps = false,
    bool RequireAuth = false,
    bool FailQuit = false);

/// <summary>
/// A running tests/tools/smtp_sink.py, which is a real aiosmtpd server on a free loopback port. It is started with Debian's
/// /usr/bin/python3; pyenv's python3 cannot import the Debian package python3-aiosmtpd (test-infra.md §4).
/// </summary>
internal sealed class SmtpSink : IAsyncDisposable
{
    public const string Python = "/usr/bin/python3";

    private readonly Process _process;
    private readonly StringBuilder _stderr;

    private SmtpSink(Process process, int port, string outDir, StringBuilder stderr)
    {
        _process = process;
        Port = port;
        OutDir = outDir;
        _stderr = stderr;
    }

    public int Port { get; }

    public string OutDir { get; }

    public static string ScriptPath => Path.Combine(AppContext.BaseDirectory, "tools", "smtp_sink.py");

    public static async Task<SmtpSink> StartAsync(SinkOptions options, string workDir)
    {
        EnsurePythonWithAiosmtpd();
        // A free port can be taken between our probe and the sink's bind; try a few.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryStartAsync(options, workDir, FreeLoopbackPort());
            }
            catch (PortTakenException) when (attempt < 3)
            {
            }
        }
    }

    private static readonly Lazy<string?> PythonProblem = new(ProbePython);

    /// <summary>Fails (never skips) with an install hint when Debian's python cannot import aiosmtpd.</summary>
    public static void EnsurePythonWithAiosmtpd()
    {
        if (PythonProblem.Value is { } problem)
        {
            throw new InvalidOperationException(problem);
        }
    }

    private static string? ProbePython()
    {
        if (!File.Exists(Python))
        {
            return $"{Python} is missing; the SMTP tests need Debian's python3 with python3-aiosmtpd (apt-get install -y python3-aiosmtpd)";
        }

        var start = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import aiosmtpd.controller");
        using var probe = Process.Start(start)!;
        var error = probe.StandardError.ReadToEnd();
        probe.WaitForExit();
        return probe.ExitCode == 0
            ? null
            : $"{Python} cannot import aiosmtpd; install the Debian package: apt-get install -y python3-aiosmtpd ({error.Trim()})";
    }

    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<SmtpSink> TryStartAsync(SinkOptions options, string workDir, int port)
    {
        var outDir = Path.Combine(workDir, $"sink-{port}");
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in Arguments(options, port, outDir))
        {
            start.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("listening ", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("the SMTP sink exited"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await listening.Task.WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            Kill(process);
            process.WaitForExit(); // flushes the stderr events
            string text;
            lock (stderr)
            {
                text = stderr.ToString();
            }

            process.Dispose();
            if (text.Contains("Address already in use", StringComparison.Ordinal))
            {
                throw new PortTakenException();
            }

            var hint = text.Contains("No module named 'aiosmtpd'", StringComparison.Ordinal)
                ? " Install the Debian package: apt-get install -y python3-aiosmtpd."
                : "";
            throw new InvalidOperationException(
                $"the SMTP sink on port {port} did not start ({e.Message}).{hint} Its stderr:\n{text}");
        }

        return new SmtpSink(process, port, outDir, stderr);
    }

    private static IEnumerable<string> Arguments(SinkOptions o, int port, string outDir)
    {
        yield return ScriptPath;
        yield return "--port";
        yield return port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        yield return "--outdir";
        yield return outDir;
        yield return "--exit-on-stdin-eof";
        if (o.User is not null)
        {
            yield return "--user";
            yield return o.User;
            yield return "--password";
            yield return o.Password ?? "";
        }

        if (o.Certificate is not null)
        {
            yield return "--cert";
            yield return o.Certificate.CertPath;
            yield return "--key";
            yield return o.Certificate.KeyPath;
        }

        if (o.Smtps)
        {
            yield return "--smtps";
        }

        if (o.RequireAuth)
        {
            yield return "--require-auth";
        }

        if (o.FailQuit)
        {
            yield return "--fail-quit";
        }
    }

    /// <summary>The one message delivered to <paramref name="recipient"/>. The sink writes it before it answers 250.</summary>
    public ReceivedMail SingleTo(string recipient)
    {
        var matches = new List<ReceivedMail>();
        if (Directory.Exists(OutDir))
        {
            foreach (var path in Directory.EnumerateFiles(OutDir, "*.json"))
            {
                var mail = JsonSerializer.Deserialize<ReceivedMail>(File.ReadAllText(path))!;
                if (mail.RcptTos.Contains(recipient, StringComparer.OrdinalIgnoreCase))
                {
                    matches.Add(mail);
                }
            }
        }

        return matches.Count == 1
            ? matches[0]
            : throw new InvalidOperationException($"expected exactly one message to {recipient} in {OutDir}, found {matches.Count}. Sink stderr:\n{Stderr}");
    }

    public bool HasMailTo(string recipient) =>
        Directory.Exists(OutDir) && Directory.EnumerateFiles(OutDir, "*.json")
            .Any(p => File.ReadAllText(p).Contains(recipient, StringComparison.OrdinalIgnoreCase));

    public string RawMessage(ReceivedMail mail) => File.ReadAllText(Path.Combine(OutDir, mail.File));

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill(_process);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private sealed class PortTakenException : Exception;
}
