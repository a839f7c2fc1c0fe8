using Offen.Configuration;

namespace Offen.Cli.Tests;

/// <summary>A temporary directory tree with a cwd, a home, an XDG config home and a stand-in for /etc/offen, so that
/// no test reads the real environment or the real cascade.</summary>
internal sealed class Sandbox : IDisposable
{
    public Sandbox()
    {
        Root = Directory.CreateTempSubdirectory("offen-cli-tests-").FullName;
        Cwd = Directory.CreateDirectory(Path.Combine(Root, "cwd")).FullName;
        Home = Directory.CreateDirectory(Path.Combine(Root, "home")).FullName;
        Xdg = Directory.CreateDirectory(Path.Combine(Root, "xdg")).FullName;
        Etc = Directory.CreateDirectory(Path.Combine(Root, "etc")).FullName;
    }

    public string Root { get; }
    public string Cwd { get; }
    public string Home { get; }
    public string Xdg { get; }
    public string Etc { get; }

    public string Write(string path, string content)
    {
        var full = Path.Combine(Root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public OffenConfig Load(IDictionary<string, string>? env = null, string? envFile = null, bool isWindows = false) =>
        ConfigLoader.Load(envFile, new Dictionary<string, string>(env ?? new Dictionary<string, string>()), Cwd, Home, Xdg, isWindows, Etc);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class Vars
{
    /// <summary>Resolves configuration from exactly these variables (no env file).</summary>
    public static OffenConfig Resolve(params (string Key, string Value)[] variables) =>
        ConfigLoader.FromVariables(variables.ToDictionary(v => v.Key, v => v.Value), Path.GetTempPath());

    public static ConfigException Fails(params (string Key, string Value)[] variables) =>
        Assert.Throws<ConfigException>(() => Resolve(variables));

    public static void AssertOneLine(string message) =>
        Assert.DoesNotContain('\n', message);
}
