using System.Diagnostics;
using System.Runtime.Versioning;
using MimeKit;

namespace Offen.Mail.Tests;

// The stand-in sendmail is a shell script; upstream has no sendmail on Windows either (server.md §8).
[UnsupportedOSPlatform("windows")]
public sealed class SendmailMailerTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("offen-sendmail-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>A stand-in sendmail that saves its argv and stdin beside itself.</summary>
    private string RecordingSendmail(string folder = "bin") => Script(folder, "sendmail", """
        #!/bin/sh
        here=$(dirname "$0")
        printf '%s\n' "$@" > "$here/argv"
        cat > "$here/stdin"
        """);

    private string Script(string folder, string name, string text, UnixFileMode? mode = null)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir.FullName, folder));
        var path = Path.Combine(dir.FullName, name);
        File.WriteAllText(path, text.ReplaceLineEndings("\n") + "\n");
        File.SetUnixFileMode(path, mode ?? (UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute));
        return path;
    }

    [Fact]
    public async Task SendAsync_RunsSendmailWithOiAndT()
    {
        var sendmail = RecordingSendmail();

        await new SendmailMailer(sendmail).SendAsync(new MailMessageData("no-reply@offen.dev", "a@example.test", "s", "b"), CancellationToken.None);

        var argv = File.ReadAllLines(Path.Combine(Path.GetDirectoryName(sendmail)!, "argv"));
        Assert.Equal(["-oi", "-t"], argv);
    }

    [Fact]
    public async Task SendAsync_PipesCompleteMessageOnStdin()
    {
        var sendmail = RecordingSendmail();
        const string body = "Hallo!\n\nÖffne dazu den folgenden Link:\n\nhttps://offen.example/reset-password/a+b&c/\n";

        await new SendmailMailer(sendmail).SendAsync(
            new MailMessageData("Offen <no-reply@offen.dev>", "a@example.test", "  Setze dein Passwort zurück\n", body), CancellationToken.None);

        var stdinPath = Path.Combine(Path.GetDirectoryName(sendmail)!, "stdin");
        var raw = await File.ReadAllTextAsync(stdinPath);
        Assert.DoesNotContain('\r', raw); // sendmail reads local mail with LF line ends
        Assert.Contains("Content-Type: text/plain; charset=UTF-8\n", raw, StringComparison.Ordinal);
        Assert.Contains("User-Agent: Offen Fair Web Analytics\n", raw, StringComparison.Ordinal);
        Assert.Contains("X-Mailer: Offen Fair Web Analytics\n", raw, StringComparison.Ordinal);

        using var parsed = await MimeMessage.LoadAsync(stdinPath);
        Assert.Equal("no-reply@offen.dev", parsed.From.Mailboxes.Single().Address);
        Assert.Equal("Offen", parsed.From.Mailboxes.Single().Name);
        Assert.Equal("a@example.test", parsed.To.Mailboxes.Single().Address);
        Assert.Equal("Setze dein Passwort zurück", parsed.Subject);
        Assert.Equal(body, parsed.TextBody!.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task SendAsync_SendmailExitsNonZero_ThrowsMailExceptionWithFirstStderrLine()
    {
        var sendmail = Script("bin", "sendmail", """
            #!/bin/sh
            cat > /dev/null
            echo "sendmail: fatal: queue file write error" >&2
            echo "a second line" >&2
            exit 1
            """);

        var e = await Assert.ThrowsAsync<MailException>(() =>
            new SendmailMailer(sendmail).SendAsync(new MailMessageData("no-reply@offen.dev", "a@example.test", "s", "b"), CancellationToken.None));

        Assert.Equal("sendmail exited with code 1: sendmail: fatal: queue file write error", e.Message);
    }

    [Fact]
    public async Task SendAsync_SendmailExitsWithoutReadingStdin_ThrowsMailExceptionNotBrokenPipe()
    {
        var sendmail = Script("bin", "sendmail", """
            #!/bin/sh
            echo "sendmail: no such user" >&2
            exit 67
            """);
        var hugeBody = new string('x', 4 * 1024 * 1024); // far past the pipe buffer

        var e = await Assert.ThrowsAsync<MailException>(() =>
            new SendmailMailer(sendmail).SendAsync(new MailMessageData("no-reply@offen.dev", "a@example.test", "s", hugeBody), CancellationToken.None));

        Assert.Equal("sendmail exited with code 67: sendmail: no such user", e.Message);
    }

    [Fact]
    public async Task SendAsync_SendmailHangs_IsKilledAfterTimeout()
    {
        var sendmail = Script("bin", "sendmail", """
            #!/bin/sh
            exec sleep 30
            """);
        var watch = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<MailException>(() =>
            new SendmailMailer(sendmail, TimeSpan.FromMilliseconds(500))
                .SendAsync(new MailMessageData("no-reply@offen.dev", "a@example.test", "s", "b"), CancellationToken.None));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Contains("did not finish within 0.5 s", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_BinaryMissing_ThrowsMailException()
    {
        var missing = Path.Combine(_dir.FullName, "nope", "sendmail");

        var e = await Assert.ThrowsAsync<MailException>(() =>
            new SendmailMailer(missing).SendAsync(new MailMessageData("no-reply@offen.dev", "a@example.test", "s", "b"), CancellationToken.None));

        Assert.StartsWith($"could not run sendmail at {missing}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_ExecutableOnPath_ReturnsItsFullPath()
    {
        var sendmail = RecordingSendmail("sbin");
        var path = string.Join(Path.PathSeparator, Path.Combine(_dir.FullName, "empty"), Path.GetDirectoryName(sendmail));

        Assert.Equal(sendmail, SendmailMailer.Find(path));
    }

    [Fact]
    public void Find_SeveralOnPath_ReturnsTheFirst()
    {
        var first = RecordingSendmail("first");
        var second = RecordingSendmail("second");
        var path = string.Join(Path.PathSeparator, Path.GetDirectoryName(first), Path.GetDirectoryName(second));

        Assert.Equal(first, SendmailMailer.Find(path));
    }

    [Fact]
    public void Find_OnlyNonExecutableFile_ReturnsNull()
    {
        var file = Script("bin", "sendmail", "#!/bin/sh", UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Null(SendmailMailer.Find(Path.GetDirectoryName(file)));
    }

    [Fact]
    public void Find_DirectoryNamedSendmail_ReturnsNull()
    {
        Directory.CreateDirectory(Path.Combine(_dir.FullName, "bin", "sendmail"));

        Assert.Null(SendmailMailer.Find(Path.Combine(_dir.FullName, "bin")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Find_NoPath_ReturnsNull(string? path)
    {
        Assert.Null(SendmailMailer.Find(path));
    }
}
