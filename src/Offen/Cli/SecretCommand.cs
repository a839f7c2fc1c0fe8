using Offen.Crypto;

namespace Offen.Cli;

/// <summary>`offen secret [-length 16] [-count 1] [-quiet]` (server.md §4.3).</summary>
public static class SecretCommand
{
    public static int Run(string[] args)
    {
        var flags = new Flags("secret")
            .String("length", "16", "the length in bytes")
            .String("count", "1", "the number of secrets to generate")
            .Bool("quiet", "only print the secret values");
        flags.Parse(args);
        var length = flags.GetInt("length");
        var count = flags.GetInt("count");
        if (length <= 0 || length > 1024) throw new CliException("secret: -length must be between 1 and 1024");
        if (count <= 0 || count > 10000) throw new CliException("secret: -count must be between 1 and 10000");
        for (var i = 0; i < count; i++)
        {
            var value = Keys.GenerateRandomValue(length);
            if (flags.GetBool("quiet")) Console.Out.WriteLine(value);
            else CliLog.Info($"Created {length} bytes secret", ("secret", value));
        }
        return 0;
    }
}
