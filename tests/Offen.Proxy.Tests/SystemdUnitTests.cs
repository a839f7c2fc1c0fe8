namespace Offen.Proxy.Tests;

/// <summary>deploy/offen.service passes `systemd-analyze verify` in its strict form (test-infra.md §7).</summary>
public class SystemdUnitTests
{
    [Fact]
    public async Task OffenService_PassesSystemdAnalyzeVerify_WithoutAnyOutput()
    {
        var unit = await File.ReadAllTextAsync(Path.Combine(ProxyStack.RepoRoot(), "deploy", "offen.service"));
        Assert.Contains("ExecStart=/usr/local/bin/offen serve", unit);
        // verify requires the ExecStart binary to exist on this machine; everything else is checked as shipped
        var dir = Directory.CreateTempSubdirectory("offen-unit-").FullName;
        try
        {
            var path = Path.Combine(dir, "offen.service");
            await File.WriteAllTextAsync(path, unit.Replace("ExecStart=/usr/local/bin/offen serve", "ExecStart=/usr/bin/env offen serve", StringComparison.Ordinal));
            var output = await ProxyStack.RunToEndAsync("systemd-analyze", "verify", "--man=no", path);
            Assert.Equal("", output.Trim());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
