using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Offen.Crypto;

/// <summary>
/// Signs the auth cookie, reset and join tokens (server.md §3.4). Clients never look inside, so instead of
/// gorilla/securecookie's gob encoding we use our own format:
/// <c>b64url("&lt;unixSeconds&gt;|&lt;value&gt;") "." b64url(HMAC-SHA256(key, "&lt;name&gt;|&lt;unixSeconds&gt;|&lt;value&gt;"))</c>.
/// Only <c>[A-Za-z0-9_-]</c> and one dot, so a token is safe in a URL path segment (<c>/join/&lt;token&gt;/</c>) and
/// as a cookie value, and at most 4096 characters. Tokens are signed, not encrypted: values must not be secret
/// beyond what the holder already knows. The maximum age is passed per token type (README D1).
/// </summary>
public sealed class TokenSigner
{
    public const int MaxTokenLength = 4096;

    /// <summary>Tolerated clock difference for timestamps in the future (e.g. after an NTP step).</summary>
    public static readonly TimeSpan FutureSkew = TimeSpan.FromMinutes(1);

    private const int MacSize = 32;
    private readonly byte[] _key;

    /// <param name="key">the decoded <c>OFFEN_SECRET</c> bytes.</param>
    public TokenSigner(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0) throw new ArgumentException("the signing key must not be empty", nameof(key));
        _key = (byte[])key.Clone();
    }

    /// <exception cref="ArgumentException">a name containing '|', or a value too long for a 4096-character token.</exception>
    public string Sign(string name, string value, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        // '|' separates the MAC input; the timestamp is digits only, so names without '|' keep it unambiguous.
        if (name.Contains('|')) throw new ArgumentException("a token name must not contain '|'", nameof(name));

        var payload = Encoding.UTF8.GetBytes(now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + "|" + value);
        var token = Jwk.ToBase64Url(payload) + "." + Jwk.ToBase64Url(Mac(name, payload));
        if (token.Length > MaxTokenLength) throw new ArgumentException("value too long for a signed token", nameof(value));
        return token;
    }

    /// <summary>
    /// Checks length, alphabet, MAC (constant time), then the age: not older than <paramref name="maxAge"/> and not
    /// more than <see cref="FutureSkew"/> ahead of <paramref name="now"/>. Never throws on garbage input.
    /// </summary>
    public bool TryVerify(string name, string? token, TimeSpan maxAge, DateTimeOffset now, out string value)
    {
        value = "";
        if (string.IsNullOrEmpty(name) || name.Contains('|') || token is null || token.Length > MaxTokenLength) return false;

        var dot = token.IndexOf('.');
        if (dot <= 0 || dot != token.LastIndexOf('.')) return false;
        if (!Jwk.TryFromBase64Url(token[..dot], out var payload) || !Jwk.TryFromBase64Url(token[(dot + 1)..], out var mac)) return false;
        // Base64url padding is never emitted, so a padded token is not one of ours.
        if (token.Contains('=') || mac.Length != MacSize) return false;

        var expected = Mac(name, payload);
        if (!CryptographicOperations.FixedTimeEquals(expected, mac)) return false;

        // From here on the payload is one we signed.
        var bar = Array.IndexOf(payload, (byte)'|');
        if (bar <= 0) return false;
        if (!long.TryParse(payload.AsSpan(0, bar), NumberStyles.None, CultureInfo.InvariantCulture, out var issued)) return false;
        var age = now.ToUnixTimeSeconds() - issued;
        if (age < -(long)FutureSkew.TotalSeconds || age > (long)maxAge.TotalSeconds) return false;

        try
        {
            value = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(payload, bar + 1, payload.Length - bar - 1);
        }
        catch (ArgumentException)
        {
            return false;
        }
        return true;
    }

    private byte[] Mac(string name, byte[] payload)
    {
        var prefix = Encoding.UTF8.GetBytes(name + "|");
        var input = new byte[prefix.Length + payload.Length];
        prefix.CopyTo(input, 0);
        payload.CopyTo(input, prefix.Length);
        return HMACSHA256.HashData(_key, input);
    }
}
