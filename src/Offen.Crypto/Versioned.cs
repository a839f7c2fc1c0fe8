using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Offen.Crypto;

/// <summary>
/// A value in Offen's versioned envelope <c>{algo,keyVersion} b64(cipher)[ b64(nonce)]</c> (server.md §6.1,
/// clients-and-crypto.md §4.3). The algo number means something different per field: AES-GCM or RSA-OAEP for
/// ciphertexts, the Argon2 variant for salts and hashes, SHA-256 for account user salts.
/// </summary>
public sealed record Versioned(int Algo, string KeyVersion, byte[] Cipher, byte[]? Nonce)
{
    /// <summary>Parses like upstream's anchored <c>^{(\d+?),(\d*?)}\s(.+)</c> followed by a split on single spaces.</summary>
    /// <exception cref="FormatException">the value is not a versioned string.</exception>
    public static Versioned Parse(string value) =>
        TryParse(value, out var v) ? v : throw new FormatException("not a versioned cipher string");

    /// <summary>
    /// Never throws. Stricter than upstream where upstream's behaviour is accidental: digits are ASCII only,
    /// the rest must be one payload and at most one nonce (no empty or extra fields, no line breaks), and
    /// both are standard base64 with padding and nothing else (Go's decoder would skip CR/LF).
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out Versioned? result)
    {
        result = null;
        if (value is null || value.Length < 5 || value[0] != '{') return false;

        var i = 1;
        var algoStart = i;
        while (i < value.Length && IsAsciiDigit(value[i])) i++;
        if (i == algoStart || i >= value.Length || value[i] != ',') return false;
        if (!int.TryParse(value.AsSpan(algoStart, i - algoStart), NumberStyles.None, CultureInfo.InvariantCulture, out var algo)) return false;
        i++;

        var keyStart = i;
        while (i < value.Length && IsAsciiDigit(value[i])) i++;
        if (i >= value.Length || value[i] != '}') return false;
        var keyVersion = value[keyStart..i];
        i++;

        // Go's \s is [\t\n\f\r ]: exactly one of them separates the prefix from the rest.
        if (i >= value.Length || value[i] is not (' ' or '\t' or '\n' or '\f' or '\r')) return false;
        i++;

        var rest = value.AsSpan(i);
        if (rest.IsEmpty) return false;
        var space = rest.IndexOf(' ');
        var payloadText = space < 0 ? rest : rest[..space];
        var nonceText = space < 0 ? ReadOnlySpan<char>.Empty : rest[(space + 1)..];
        if (space >= 0 && nonceText.IndexOf(' ') >= 0) return false;

        if (!TryDecodeStrict(payloadText, out var cipher)) return false;
        byte[]? nonce = null;
        if (space >= 0 && !TryDecodeStrict(nonceText, out nonce)) return false;

        result = new Versioned(algo, keyVersion, cipher, nonce);
        return true;
    }

    /// <summary>The text form; standard base64 with padding in both slots (sharp edge 20).</summary>
    public string Serialize()
    {
        var head = $"{{{Algo.ToString(CultureInfo.InvariantCulture)},{KeyVersion}}} {Convert.ToBase64String(Cipher)}";
        return Nonce is null ? head : $"{head} {Convert.ToBase64String(Nonce)}";
    }

    public override string ToString() => Serialize();

    /// <summary>Shorthand for the common <c>{algo,} b64(cipher)[ b64(nonce)]</c> with an empty key version.</summary>
    public static string Serialize(int algo, ReadOnlySpan<byte> cipher, ReadOnlySpan<byte> nonce = default) =>
        new Versioned(algo, "", cipher.ToArray(), nonce.IsEmpty ? null : nonce.ToArray()).Serialize();

    /// <summary>RFC 4648 §4 base64 with mandatory padding and no whitespace; non-empty.</summary>
    internal static bool TryDecodeStrict(ReadOnlySpan<char> text, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        if (text.IsEmpty || text.Length % 4 != 0) return false;
        var padding = text.EndsWith("==") ? 2 : text.EndsWith("=") ? 1 : 0;
        for (var i = 0; i < text.Length - padding; i++)
        {
            var c = text[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c == '+' || c == '/')) return false;
        }
        var buffer = new byte[text.Length / 4 * 3];
        if (!Convert.TryFromBase64Chars(text, buffer, out var written)) return false;
        bytes = written == buffer.Length ? buffer : buffer[..written];
        return true;
    }

    private static bool IsAsciiDigit(char c) => c is >= '0' and <= '9';

    // Records compare arrays by reference; compare contents so parsed values can be asserted on.
    public bool Equals(Versioned? other) =>
        other is not null && Algo == other.Algo && KeyVersion == other.KeyVersion &&
        Cipher.AsSpan().SequenceEqual(other.Cipher) &&
        (Nonce is null ? other.Nonce is null : other.Nonce is not null && Nonce.AsSpan().SequenceEqual(other.Nonce));

    public override int GetHashCode() => HashCode.Combine(Algo, KeyVersion, Cipher.Length, Nonce?.Length ?? -1);
}
