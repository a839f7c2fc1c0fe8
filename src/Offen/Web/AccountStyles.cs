using System.Text;
using System.Text.RegularExpressions;

namespace Offen.Web;

/// <summary>
/// Validation of an account's custom consent-banner CSS (server.md §1.9, sharp edge 33). Upstream parses with douceur
/// and applies a block list; this keeps its documented behaviour and quirks (end-anchored property and selector
/// patterns, the plain-substring value bans including '-', only the first nested rule of an at-rule checked, at-rules
/// without nested rules unchecked) and is stricter where a client only sees a 400: unclosed blocks, strings, comments
/// and parentheses are parse errors, comments are removed before checking, properties and values are checked
/// case-insensitively, and CSS escapes in properties and values are rejected.
/// </summary>
public static partial class AccountStyles
{
    private const string BannerRootSelector = ".banner__root";

    private static readonly string[] BannedValueParts = ["url", "expression", "javascript", "calc", "transform", "transparent", "-"];

    // @-rules whose block holds rules rather than declarations (douceur's list).
    private static readonly HashSet<string> RuleBlockAtRules = new(StringComparer.Ordinal)
    {
        "@document", "@font-feature-values", "@keyframes", "@media", "@supports", "@-webkit-keyframes", "@-moz-keyframes",
    };

    /// <summary>Null when <paramref name="css"/> may be stored, else a short reason.</summary>
    public static string? Validate(string css)
    {
        ArgumentNullException.ThrowIfNull(css);
        IReadOnlyList<CssRule> rules;
        try
        {
            rules = new CssParser(css).ParseStylesheet();
        }
        catch (CssParseException e)
        {
            return $"parse error: {e.Message}";
        }

        foreach (var rule in rules)
        {
            if (ValidateRule(rule) is { } reason)
            {
                return reason;
            }
        }

        return null;
    }

    private static string? ValidateRule(CssRule rule)
    {
        switch (rule)
        {
            case QualifiedRule q:
                foreach (var declaration in q.Declarations)
                {
                    if (ValidateDeclaration(declaration, q.Selectors) is { } reason)
                    {
                        return reason;
                    }
                }

                return null;
            case AtRule { Rules: [var first, ..] }:
                // server.md §1.9: upstream returns inside its loop, so only the first nested rule is checked.
                return ValidateRule(first);
            default:
                // At-rules without nested rules (@import, @font-face, @page, ...) pass unchecked (server.md §1.9).
                return null;
        }
    }

    private static string? ValidateDeclaration(CssDeclaration declaration, IReadOnlyList<string> selectors)
    {
        var property = declaration.Property.ToLowerInvariant();
        var value = declaration.Value;
        var lowerValue = value.ToLowerInvariant();

        if (property.Contains('\\', StringComparison.Ordinal) || value.Contains('\\', StringComparison.Ordinal))
        {
            return $"escapes are not allowed (in {Short(declaration.Property)})";
        }

        // 1. Blocked properties, anchored at the end only (so border-width and -webkit-filter are blocked too).
        if (BlockedProperty().IsMatch(property))
        {
            return $"property {Short(declaration.Property)} is not allowed";
        }

        // 2. Value substrings blocked for every property, and every selector must end in a plain class.
        foreach (var banned in BannedValueParts)
        {
            if (lowerValue.Contains(banned, StringComparison.Ordinal))
            {
                return $"the value of {Short(declaration.Property)} must not contain \"{banned}\"";
            }
        }

        foreach (var selector in selectors)
        {
            if (!AllowedSelector().IsMatch(selector))
            {
                return $"selector {Short(selector)} is not allowed; use a class, optionally with :hover, :active or :focus";
            }
        }

        // 3. font-size: only 12px to 99px, and only on .banner__root alone.
        if (property.EndsWith("font-size", StringComparison.Ordinal)
            && !(AllowedFontSize().IsMatch(value) && selectors.Count == 1 && selectors[0] == BannerRootSelector))
        {
            return "font-size is allowed only on .banner__root alone, from 12px to 99px";
        }

        // 4. display: none would hide the banner.
        if (property.EndsWith("display", StringComparison.Ordinal) && lowerValue == "none")
        {
            return "display: none is not allowed";
        }

        return null;
    }

    private static string Short(string s) => s.Length <= 40 ? $"\"{s}\"" : $"\"{s[..40]}…\"";

    [GeneratedRegex(@"(opacity|content|filter|behavior|width|cursor|pointer-events)\z", RegexOptions.CultureInvariant)]
    private static partial Regex BlockedProperty();

    [GeneratedRegex(@"\.[a-z_\-]+:?(hover|active|focus)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex AllowedSelector();

    [GeneratedRegex(@"^(1[2-9]|[2-9][0-9])px\z", RegexOptions.CultureInvariant)]
    private static partial Regex AllowedFontSize();

    [GeneratedRegex(@"\s*!\s*important\s*\z", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ImportantSuffix();

    private abstract record CssRule;

    private sealed record QualifiedRule(IReadOnlyList<string> Selectors, IReadOnlyList<CssDeclaration> Declarations) : CssRule;

    /// <param name="Rules">Nested rules for @media and friends; null for other at-rules.</param>
    private sealed record AtRule(string Name, IReadOnlyList<CssRule>? Rules) : CssRule;

    private sealed record CssDeclaration(string Property, string Value);

    private sealed class CssParseException(string message) : Exception(message);

    /// <summary>
    /// A small CSS parser with douceur's shape: a stylesheet is a list of qualified rules (selectors + declarations)
    /// and at-rules (with a prelude, then ';', a block of rules or a block of declarations). Strings, comments,
    /// escapes and parentheses are respected when looking for ';', ':', '{' and '}'.
    /// </summary>
    private sealed class CssParser(string text)
    {
        private int _pos;

        public IReadOnlyList<CssRule> ParseStylesheet()
        {
            if (text.Length > 0 && text[0] == '\uFEFF')
            {
                _pos = 1;
            }

            return ParseRules(inBlock: false);
        }

        private bool AtEnd => _pos >= text.Length;

        private char Current => text[_pos];

        private List<CssRule> ParseRules(bool inBlock)
        {
            var rules = new List<CssRule>();
            while (true)
            {
                SkipIgnorable(allowCdoCdc: true);
                if (AtEnd)
                {
                    return inBlock ? throw new CssParseException("a block is not closed with '}'") : rules;
                }

                if (Current == '}')
                {
                    if (!inBlock)
                    {
                        throw new CssParseException("unexpected '}'");
                    }

                    _pos++;
                    return rules;
                }

                rules.Add(Current == '@' ? ParseAtRule() : ParseQualifiedRule());
            }
        }

        private AtRule ParseAtRule()
        {
            _pos++;
            var start = _pos;
            while (!AtEnd && (char.IsAsciiLetterOrDigit(Current) || Current is '-' or '_'))
            {
                _pos++;
            }

            if (_pos == start)
            {
                throw new CssParseException("'@' without a rule name");
            }

            var name = "@" + text[start.._pos].ToLowerInvariant();
            ReadComponents(stopAtColon: false, stopAtBrace: true);
            if (AtEnd)
            {
                // An at-rule statement may end at the end of the stylesheet (e.g. a final @import).
                return new AtRule(name, null);
            }

            if (Current == ';')
            {
                _pos++;
                return new AtRule(name, null);
            }

            if (Current == '}')
            {
                throw new CssParseException($"unexpected '}}' in {name}");
            }

            _pos++; // '{'
            if (RuleBlockAtRules.Contains(name))
            {
                return new AtRule(name, ParseRules(inBlock: true));
            }

            ParseDeclarations();
            return new AtRule(name, null);
        }

        private QualifiedRule ParseQualifiedRule()
        {
            var prelude = ReadComponents(stopAtColon: false, stopAtBrace: true);
            if (AtEnd)
            {
                throw new CssParseException("a selector is not followed by a block");
            }

            if (Current != '{')
            {
                throw new CssParseException($"unexpected '{Current}' after a selector");
            }

            if (prelude.Trim().Length == 0)
            {
                throw new CssParseException("a block has no selector");
            }

            _pos++;
            var declarations = ParseDeclarations();
            // douceur splits the prelude on every ',' and trims each part.
            var selectors = prelude.Split(',').Select(s => s.Trim()).ToList();
            return new QualifiedRule(selectors, declarations);
        }

        /// <summary>Parses declarations after '{' up to and including the closing '}'.</summary>
        private List<CssDeclaration> ParseDeclarations()
        {
            var declarations = new List<CssDeclaration>();
            while (true)
            {
                SkipIgnorable(allowCdoCdc: false);
                if (AtEnd)
                {
                    throw new CssParseException("a block is not closed with '}'");
                }

                switch (Current)
                {
                    case '}':
                        _pos++;
                        return declarations;
                    case ';':
                        throw new CssParseException("unexpected ';'");
                }

                var property = ReadComponents(stopAtColon: true, stopAtBrace: false).Trim();
                if (AtEnd || Current != ':')
                {
                    throw new CssParseException(property.Length == 0 ? "a declaration is empty" : $"declaration \"{Cut(property)}\" has no ':'");
                }

                if (property.Length == 0)
                {
                    throw new CssParseException("a declaration has no property");
                }

                _pos++; // ':'
                var value = ReadComponents(stopAtColon: false, stopAtBrace: false);
                if (AtEnd)
                {
                    throw new CssParseException("a block is not closed with '}'");
                }

                if (Current == ';')
                {
                    _pos++;
                }

                value = ImportantSuffix().Replace(value, "").Trim();
                declarations.Add(new CssDeclaration(property, value));
            }
        }

        /// <summary>
        /// Reads text up to (not including) a ';', '}' or, when asked, ':' or '{' outside strings and parentheses, or
        /// to the end. Comments are dropped. With <paramref name="stopAtBrace"/> false, a '{' is an error.
        /// </summary>
        private string ReadComponents(bool stopAtColon, bool stopAtBrace)
        {
            var sb = new StringBuilder();
            var depth = 0;
            while (!AtEnd)
            {
                var c = Current;
                if (c == '/' && _pos + 1 < text.Length && text[_pos + 1] == '*')
                {
                    SkipComment();
                    continue;
                }

                if (c is '"' or '\'')
                {
                    ReadString(sb);
                    continue;
                }

                if (c == '\\')
                {
                    // An escape: the next character never ends anything.
                    sb.Append(c);
                    _pos++;
                    if (!AtEnd)
                    {
                        sb.Append(Current);
                        _pos++;
                    }

                    continue;
                }

                if (c is '(' or '[')
                {
                    depth++;
                }
                else if (c is ')' or ']')
                {
                    depth = Math.Max(0, depth - 1);
                }
                else if (depth == 0)
                {
                    if (c is ';' or '}' || (stopAtColon && c == ':'))
                    {
                        break;
                    }

                    if (c == '{')
                    {
                        if (stopAtBrace)
                        {
                            break;
                        }

                        throw new CssParseException("unexpected '{' in a declaration");
                    }
                }
                else if (c is '{' or '}')
                {
                    throw new CssParseException($"unexpected '{c}' inside parentheses");
                }

                sb.Append(c);
                _pos++;
            }

            if (depth > 0 && AtEnd)
            {
                throw new CssParseException("a parenthesis or bracket is not closed");
            }

            return sb.ToString();
        }

        private void ReadString(StringBuilder sb)
        {
            var quote = Current;
            sb.Append(quote);
            _pos++;
            while (!AtEnd)
            {
                var c = Current;
                if (c == '\\' && _pos + 1 < text.Length)
                {
                    sb.Append(c).Append(text[_pos + 1]);
                    _pos += 2;
                    continue;
                }

                if (c is '\n' or '\r' or '\f')
                {
                    throw new CssParseException("a string is not closed on its line");
                }

                sb.Append(c);
                _pos++;
                if (c == quote)
                {
                    return;
                }
            }

            throw new CssParseException("a string is not closed");
        }

        private void SkipComment()
        {
            var end = text.IndexOf("*/", _pos + 2, StringComparison.Ordinal);
            if (end < 0)
            {
                throw new CssParseException("a comment is not closed with */");
            }

            _pos = end + 2;
        }

        private void SkipIgnorable(bool allowCdoCdc)
        {
            while (!AtEnd)
            {
                if (char.IsWhiteSpace(Current))
                {
                    _pos++;
                }
                else if (Current == '/' && _pos + 1 < text.Length && text[_pos + 1] == '*')
                {
                    SkipComment();
                }
                else if (allowCdoCdc && string.CompareOrdinal(text, _pos, "<!--", 0, 4) == 0)
                {
                    _pos += 4;
                }
                else if (allowCdoCdc && string.CompareOrdinal(text, _pos, "-->", 0, 3) == 0)
                {
                    _pos += 3;
                }
                else
                {
                    return;
                }
            }
        }

        private static string Cut(string s) => s.Length <= 40 ? s : s[..40] + "…";
    }
}
