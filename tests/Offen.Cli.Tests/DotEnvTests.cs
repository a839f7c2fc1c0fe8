using Offen.Configuration;

namespace Offen.Cli.Tests;

public sealed class DotEnvTests
{
    private static IReadOnlyDictionary<string, string> Parse(string content, Dictionary<string, string>? outer = null) =>
        DotEnv.Parse(content, name => outer is not null && outer.TryGetValue(name, out var v) ? v : null);

    [Fact]
    public void Parse_CommonForms()
    {
        var env = Parse("""
            # a comment line

            PLAIN=value
            export EXPORTED=yes
            SPACED = around
            YAML: style
            SINGLE='it is $LITERAL \n'
            DOUBLE="line1\nline2 \"quoted\" \\ back"
            EMPTY=
            INLINE=value # a comment
            HASH=value#not-a-comment
            QUOTED_COMMENT="a # b" # c
            DOTTED.KEY=1
            """);

        Assert.Equal("value", env["PLAIN"]);
        Assert.Equal("yes", env["EXPORTED"]);
        Assert.Equal("around", env["SPACED"]);
        Assert.Equal("style", env["YAML"]);
        Assert.Equal(@"it is $LITERAL \n", env["SINGLE"]);
        Assert.Equal("line1\nline2 \"quoted\" \\ back", env["DOUBLE"]);
        Assert.Equal("", env["EMPTY"]);
        Assert.Equal("value", env["INLINE"]);
        Assert.Equal("value#not-a-comment", env["HASH"]);
        Assert.Equal("a # b", env["QUOTED_COMMENT"]);
        Assert.Equal("1", env["DOTTED.KEY"]);
    }

    [Fact]
    public void Parse_CrLfLineEndings()
    {
        var env = Parse("A=1\r\nB=\"2\"\r\n");

        Assert.Equal("1", env["A"]);
        Assert.Equal("2", env["B"]);
    }

    [Fact]
    public void Parse_DoubleQuotedValue_MaySpanLines()
    {
        Assert.Equal("a\nb", Parse("K=\"a\nb\"\nNEXT=1")["K"]);
    }

    [Fact]
    public void Parse_LaterDefinitionWins()
    {
        Assert.Equal("2", Parse("K=1\nK=2\n")["K"]);
    }

    [Fact]
    public void Parse_ExpandsUnquotedAndDoubleQuotedButNotSingleQuoted()
    {
        var env = Parse("""
            BASE=/srv
            A=$BASE/a
            B="${BASE}/b"
            C='${BASE}/c'
            D="\${BASE}/d"
            E=${UNKNOWN}x
            F=${OUTER}
            G=$lower
            """, new Dictionary<string, string> { ["OUTER"] = "from-env" });

        Assert.Equal("/srv/a", env["A"]);
        Assert.Equal("/srv/b", env["B"]);
        Assert.Equal("${BASE}/c", env["C"]);
        Assert.Equal("${BASE}/d", env["D"]);
        Assert.Equal("x", env["E"]);
        Assert.Equal("from-env", env["F"]);
        Assert.Equal("$lower", env["G"]);
    }

    [Fact]
    public void Parse_FileValuesWinOverTheEnvironmentInsideTheFile()
    {
        var env = Parse("X=file\nY=$X\n", new Dictionary<string, string> { ["X"] = "env" });

        Assert.Equal("file", env["Y"]);
    }

    [Theory]
    [InlineData("KEY value\n", 1)]
    [InlineData("A=1\nB=\"unterminated\n", 2)]
    [InlineData("A=1\n=2\n", 2)]
    [InlineData("A='x' trailing\n", 1)]
    [InlineData("BAD-KEY=1\n", 1)]
    public void Parse_Malformed_ThrowsWithTheLine(string content, int line)
    {
        var e = Assert.Throws<FormatException>(() => Parse(content));

        Assert.StartsWith($"line {line}: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_SortsQuotesAndLeavesIntegersBare()
    {
        var text = DotEnv.Format(
        [
            new DotEnvEntry("Z", "last", true, 0),
            new DotEnvEntry("A", "3000", true, 0),
            new DotEnvEntry("M", "with \"quotes\" and \\ and\nnewline", true, 0),
            new DotEnvEntry("N", "-5", true, 0),
        ]);

        Assert.Equal("A=3000\nM=\"with \\\"quotes\\\" and \\\\ and\\nnewline\"\nN=-5\nZ=\"last\"\n", text);
    }

    [Theory]
    [InlineData("PLAIN=value")]
    [InlineData("SINGLE='$HOME and \\ and \"x\"'")]
    [InlineData("DOUBLE=\"${HOME}/x \\$literal\"")]
    [InlineData("UNQUOTED=$HOME/y")]
    [InlineData("MULTI=\"a\\nb\"")]
    public void Format_ThenParse_GivesTheSameValues(string line)
    {
        var outer = new Dictionary<string, string> { ["HOME"] = "/home/u" };
        var before = Parse(line, outer);

        var after = Parse(DotEnv.Format(DotEnv.ParseEntries(line)), outer);

        Assert.Equal(before, after);
    }
}
