using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json;

namespace Offen.Crypto;

/// <summary>
/// Symmetric JWKs in the exact shapes clients exchange (server.md §6.2, §6.3; clients-and-crypto.md §4.3), and
/// the base64url helpers every JWK member uses. Key material in JWKs is base64url <b>without</b> padding,
/// unlike the standard base64 of versioned strings (sharp edge 20).
/// </summary>
public static class Jwk
{
    /// <summary>
    /// The KEK as sent at login: exactly <c>{"k":"…","kty":"oct"}</c>, what Go's jwx renders for raw bytes
    /// (members sorted, no <c>alg</c>, sharp edge 21).
    /// </summary>
    public static string Oct(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return $$"""{"k":"{{ToBase64Url(key)}}","kty":"oct"}""";
    }

    /// <summary>
    /// A user secret in the form WebCrypto exports an extractable AES-GCM-128 key (server.md §6.3); the demo
    /// seeder encrypts exactly this JSON to the account key.
    /// </summary>
    public static string UserSecretJwk(byte[] key16)
    {
        ArgumentNullException.ThrowIfNull(key16);
        // Node WebCrypto rejects an A128GCM JWK whose k is not 16 bytes (clients-and-crypto.md §4.3).
        if (key16.Length != 16) throw new ArgumentException("a user secret is an AES-128 key (16 bytes)", nameof(key16));
        return $$"""{"alg":"A128GCM","ext":true,"k":"{{ToBase64Url(key16)}}","key_ops":["encrypt","decrypt"],"kty":"oct"}""";
    }

    /// <summary>
    /// Reads the raw key of an <c>oct</c> JWK, whatever other members it has (WebCrypto exports carry
    /// <c>alg</c>, <c>ext</c>, <c>key_ops</c>; forge exports do not).
    /// </summary>
    /// <exception cref="CryptographicException">not JSON, not an oct key, or a bad <c>k</c>.</exception>
    public static byte[] ReadOctKey(string jwkJson)
    {
        ArgumentNullException.ThrowIfNull(jwkJson);
        try
        {
            using var doc = JsonDocument.Parse(jwkJson);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new CryptographicException("JWK is not a JSON object");
            if (!root.TryGetProperty("kty", out var kty) || kty.ValueKind != JsonValueKind.String || kty.GetString() != "oct")
                throw new CryptographicException("JWK is not of type oct");
            if (!root.TryGetProperty("k", out var k) || k.ValueKind != JsonValueKind.String ||
                !TryFromBase64Url(k.GetString(), out var key) || key.Length == 0)
                throw new CryptographicException("JWK has no valid k member");
            return key;
        }
        catch (JsonException)
        {
            throw new CryptographicException("JWK is not valid JSON");
        }
    }

    /// <summary>RFC 7515 base64url without padding.</summary>
    public static string ToBase64Url(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    /// <summary>Decodes base64url; padding is tolerated (forge relies on lenient decoders, clients-and-crypto.md §4.6).</summary>
    /// <exception cref="FormatException">not base64url.</exception>
    public static byte[] FromBase64Url(string text) =>
        TryFromBase64Url(text, out var bytes) ? bytes : throw new FormatException("not base64url");

    public static bool TryFromBase64Url([NotNullWhen(true)] string? text, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        if (text is null) return false;
        var trimmed = text.AsSpan().TrimEnd('=');
        foreach (var c in trimmed)
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_')) return false;
        // A single leftover character cannot encode a byte.
        if (trimmed.Length % 4 == 1) return false;
        var buffer = new byte[Base64Url.GetMaxDecodedLength(trimmed.Length)];
        int written;
        try
        {
            // TryDecodeFromChars throws, rather than returning false, on input such as "zq0013d2d357b65"
            // (a last character with non-zero unused bits): a forged token must be refused, not become a 500.
            if (!Base64Url.TryDecodeFromChars(trimmed, buffer, out written)) return false;
        }
        catch (FormatException)
        {
            return false;
        }
        bytes = written == buffer.Length ? buffer : buffer[..written];
        return true;
    }
}
