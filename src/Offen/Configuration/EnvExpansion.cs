using System.Text;

namespace Offen.Configuration;

/// <summary>
/// Expansion of "EnvString" values (server.md §4.1, §4.2: SSL certificate and key, certificate cache, connection
/// string). Upstream uses Go's <c>os.ExpandEnv</c> on Linux and macOS and the Windows registry expansion
/// (<c>%VAR%</c>) on Windows.
/// </summary>
public static class EnvExpansion
{
    /// <summary>Go's <c>os.Expand</c>: <c>$NAME</c> and <c>${NAME}</c> (unknown names give ""), <c>$$</c>, <c>$1</c>
    /// and the other one-character shell specials; <c>${}</c> is dropped and a lone <c>$</c> is kept.</summary>
    public static string ExpandUnix(string value, Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(lookup);
        if (!value.Contains('$', StringComparison.Ordinal))
        {
            return value;
        }

        var sb = new StringBuilder(value.Length);
        var i = 0;
        for (var j = 0; j < value.Length; j++)
        {
            if (value[j] != '$' || j + 1 >= value.Length)
            {
                continue;
            }

            sb.Append(value, i, j - i);
            var (name, width) = ShellName(value, j + 1);
            if (name.Length == 0 && width > 0)
            {
                // Bad syntax such as "${}" or an unclosed "${": Go drops those characters.
            }
            else if (name.Length == 0)
            {
                sb.Append('$');
            }
            else
            {
                sb.Append(lookup(name) ?? "");
            }

            j += width;
            i = j + 1;
        }

        sb.Append(value, i, value.Length - i);
        return sb.ToString();
    }

    /// <summary>Windows <c>ExpandEnvironmentStrings</c>: <c>%NAME%</c> (case-insensitive), unknown names kept as
    /// they are.</summary>
    public static string ExpandWindows(string value, Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(lookup);
        var sb = new StringBuilder(value.Length);
        var i = 0;
        while (i < value.Length)
        {
            var open = value.IndexOf('%', i);
            if (open < 0)
            {
                break;
            }

            var close = value.IndexOf('%', open + 1);
            if (close < 0)
            {
                break;
            }

            sb.Append(value, i, open - i);
            var name = value[(open + 1)..close];
            var found = name.Length > 0 ? lookup(name) : null;
            if (found is null)
            {
                // Not a variable: keep the first '%' and look for a reference starting at the second.
                sb.Append('%').Append(name);
                i = close;
                continue;
            }

            sb.Append(found);
            i = close + 1;
        }

        sb.Append(value, i, value.Length - i);
        return sb.ToString();
    }

    private static bool IsShellSpecial(char c) => c is '*' or '#' or '$' or '@' or '!' or '?' or '-' or (>= '0' and <= '9');

    private static bool IsAlphaNum(char c) => c is '_' or (>= '0' and <= '9') or (>= 'a' and <= 'z') or (>= 'A' and <= 'Z');

    // Go's getShellName, on value[start..].
    private static (string Name, int Width) ShellName(string value, int start)
    {
        var rest = value.Length - start;
        if (value[start] == '{')
        {
            if (rest > 2 && IsShellSpecial(value[start + 1]) && value[start + 2] == '}')
            {
                return (value.Substring(start + 1, 1), 3);
            }

            for (var k = 1; k < rest; k++)
            {
                if (value[start + k] == '}')
                {
                    return k == 1 ? ("", 2) : (value.Substring(start + 1, k - 1), k + 1);
                }
            }

            return ("", 1);
        }

        if (IsShellSpecial(value[start]))
        {
            return (value.Substring(start, 1), 1);
        }

        var n = 0;
        while (n < rest && IsAlphaNum(value[start + n]))
        {
            n++;
        }

        return (value.Substring(start, n), n);
    }
}
