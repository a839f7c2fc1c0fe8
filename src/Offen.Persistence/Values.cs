using System.Globalization;
using System.Text.RegularExpressions;

namespace Offen.Persistence;

/// <summary>Reads column values robustly, whatever driver type or legacy layout an upstream database holds.</summary>
internal static partial class Values
{
    public static bool Bool(object? value) => value switch
    {
        null or DBNull => false,
        bool b => b,
        long l => l != 0,
        int i => i != 0,
        short s => s != 0,
        sbyte sb => sb != 0,
        byte by => by != 0,
        ulong ul => ul != 0,
        decimal d => d != 0,
        double db => db != 0,
        string s => s.Trim().ToLowerInvariant() is "1" or "t" or "true" or "y" or "yes" or "on",
        byte[] bytes => bytes.Any(x => x != 0 && x != (byte)'0'),
        _ => Convert.ToBoolean(value, CultureInfo.InvariantCulture),
    };

    public static long Int64(object? value) => value switch
    {
        null or DBNull => 0,
        long l => l,
        string s => long.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0,
        bool b => b ? 1 : 0,
        _ => Convert.ToInt64(value, CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// server.md §11.44: <c>created</c> as the driver returns it. SQLite may hold go-sqlite3's text
    /// (<c>2024-05-01 10:11:12.123456789+02:00</c>), ISO 8601, Go's <c>time.String()</c> layout, or unix numbers;
    /// PostgreSQL returns UTC DateTimes; MySQL's datetime has no zone and is UTC by convention.
    /// </summary>
    public static DateTimeOffset Time(object? value) => value switch
    {
        null or DBNull => default,
        DateTimeOffset dto => dto.ToUniversalTime(),
        DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
        long l => FromUnix(l),
        int i => FromUnix(i),
        double d => FromReal(d),
        decimal m => FromReal((double)m),
        string s => ParseTime(s),
        byte[] b => ParseTime(System.Text.Encoding.UTF8.GetString(b)),
        _ => default,
    };

    private static DateTimeOffset FromUnix(long n) =>
        // Seconds unless the number only makes sense as milliseconds (after 5138 AD as seconds).
        Math.Abs(n) > 100_000_000_000L ? DateTimeOffset.FromUnixTimeMilliseconds(n) : DateTimeOffset.FromUnixTimeSeconds(n);

    private static DateTimeOffset FromReal(double d)
    {
        // SQLite's julianday() values are around 2.4 million; anything else is unix seconds.
        if (d is > 1_000_000 and < 5_000_000)
            return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round((d - 2440587.5) * 86_400_000d));
        return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(d * 1000d));
    }

    private static readonly string[] Layouts =
    [
        "yyyy-MM-dd HH:mm:ss.FFFFFFFzzz",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
        "yyyy-MM-dd HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd HH:mm:ss.FFFFFFF'Z'",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
        "yyyy-MM-dd HH:mmzzz",
        "yyyy-MM-dd'T'HH:mmzzz",
        "yyyy-MM-dd HH:mm",
        "yyyy-MM-dd'T'HH:mm",
        "yyyy-MM-dd",
    ];

    public static DateTimeOffset ParseTime(string raw)
    {
        var s = raw.Trim();
        if (s.Length == 0) return default;
        if (long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var unix)) return FromUnix(unix);
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && !s.Contains('-')) return FromReal(real);

        // Go's time.String(): "2024-05-01 10:11:12.123456789 +0200 CEST m=+0.001" -> drop the monotonic
        // clock reading and the zone abbreviation, keep the numeric offset.
        var m = s.IndexOf(" m=", StringComparison.Ordinal);
        if (m >= 0) s = s[..m];
        var goZone = GoZone().Match(s);
        if (goZone.Success) s = s[..goZone.Index] + goZone.Groups[1].Value[..3] + ":" + goZone.Groups[1].Value[3..];
        else if (s.EndsWith(" UTC", StringComparison.Ordinal)) s = s[..^4] + "+00:00";
        // .NET parses at most 7 fractional digits; Go writes up to 9.
        s = LongFraction().Replace(s, "$1");
        // "+0200" -> "+02:00"
        s = CompactOffset().Replace(s, "$1:$2");
        if (s.EndsWith('Z') && !s.Contains(' ') && !s.Contains('T')) s = s[..^1] + "+00:00";

        if (DateTimeOffset.TryParseExact(s, Layouts, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var exact))
            return exact.ToUniversalTime();
        if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var loose))
            return loose.ToUniversalTime();
        return default;
    }

    [GeneratedRegex(@"\s([+-]\d{4})\s[A-Za-z]+$")]
    private static partial Regex GoZone();

    [GeneratedRegex(@"(\.\d{7})\d+")]
    private static partial Regex LongFraction();

    [GeneratedRegex(@"([+-]\d{2})(\d{2})$")]
    private static partial Regex CompactOffset();
}
