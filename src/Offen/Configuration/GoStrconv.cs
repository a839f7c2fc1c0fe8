namespace Offen.Configuration;

/// <summary>
/// Go's <c>strconv.ParseBool</c> and <c>strconv.ParseInt(s, 0, 64)</c>, which upstream's envconfig uses for bool and
/// int variables (server.md §4.1), so a value that upstream accepts is accepted here and vice versa.
/// </summary>
public static class GoStrconv
{
    /// <summary>Accepts exactly 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False.</summary>
    public static bool TryParseBool(string value, out bool result)
    {
        switch (value)
        {
            case "1" or "t" or "T" or "TRUE" or "true" or "True":
                result = true;
                return true;
            case "0" or "f" or "F" or "FALSE" or "false" or "False":
                result = false;
                return true;
            default:
                result = false;
                return false;
        }
    }

    /// <summary>
    /// Base auto-detection as in Go: an optional sign, then <c>0x</c>/<c>0X</c> (hex), <c>0o</c>/<c>0O</c> (octal),
    /// <c>0b</c>/<c>0B</c> (binary), a leading <c>0</c> (octal) or decimal. Underscores are allowed only between
    /// digits or after a base prefix, as in Go integer literals (<c>1_000</c>, <c>0x_1F</c>). No whitespace.
    /// </summary>
    public static bool TryParseInt64(string value, out long result)
    {
        result = 0;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        var s = value;
        var negative = false;
        if (s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            s = s[1..];
            if (s.Length == 0)
            {
                return false;
            }
        }

        var digits = s;
        var numberBase = 10;
        if (s[0] == '0')
        {
            if (s.Length >= 3 && (s[1] | 0x20) == 'x')
            {
                numberBase = 16;
                digits = s[2..];
            }
            else if (s.Length >= 3 && (s[1] | 0x20) == 'o')
            {
                numberBase = 8;
                digits = s[2..];
            }
            else if (s.Length >= 3 && (s[1] | 0x20) == 'b')
            {
                numberBase = 2;
                digits = s[2..];
            }
            else
            {
                numberBase = 8;
                digits = s[1..];
            }
        }

        ulong magnitude = 0;
        var sawUnderscore = false;
        foreach (var c in digits)
        {
            if (c == '_')
            {
                sawUnderscore = true;
                continue;
            }

            var d = DigitValue(c);
            if (d < 0 || d >= numberBase)
            {
                return false;
            }

            if (magnitude > (ulong.MaxValue - (ulong)d) / (ulong)numberBase)
            {
                return false;
            }

            magnitude = (magnitude * (ulong)numberBase) + (ulong)d;
        }

        if (sawUnderscore && !UnderscoresOk(value))
        {
            return false;
        }

        if (negative)
        {
            if (magnitude > (ulong)long.MaxValue + 1)
            {
                return false;
            }

            result = magnitude == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)magnitude;
            return true;
        }

        if (magnitude > long.MaxValue)
        {
            return false;
        }

        result = (long)magnitude;
        return true;
    }

    private static int DigitValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'z' => c - 'a' + 10,
        >= 'A' and <= 'Z' => c - 'A' + 10,
        _ => -1,
    };

    // Go's strconv.underscoreOK: an underscore must sit between digits, or between a base prefix and a digit.
    private static bool UnderscoresOk(string s)
    {
        var saw = '^';
        var i = 0;
        if (s.Length >= 1 && s[0] is '-' or '+')
        {
            s = s[1..];
        }

        var hex = false;
        if (s.Length >= 2 && s[0] == '0' && (s[1] | 0x20) is 'b' or 'o' or 'x')
        {
            i = 2;
            saw = '0';
            hex = (s[1] | 0x20) == 'x';
        }

        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (c is >= '0' and <= '9' || (hex && (c | 0x20) is >= 'a' and <= 'f'))
            {
                saw = '0';
                continue;
            }

            if (c == '_')
            {
                if (saw != '0')
                {
                    return false;
                }

                saw = '_';
                continue;
            }

            if (saw == '_')
            {
                return false;
            }

            saw = '!';
        }

        return saw != '_';
    }
}
