using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Offen.Configuration;

/// <summary>One <c>KEY=value</c> statement of an env file, before variable expansion.</summary>
/// <param name="Key">The variable name.</param>
/// <param name="Value">
/// The value with quotes removed and, for double-quoted values, escapes applied; <c>\$</c> is kept so that
/// <see cref="DotEnv.Expand"/> can tell a literal dollar from a reference.
/// </param>
/// <param name="Expands">False for single-quoted values, which godotenv takes literally.</param>
/// <param name="Line">The 1-based line the statement starts on.</param>
public sealed record DotEnvEntry(string Key, string Value, bool Expands, int Line);

/// <summary>
/// A reader and writer for <c>offen.env</c> files that follows godotenv (server.md §4.1) for the forms people use:
/// <c>KEY=value</c>, <c>export KEY=value</c>, <c>KEY: value</c>, single quotes (literal), double quotes (with
/// <c>\n</c>, <c>\r</c>, <c>\"</c>, <c>\\</c> escapes, may span lines), <c>#</c> comment lines, blank lines, an inline
/// comment after an unquoted value when <c>#</c> follows whitespace, and <c>$VAR</c> / <c>${VAR}</c> expansion in
/// unquoted and double-quoted values.
/// </summary>
public static partial class DotEnv
{
    /// <summary>Parses the statements of an env file. Throws <see cref="FormatException"/> (with a line number, never
    /// the value) on malformed input.</summary>
    public static IReadOnlyList<DotEnvEntry> ParseEntries(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var src = content.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (src.Length > 0 && src[0] == '\uFEFF')
        {
            src = src[1..];
        }

        var entries = new List<DotEnvEntry>();
        var pos = 0;
        while (true)
        {
            pos = SkipBlankAndComments(src, pos);
            if (pos >= src.Length)
            {
                return entries;
            }

            var line = LineOf(src, pos);
            var (key, afterKey) = ReadKey(src, pos, line);
            var (value, expands, rest) = ReadValue(src, afterKey, line);
            entries.Add(new DotEnvEntry(key, value, expands, line));
            pos = rest;
        }
    }

    /// <summary>
    /// Parses an env file and expands references the way godotenv does: a reference is looked up first among the
    /// values defined earlier in the same file, then through <paramref name="outerLookup"/> (the process environment),
    /// and is empty when neither knows it. A key defined twice keeps its last value.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Parse(string content, Func<string, string?> outerLookup)
    {
        ArgumentNullException.ThrowIfNull(outerLookup);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in ParseEntries(content))
        {
            result[entry.Key] = entry.Expands
                ? Expand(entry.Value, name => result.TryGetValue(name, out var v) ? v : outerLookup(name))
                : entry.Value;
        }

        return result;
    }

    /// <summary>
    /// godotenv's expansion: <c>$NAME</c> or <c>${NAME}</c> with NAME made of <c>A-Z</c>, <c>0-9</c> and <c>_</c>
    /// is replaced by its value (empty when unknown); <c>\$</c> gives a literal <c>$</c>; anything else is kept.
    /// </summary>
    public static string Expand(string value, Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(lookup);
        if (!value.Contains('$', StringComparison.Ordinal))
        {
            return value;
        }

        var sb = new StringBuilder(value.Length);
        var i = 0;
        while (i < value.Length)
        {
            var c = value[i];
            if (c == '\\' && i + 1 < value.Length && value[i + 1] == '$')
            {
                sb.Append('$');
                i += 2;
                continue;
            }

            if (c != '$')
            {
                sb.Append(c);
                i++;
                continue;
            }

            var j = i + 1;
            if (j < value.Length && value[j] == '{')
            {
                j++;
            }

            var nameStart = j;
            while (j < value.Length && IsExpandNameChar(value[j]))
            {
                j++;
            }

            if (j == nameStart)
            {
                // "$" not followed by a name: godotenv keeps the text as it is.
                sb.Append(value, i, j - i);
                i = j;
                continue;
            }

            var name = value[nameStart..j];
            if (j < value.Length && value[j] == '}')
            {
                j++;
            }

            sb.Append(lookup(name) ?? "");
            i = j;
        }

        return sb.ToString();
    }

    /// <summary>
    /// Writes env-file text the way godotenv's Marshal does for <c>setup -populate</c> (server.md §4.3): one
    /// <c>KEY=value</c> line per key sorted by key, integers bare, everything else double-quoted and escaped so that
    /// reading the text back gives the same entries.
    /// </summary>
    public static string Format(IEnumerable<DotEnvEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var sb = new StringBuilder();
        foreach (var entry in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            sb.Append(entry.Key).Append('=');
            if (BareInteger().IsMatch(entry.Value))
            {
                sb.Append(entry.Value);
            }
            else
            {
                sb.Append('"');
                foreach (var c in entry.Value)
                {
                    switch (c)
                    {
                        case '\\': sb.Append(@"\\"); break;
                        case '"': sb.Append("\\\""); break;
                        case '\n': sb.Append(@"\n"); break;
                        case '\r': sb.Append(@"\r"); break;
                        // A literal (single-quoted) value must not start expanding once it is double-quoted.
                        case '$' when !entry.Expands: sb.Append(@"\$"); break;
                        default: sb.Append(c); break;
                    }
                }

                sb.Append('"');
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    [GeneratedRegex("^-?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex BareInteger();

    private static bool IsExpandNameChar(char c) => c is >= 'A' and <= 'Z' or >= '0' and <= '9' or '_';

    // godotenv's isSpace: whitespace that is not a line break.
    private static bool IsInlineSpace(char c) => c is '\t' or '\v' or '\f' or '\r' or ' ' or '\u0085' or '\u00A0';

    private static int LineOf(string src, int pos)
    {
        var line = 1;
        for (var i = 0; i < pos; i++)
        {
            if (src[i] == '\n')
            {
                line++;
            }
        }

        return line;
    }

    private static int SkipBlankAndComments(string src, int pos)
    {
        while (pos < src.Length)
        {
            if (char.IsWhiteSpace(src[pos]))
            {
                pos++;
            }
            else if (src[pos] == '#')
            {
                var nl = src.IndexOf('\n', pos);
                pos = nl < 0 ? src.Length : nl + 1;
            }
            else
            {
                break;
            }
        }

        return pos;
    }

    private static (string Key, int Next) ReadKey(string src, int pos, int line)
    {
        const string export = "export";
        if (string.CompareOrdinal(src, pos, export, 0, export.Length) == 0
            && pos + export.Length < src.Length && IsInlineSpace(src[pos + export.Length]))
        {
            pos += export.Length;
            while (pos < src.Length && IsInlineSpace(src[pos]))
            {
                pos++;
            }
        }

        var start = pos;
        while (pos < src.Length && (char.IsLetterOrDigit(src[pos]) || src[pos] is '_' or '.'))
        {
            pos++;
        }

        var key = src[start..pos];
        while (pos < src.Length && IsInlineSpace(src[pos]))
        {
            pos++;
        }

        if (pos >= src.Length || src[pos] is not ('=' or ':'))
        {
            throw new FormatException(key.Length == 0
                ? $"line {line}: expected a variable name ([A-Za-z0-9_.])"
                : $"line {line}: expected '=' after {key}");
        }

        if (key.Length == 0)
        {
            throw new FormatException($"line {line}: missing variable name before '{src[pos]}'");
        }

        pos++;
        while (pos < src.Length && IsInlineSpace(src[pos]))
        {
            pos++;
        }

        return (key, pos);
    }

    private static (string Value, bool Expands, int Next) ReadValue(string src, int pos, int line)
    {
        if (pos < src.Length && src[pos] is '\'' or '"')
        {
            return ReadQuoted(src, pos, line);
        }

        var end = pos;
        while (end < src.Length && src[end] is not ('\n' or '\r'))
        {
            end++;
        }

        var text = src[pos..end];
        // godotenv: the last '#' that follows whitespace starts an inline comment.
        for (var i = text.Length - 1; i > 0; i--)
        {
            if (text[i] == '#' && IsInlineSpace(text[i - 1]))
            {
                text = text[..i];
                break;
            }
        }

        var trimmed = text.Trim('\t', '\v', '\f', '\r', ' ', '\u0085', '\u00A0');
        return (trimmed, true, end);
    }

    private static (string Value, bool Expands, int Next) ReadQuoted(string src, int pos, int line)
    {
        var quote = src[pos];
        var sb = new StringBuilder();
        var i = pos + 1;
        var closed = false;
        while (i < src.Length)
        {
            var c = src[i];
            if (c == quote)
            {
                closed = true;
                i++;
                break;
            }

            if (quote == '"' && c == '\\' && i + 1 < src.Length)
            {
                var next = src[i + 1];
                switch (next)
                {
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    // Kept escaped so that expansion leaves a literal '$'.
                    case '$': sb.Append(@"\$"); break;
                    default: sb.Append(next); break;
                }

                i += 2;
                continue;
            }

            if (quote == '\'' && c == '\\' && i + 1 < src.Length && src[i + 1] == '\'')
            {
                // godotenv does not end a single-quoted value at a quote after a backslash, and keeps both.
                sb.Append(@"\'");
                i += 2;
                continue;
            }

            sb.Append(c);
            i++;
        }

        if (!closed)
        {
            throw new FormatException($"line {line}: unterminated quoted value");
        }

        // Only whitespace or a comment may follow the closing quote on its line.
        var j = i;
        while (j < src.Length && IsInlineSpace(src[j]))
        {
            j++;
        }

        if (j < src.Length && src[j] is not ('\n' or '#'))
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture,
                $"line {LineOf(src, j)}: unexpected text after the closing quote"));
        }

        return (sb.ToString(), quote == '"', j);
    }
}
