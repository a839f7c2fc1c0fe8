using System.Security.Cryptography;

namespace Offen.Persistence;

/// <summary>
/// ULIDs as oklog/ulid makes them (server.md §5.7): 26 uppercase Crockford base32 characters,
/// a 48-bit millisecond timestamp and 80 random bits. <see cref="New"/> draws from one process-wide
/// monotonic source, so ids made within the same millisecond still increase; ids and sequences are
/// compared as plain (ordinal) strings everywhere.
/// </summary>
public static class Ulids
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const long MaxTime = (1L << 48) - 1;
    private static readonly UInt128 MaxEntropy = (UInt128.One << 80) - UInt128.One;
    private static readonly Lock Gate = new();
    private static long _lastMs = -1;
    private static UInt128 _lastEntropy;

    /// <summary>A new ULID for now, strictly greater than every ULID this process made with <see cref="New"/> before.</summary>
    public static string New()
    {
        var now = Math.Clamp(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 0, MaxTime);
        lock (Gate)
        {
            if (now > _lastMs)
            {
                _lastMs = now;
                _lastEntropy = RandomEntropy();
            }
            else
            {
                // server.md §5.7: same millisecond (or a clock that went backwards) -> increment the entropy
                // by a random amount like oklog's Monotonic reader; on overflow move on to the next millisecond.
                var increment = (UInt128)(uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);
                if (MaxEntropy - _lastEntropy < increment)
                {
                    _lastMs++;
                    _lastEntropy = RandomEntropy();
                }
                else
                {
                    _lastEntropy += increment;
                }
            }
            return Encode(_lastMs, _lastEntropy);
        }
    }

    /// <summary>A ULID for the given time with fresh random bits (not monotonic), e.g. expiry deadlines and demo events.</summary>
    public static string NewFor(DateTimeOffset time) =>
        Encode(Math.Clamp(time.ToUnixTimeMilliseconds(), 0, MaxTime), RandomEntropy());

    /// <summary>server.md §5.6: a new id for a re-filed event that keeps the millisecond of the original and gets new randomness.</summary>
    public static string Sibling(string ulid)
    {
        var ms = Decode(ulid) >> 80;
        return Encode((long)ms, RandomEntropy());
    }

    /// <summary>The millisecond timestamp of a ULID. Throws <see cref="ArgumentException"/> on anything that is not a ULID.</summary>
    public static DateTimeOffset TimeOf(string ulid) =>
        DateTimeOffset.FromUnixTimeMilliseconds((long)(Decode(ulid) >> 80));

    /// <summary>True when the value is 26 Crockford characters that fit into 128 bits.</summary>
    public static bool IsValid(string? value)
    {
        if (value is null || value.Length != 26 || value[0] > '7') return false;
        foreach (var c in value)
        {
            if (Value(c) < 0) return false;
        }
        return true;
    }

    /// <summary>
    /// A ULID in the form this server writes it: 26 characters of the uppercase Crockford alphabet (no lowercase, no
    /// I, L, O or U), first character at most '7'. Such values order like their 128-bit numbers when compared as
    /// strings, which is how ids and sequences are compared everywhere.
    /// </summary>
    public static bool IsCanonical(string? value)
    {
        if (value is null || value.Length != 26 || value[0] > '7') return false;
        foreach (var c in value)
        {
            if (Alphabet.IndexOf(c) < 0) return false;
        }
        return true;
    }

    private static UInt128 RandomEntropy()
    {
        Span<byte> b = stackalloc byte[10];
        RandomNumberGenerator.Fill(b);
        UInt128 v = 0;
        foreach (var x in b) v = (v << 8) | x;
        return v;
    }

    private static string Encode(long ms, UInt128 entropy)
    {
        var value = ((UInt128)(ulong)ms << 80) | entropy;
        return string.Create(26, value, static (span, v) =>
        {
            for (var i = 0; i < 26; i++)
            {
                span[i] = Alphabet[(int)((v >> (125 - (5 * i))) & 31)];
            }
        });
    }

    private static UInt128 Decode(string ulid)
    {
        ArgumentNullException.ThrowIfNull(ulid);
        if (!IsValid(ulid)) throw new ArgumentException("not a ULID: expected 26 Crockford base32 characters", nameof(ulid));
        UInt128 v = 0;
        foreach (var c in ulid) v = (v << 5) | (uint)Value(c);
        return v;
    }

    private static int Value(char c)
    {
        c = char.ToUpperInvariant(c);
        var i = Alphabet.IndexOf(c);
        return i;
    }
}
