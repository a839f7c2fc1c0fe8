using System.ComponentModel;
using System.Diagnostics;
using MimeKit;
using MimeKit.IO;

namespace Offen.Mail;

/// <summary>
/// Hands the message to the local <c>sendmail</c> as <c>sendmail -oi -t</c> with the whole RFC 5322 message on stdin
/// (server.md §8, step 3). <c>-t</c> takes the recipient from the To header; <c>-oi</c> keeps a line with a single
/// dot from ending the message.
/// </summary>
public sealed class SendmailMailer : IMailer
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);
    private readonly TimeSpan _timeout;

    public SendmailMailer(string sendmailPath)
        : this(sendmailPath, DefaultTimeout)
    {
    }

    /// <param name="sendmailPath">The sendmail binary, normally from <see cref="Find"/>.</param>
    /// <param name="timeout">After this long sendmail is killed and the send fails. A local sendmail only queues the
    /// message, so this is generous.</param>
    public SendmailMailer(string sendmailPath, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sendmailPath);
        SendmailPath = sendmailPath;
        _timeout = timeout;
    }

    public string SendmailPath { get; }

    /// <summary>
    /// Finds an executable <c>sendmail</c> in the directories of a PATH value, like <c>which sendmail</c> does upstream.
    /// Returns null when there is none, including on Windows where there normally is none.
    /// </summary>
    public static string? Find(string? pathEnv)
    {
        if (string.IsNullOrEmpty(pathEnv))
        {
            return null;
        }

        var name = OperatingSystem.IsWindows() ? "sendmail.exe" : "sendmail";
        foreach (var dir in pathEnv.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string candidate;
            try
            {
                candidate = Path.GetFullPath(Path.Combine(dir, name));
            }
            catch (ArgumentException)
            {
                continue;
            }

            if (IsExecutableFile(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }

    public async Task SendAsync(MailMessageData message, CancellationToken ct)
    {
        var mime = MimeMessageBuilder.Build(message);

        var start = new ProcessStartInfo(SendmailPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-oi");
        start.ArgumentList.Add("-t");

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or FileNotFoundException)
        {
            throw new MailException($"could not run sendmail at {SendmailPath}: {MailException.OneLine(e.Message)}");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(_timeout);
        // Both pipes are drained while we write, so a chatty sendmail cannot block on a full pipe.
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            try
            {
                // sendmail reads a local message with LF line ends.
                var options = FormatOptions.Default.Clone();
                options.NewLineFormat = NewLineFormat.Unix;
                await mime.WriteToAsync(options, process.StandardInput.BaseStream, deadline.Token).ConfigureAwait(false);
                await process.StandardInput.BaseStream.FlushAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // sendmail exited without reading everything (a broken pipe). Its exit code and stderr tell why.
            }
            finally
            {
                try
                {
                    process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // Same broken pipe, on the final flush.
                }
            }

            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            if (ct.IsCancellationRequested)
            {
                throw;
            }

            throw new MailException($"sendmail at {SendmailPath} did not finish within {_timeout.TotalSeconds:0.#} s");
        }

        await stdout.ConfigureAwait(false);
        var errors = await stderr.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new MailException($"sendmail exited with code {process.ExitCode}: {MailException.OneLine(errors)}");
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
