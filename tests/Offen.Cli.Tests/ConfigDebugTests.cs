using System.Text.Json;
using Offen.Configuration;

namespace Offen.Cli.Tests;

public sealed class ConfigDebugTests
{
    [Fact]
    public void ToJson_MasksTheSmtpPasswordAndTheSecret()
    {
        var c = Vars.Resolve(("OFFEN_SMTP_PASSWORD", "hunter2"), ("OFFEN_SECRET", "AAECAwQFBgcICQoLDA0ODw=="));

        var json = ConfigDebug.ToJson(c);
        using var doc = JsonDocument.Parse(json);

        Assert.Equal("********", doc.RootElement.GetProperty("SMTP").GetProperty("Password").GetString());
        Assert.Equal("********", doc.RootElement.GetProperty("Secret").GetString());
        Assert.DoesNotContain("hunter2", json, StringComparison.Ordinal);
        Assert.DoesNotContain("AAECAwQF", json, StringComparison.Ordinal);
    }

    [Fact]
    public void ToJson_UnsetSecretsAreEmpty()
    {
        using var doc = JsonDocument.Parse(ConfigDebug.ToJson(Vars.Resolve()));

        Assert.Equal("", doc.RootElement.GetProperty("SMTP").GetProperty("Password").GetString());
        Assert.Equal("", doc.RootElement.GetProperty("Secret").GetString());
        Assert.True(doc.RootElement.GetProperty("SecretWasGenerated").GetBoolean());
    }

    [Fact]
    public void ToJson_IsIndentedAndShowsTheResolvedValues()
    {
        var c = Vars.Resolve(
            ("OFFEN_APP_LOGLEVEL", "warn"),
            ("OFFEN_SERVER_AUTOTLS", "a.com,b.com"),
            ("OFFEN_DATABASE_DIALECT", "mysql"),
            ("OFFEN_SMTP_HOST", "smtp.example.com"));

        var json = ConfigDebug.ToJson(c);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;

        Assert.Contains("\n  \"Server\": {", json, StringComparison.Ordinal);
        Assert.Equal("warning", root.GetProperty("App").GetProperty("LogLevel").GetString());
        Assert.Equal("6months", root.GetProperty("App").GetProperty("Retention").GetString());
        Assert.Equal(3000, root.GetProperty("Server").GetProperty("Port").GetInt32());
        Assert.Equal(2, root.GetProperty("Server").GetProperty("AutoTLS").GetArrayLength());
        Assert.Equal("mysql", root.GetProperty("Database").GetProperty("Dialect").GetString());
        Assert.Equal("smtp.example.com", root.GetProperty("SMTP").GetProperty("Host").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("EnvFile").ValueKind);
    }

    [Fact]
    public void ToJson_MasksTheDatabasePassword()
    {
        var c = Vars.Resolve(("OFFEN_DATABASE_CONNECTIONSTRING", "postgres://offen:s3cret@db:5432/offen?sslmode=disable"));

        var json = ConfigDebug.ToJson(c);

        Assert.DoesNotContain("s3cret", json, StringComparison.Ordinal);
        Assert.Contains("postgres://offen:********@db:5432/offen?sslmode=disable", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/var/opt/offen/offen.db", "/var/opt/offen/offen.db")]
    [InlineData(@"C:\Temp\offen.db", @"C:\Temp\offen.db")]
    [InlineData("postgres://db:5432/offen", "postgres://db:5432/offen")]
    [InlineData("postgres://user@db/offen", "postgres://user@db/offen")]
    [InlineData("postgresql://u:p%40ss@db/offen", "postgresql://u:********@db/offen")]
    [InlineData("postgres://u:p@ss@db/x?a=b@c", "postgres://u:********@db/x?a=b@c")]
    [InlineData("user:pa:ss@tcp(db:3306)/offen?parseTime=true", "user:********@tcp(db:3306)/offen?parseTime=true")]
    [InlineData("user:pw@/offen", "user:********@/offen")]
    [InlineData("Host=db;Username=offen;Password=pw;Database=offen", "Host=db;Username=offen;Password=********;Database=offen")]
    [InlineData("Server=db;Pwd = 'a;b';Database=offen", "Server=db;Pwd = ********;Database=offen")]
    public void MaskConnectionString_HidesOnlyThePassword(string input, string expected)
    {
        Assert.Equal(expected, ConfigDebug.MaskConnectionString(input));
    }
}
