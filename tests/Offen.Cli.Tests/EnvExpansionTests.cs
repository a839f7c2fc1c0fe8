using Offen.Configuration;

namespace Offen.Cli.Tests;

public sealed class EnvExpansionTests
{
    private static readonly Dictionary<string, string> Env = new(StringComparer.Ordinal)
    {
        ["HOME"] = "/home/u",
        ["a_b1"] = "lower",
    };

    private static string? Lookup(string name) => Env.TryGetValue(name, out var v) ? v : null;

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("$HOME/x", "/home/u/x")]
    [InlineData("${HOME}/x", "/home/u/x")]
    [InlineData("$a_b1", "lower")]
    [InlineData("$MISSING/x", "/x")]
    [InlineData("${}x", "x")]
    [InlineData("${HOME", "HOME")]
    [InlineData("cost: 5$", "cost: 5$")]
    [InlineData("a$%b", "a$%b")]
    [InlineData("$$", "")]
    public void ExpandUnix_FollowsGoOsExpandEnv(string input, string expected)
    {
        Assert.Equal(expected, EnvExpansion.ExpandUnix(input, Lookup));
    }

    [Theory]
    [InlineData(@"%HOME%\x", @"/home/u\x")]
    [InlineData(@"%home%\x", @"/home/u\x")]
    [InlineData(@"%MISSING%\x", @"%MISSING%\x")]
    [InlineData("100%", "100%")]
    [InlineData("$HOME", "$HOME")]
    public void ExpandWindows_ExpandsPercentReferences(string input, string expected)
    {
        var env = new Dictionary<string, string>(Env, StringComparer.OrdinalIgnoreCase);

        Assert.Equal(expected, EnvExpansion.ExpandWindows(input, n => env.TryGetValue(n, out var v) ? v : null));
    }
}
