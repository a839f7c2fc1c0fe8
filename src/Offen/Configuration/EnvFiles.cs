namespace Offen.Configuration;

/// <summary>Env-file lookup against the real process (for <c>offen setup -populate</c>, server.md §4.3).</summary>
public static class EnvFiles
{
    /// <summary>The first existing file of the cascade (server.md §4.1), or null.</summary>
    public static string? FindInCascade()
    {
        var environment = ConfigLoader.ReadProcessEnvironment();
        environment.TryGetValue("HOME", out var home);
        environment.TryGetValue("XDG_CONFIG_HOME", out var xdg);
        return ConfigLoader.FindEnvFile(null, Directory.GetCurrentDirectory(), home, xdg, OperatingSystem.IsWindows());
    }
}
