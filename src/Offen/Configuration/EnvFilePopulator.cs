using System.Text;

namespace Offen.Configuration;

/// <summary><c>offen setup -populate</c> (server.md §4.3): writes a missing OFFEN_SECRET into the env file.</summary>
public static class EnvFilePopulator
{
    /// <summary>
    /// When the file has no usable OFFEN_SECRET (absent or empty, and no OFFEN_SECRET_FILE), adds one made of
    /// 16 bytes from <paramref name="random16"/> in standard base64 and rewrites the file as godotenv does: sorted by
    /// key, values double-quoted, integers bare, comments dropped. Values already in the file win and are kept as
    /// written (references such as <c>${HOME}</c> stay references). Otherwise the file is not touched.
    /// </summary>
    /// <returns>Whether the file was changed.</returns>
    /// <exception cref="ConfigException">The file cannot be read or written, or is malformed.</exception>
    public static bool PopulateMissingSecret(string envFilePath, Func<byte[]> random16)
    {
        ArgumentNullException.ThrowIfNull(envFilePath);
        ArgumentNullException.ThrowIfNull(random16);

        string content;
        try
        {
            content = File.ReadAllText(envFilePath, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"env file {ConfigLoader.Quote(envFilePath)}: cannot be read: {e.Message.ReplaceLineEndings(" ")}", e);
        }

        IReadOnlyList<DotEnvEntry> parsed;
        try
        {
            parsed = DotEnv.ParseEntries(content);
        }
        catch (FormatException e)
        {
            throw new ConfigException($"env file {ConfigLoader.Quote(envFilePath)}: {e.Message}", e);
        }

        // A key defined twice keeps its last value, as when the file is loaded.
        var entries = new Dictionary<string, DotEnvEntry>(StringComparer.Ordinal);
        foreach (var entry in parsed)
        {
            entries[entry.Key] = entry;
        }

        var hasSecret = entries.TryGetValue(ConfigKeys.Secret, out var existing) && existing.Value.Length > 0;
        if (hasSecret || entries.ContainsKey(ConfigKeys.Secret + ConfigKeys.FileSuffix))
        {
            return false;
        }

        var secret = random16();
        if (secret is not { Length: 16 })
        {
            throw new ArgumentException("random16 must return 16 bytes", nameof(random16));
        }

        entries[ConfigKeys.Secret] = new DotEnvEntry(ConfigKeys.Secret, Convert.ToBase64String(secret), Expands: false, Line: 0);

        var text = DotEnv.Format(entries.Values);
        var directory = Path.GetDirectoryName(Path.GetFullPath(envFilePath)) ?? ".";
        var temp = Path.Combine(directory, $".{Path.GetFileName(envFilePath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temp, text, new UTF8Encoding(false));
            if (!OperatingSystem.IsWindows())
            {
                // Keep the permissions of a file that holds secrets (e.g. 0600).
                File.SetUnixFileMode(temp, File.GetUnixFileMode(envFilePath));
            }

            File.Move(temp, envFilePath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new ConfigException($"env file {ConfigLoader.Quote(envFilePath)}: cannot be written: {e.Message.ReplaceLineEndings(" ")}", e);
        }

        return true;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the original file is untouched either way.
        }
    }
}
