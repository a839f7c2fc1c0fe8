using Offen.Configuration;

namespace Offen.Cli.Tests;

public sealed class EnvFilePopulatorTests
{
    private static readonly byte[] Fixed = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();

    [Fact]
    public void Populate_MissingSecret_WritesItAndRewritesTheFileSorted()
    {
        using var s = new Sandbox();
        var path = s.Write("offen.env", """
            # my settings
            OFFEN_SERVER_PORT=8080
            OFFEN_APP_LOCALE=de
            OFFEN_DATABASE_CONNECTIONSTRING='${HOME}/offen.db'
            OFFEN_SMTP_SENDER="${USER}@example.com"
            """);

        Assert.True(EnvFilePopulator.PopulateMissingSecret(path, () => Fixed));

        Assert.Equal(
            "OFFEN_APP_LOCALE=\"de\"\n" +
            "OFFEN_DATABASE_CONNECTIONSTRING=\"\\${HOME}/offen.db\"\n" +
            "OFFEN_SECRET=\"AAECAwQFBgcICQoLDA0ODw==\"\n" +
            "OFFEN_SERVER_PORT=8080\n" +
            "OFFEN_SMTP_SENDER=\"${USER}@example.com\"\n",
            File.ReadAllText(path));
    }

    [Fact]
    public void Populate_ResultLoadsWithTheSameValuesAndTheNewSecret()
    {
        using var s = new Sandbox();
        var path = s.Write("cwd/offen.env", "OFFEN_SERVER_PORT=8080\nOFFEN_SMTP_PASSWORD='p$ss \"w\"'\n");

        EnvFilePopulator.PopulateMissingSecret(path, () => Fixed);
        var c = s.Load();

        Assert.Equal(8080, c.Server.Port);
        Assert.Equal("p$ss \"w\"", c.Smtp.Password);
        Assert.Equal(Fixed, c.Secret);
        Assert.False(c.SecretWasGenerated);
    }

    [Fact]
    public void Populate_SecretAlreadyInTheFile_LeavesTheFileUntouched()
    {
        using var s = new Sandbox();
        const string content = "# keep me\nOFFEN_SECRET=c2VjcmV0\nB=1\nA=2\n";
        var path = s.Write("offen.env", content);

        Assert.False(EnvFilePopulator.PopulateMissingSecret(path, () => throw new InvalidOperationException("not called")));

        Assert.Equal(content, File.ReadAllText(path));
    }

    [Fact]
    public void Populate_SecretFileVariableInTheFile_CountsAsPresent()
    {
        using var s = new Sandbox();
        var path = s.Write("offen.env", "OFFEN_SECRET_FILE=/run/secrets/offen\n");

        Assert.False(EnvFilePopulator.PopulateMissingSecret(path, () => Fixed));
    }

    [Fact]
    public void Populate_EmptySecretInTheFile_IsReplaced()
    {
        using var s = new Sandbox();
        var path = s.Write("offen.env", "OFFEN_SECRET=\n");

        Assert.True(EnvFilePopulator.PopulateMissingSecret(path, () => Fixed));

        Assert.Equal("OFFEN_SECRET=\"AAECAwQFBgcICQoLDA0ODw==\"\n", File.ReadAllText(path));
    }

    [Fact]
    public void Populate_EmptyFile_GetsJustTheSecret()
    {
        using var s = new Sandbox();
        var path = s.Write("offen.env", "");

        Assert.True(EnvFilePopulator.PopulateMissingSecret(path, () => Fixed));

        Assert.Equal("OFFEN_SECRET=\"AAECAwQFBgcICQoLDA0ODw==\"\n", File.ReadAllText(path));
    }

    [Fact]
    public void Populate_KeepsTheFilePermissions()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var s = new Sandbox();
        var path = s.Write("offen.env", "A=1\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        EnvFilePopulator.PopulateMissingSecret(path, () => Fixed);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Single(Directory.GetFiles(s.Root));
    }

    [Fact]
    public void Populate_MalformedFile_IsAConfigErrorAndTheFileIsKept()
    {
        using var s = new Sandbox();
        const string content = "A=\"unterminated\n";
        var path = s.Write("offen.env", content);

        var e = Assert.Throws<ConfigException>(() => EnvFilePopulator.PopulateMissingSecret(path, () => Fixed));

        Assert.Contains("line 1", e.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllText(path));
    }

    [Fact]
    public void Populate_MissingFile_IsAConfigError()
    {
        using var s = new Sandbox();

        Assert.Throws<ConfigException>(() => EnvFilePopulator.PopulateMissingSecret(Path.Combine(s.Root, "none.env"), () => Fixed));
    }
}
