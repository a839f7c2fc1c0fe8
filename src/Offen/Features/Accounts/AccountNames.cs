using System.Net;
using System.Text;

namespace Offen.Features.Accounts;

/// <summary>
/// Account names are sanitized (server.md §1.4 <c>POST /api/setup</c>, sharp edge 34): all HTML markup is stripped as
/// bluemonday's StrictPolicy does, then HTML entities are decoded, so <c>Tom &amp;amp; Jerry</c> becomes
/// <c>Tom &amp; Jerry</c> and <c>&lt;b&gt;x&lt;/b&gt;</c> becomes <c>x</c>.
/// </summary>
public static class AccountNames
{
    // Go's html tokenizer reads the content of these elements as raw text, not markup.
    private static readonly HashSet<string> RawTextElements = new(StringComparer.Ordinal)
    {
        "iframe", "noembed", "noframes", "noscript", "plaintext", "script", "style", "textarea", "title", "xmp",
    };

    // bluemonday drops the content of these elements, not only their tags.
    private static readonly HashSet<string> SkipContentElements = new(StringComparer.Ordinal)
    {
        "frame", "frameset", "iframe", "noembed", "noframes", "noscript", "nostyle", "object", "script", "style", "title",
    };

    public static string Sanitize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.IndexOfAny(['<', '&']) < 0)
        {
            return name;
        }

        var output = new StringBuilder(name.Length);
        var skipping = 0;
        var pos = 0;

        void Text(string text)
        {
            if (skipping == 0 && text.Length > 0)
            {
                // Each text token is decoded once, as Go's tokenizer does before bluemonday re-escapes it and Offen
                // unescapes the result.
                output.Append(WebUtility.HtmlDecode(text));
            }
        }

        while (pos < name.Length)
        {
            var lt = name.IndexOf('<', pos);
            if (lt < 0)
            {
                Text(name[pos..]);
                break;
            }

            Text(name[pos..lt]);
            pos = lt;
            var next = pos + 1 < name.Length ? name[pos + 1] : '\0';

            if (char.IsAsciiLetter(next))
            {
                var tag = ReadTag(name, pos + 1);
                if (tag is null)
                {
                    // An unfinished tag at the end is dropped.
                    break;
                }

                var (tagName, end, selfClosing) = tag.Value;
                pos = end;
                if (SkipContentElements.Contains(tagName) && !selfClosing)
                {
                    skipping++;
                }

                if (RawTextElements.Contains(tagName))
                {
                    var close = tagName == "plaintext" ? -1 : FindEndTag(name, pos, tagName);
                    var rawEnd = close < 0 ? name.Length : close;
                    Text(name[pos..rawEnd]);
                    pos = rawEnd;
                }

                continue;
            }

            if (next == '/')
            {
                var after = pos + 2 < name.Length ? name[pos + 2] : '\0';
                if (char.IsAsciiLetter(after))
                {
                    var tag = ReadTag(name, pos + 2);
                    if (tag is null)
                    {
                        break;
                    }

                    pos = tag.Value.End;
                    if (SkipContentElements.Contains(tag.Value.Name) && skipping > 0)
                    {
                        skipping--;
                    }

                    continue;
                }

                if (after == '\0')
                {
                    Text("</");
                    break;
                }

                // "</>" is ignored; "</ ..." and the like are bogus comments up to '>'.
                pos = SkipPast(name, pos + 2, '>');
                continue;
            }

            if (next == '!')
            {
                if (string.CompareOrdinal(name, pos, "<!--", 0, 4) == 0)
                {
                    var close = name.IndexOf("-->", pos + 4, StringComparison.Ordinal);
                    pos = close < 0 ? name.Length : close + 3;
                }
                else
                {
                    pos = SkipPast(name, pos + 2, '>');
                }

                continue;
            }

            if (next == '?')
            {
                pos = SkipPast(name, pos + 2, '>');
                continue;
            }

            // A '<' that starts no markup is text.
            Text("<");
            pos++;
        }

        return output.ToString();
    }

    private static int SkipPast(string s, int from, char c)
    {
        var i = s.IndexOf(c, from);
        return i < 0 ? s.Length : i + 1;
    }

    /// <summary>Reads a tag from its name to just after '>' (quoted attribute values may contain '>'). Null when the
    /// input ends first.</summary>
    private static (string Name, int End, bool SelfClosing)? ReadTag(string s, int start)
    {
        var i = start;
        while (i < s.Length && !char.IsWhiteSpace(s[i]) && s[i] is not ('/' or '>'))
        {
            i++;
        }

        var tagName = s[start..i].ToLowerInvariant();
        var selfClosing = false;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '>')
            {
                return (tagName, i + 1, selfClosing);
            }

            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            if (c == '/')
            {
                selfClosing = i + 1 < s.Length && s[i + 1] == '>';
                i++;
                continue;
            }

            selfClosing = false;
            // Attribute name (a leading '=' belongs to it).
            i++;
            while (i < s.Length && !char.IsWhiteSpace(s[i]) && s[i] is not ('/' or '>' or '='))
            {
                i++;
            }

            var j = i;
            while (j < s.Length && char.IsWhiteSpace(s[j]))
            {
                j++;
            }

            if (j >= s.Length || s[j] != '=')
            {
                continue;
            }

            i = j + 1;
            while (i < s.Length && char.IsWhiteSpace(s[i]))
            {
                i++;
            }

            if (i < s.Length && s[i] is '"' or '\'')
            {
                var close = s.IndexOf(s[i], i + 1);
                if (close < 0)
                {
                    return null;
                }

                i = close + 1;
            }
            else
            {
                while (i < s.Length && !char.IsWhiteSpace(s[i]) && s[i] != '>')
                {
                    i++;
                }
            }
        }

        return null;
    }

    /// <summary>The index of <c>&lt;/name</c> (any case) followed by whitespace, '/' or '>', or -1.</summary>
    private static int FindEndTag(string s, int from, string tagName)
    {
        var i = from;
        while (true)
        {
            i = s.IndexOf("</", i, StringComparison.Ordinal);
            if (i < 0)
            {
                return -1;
            }

            var nameEnd = i + 2 + tagName.Length;
            if (nameEnd <= s.Length
                && string.Compare(s, i + 2, tagName, 0, tagName.Length, StringComparison.OrdinalIgnoreCase) == 0
                && (nameEnd == s.Length || char.IsWhiteSpace(s[nameEnd]) || s[nameEnd] is '/' or '>'))
            {
                return i;
            }

            i += 2;
        }
    }
}
