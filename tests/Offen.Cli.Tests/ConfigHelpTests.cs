using System.Text.RegularExpressions;
using Offen.Configuration;

namespace Offen.Cli.Tests;

/// <summary>style.md principle 9: <c>offen --help</c> and docs/configuration.md agree.</summary>
public sealed partial class ConfigHelpTests
{
    [Fact]
    public void HelpAndDocs_NameTheSameVariables()
    {
        var docs = VariablesIn(File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "configuration.md")));
        var help = VariablesIn(ConfigHelp.Text);

        Assert.Empty(docs.Except(help));
        Assert.Empty(help.Except(docs));
    }

    [Fact]
    public void Help_NamesEveryVariableTheLoaderReads()
    {
        var help = VariablesIn(ConfigHelp.Text);

        Assert.Equal(ConfigKeys.All.Order(StringComparer.Ordinal), help.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Help_LinesFitATerminal()
    {
        Assert.All(ConfigHelp.Text.Split('\n'), line => Assert.True(line.Length <= 140, line));
    }

    private static HashSet<string> VariablesIn(string text) =>
        OffenVariable().Matches(text).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Offen.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Offen.slnx not found above " + AppContext.BaseDirectory);
    }

    // A trailing "_FILE" is the generic form and not a variable of its own.
    [GeneratedRegex(@"\bOFFEN_[A-Z][A-Z0-9_]*[A-Z0-9](?<!_FILE)\b")]
    private static partial Regex OffenVariable();
}
