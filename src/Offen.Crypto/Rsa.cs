using System.Security.Cryptography;
using System.Text.Json;

namespace Offen.Crypto;

/// <summary>
/// The account key pair (server.md §6.2) as JWKs WebCrypto imports for RSA-OAEP with SHA-256
/// (server.md §6.3, clients-and-crypto.md §4.3), and RSA-OAEP-256 in the <c>{1,} b64(ct)</c> envelope.
/// </summary>
public static class Rsa
{
    public const int AccountKeyBits = 4096;

    /// <summary>Algo number of RSA-OAEP-SHA256 ciphertexts (<c>encryptedSecret</c>) in the envelope.</summary>
    public const int AlgoRsaOaepSha256 = 1;

    /// <summary>
    /// A fresh RSA-4096 pair, e = 65537, as JSON the way Go's jwx emits it: members sorted, compact, minimal
    /// big-endian integers, and no <c>alg</c>/<c>use</c>/<c>key_ops</c> that could clash with RSA-OAEP-256
    /// (sharp edge 21).
    /// </summary>
    public static (string PublicJwkJson, string PrivateJwkJson) GenerateAccountKeyPair()
    {
        using var rsa = RSA.Create(AccountKeyBits);
        var p = rsa.ExportParameters(includePrivateParameters: true);
        try
        {
            return (PublicJwk(p), PrivateJwk(p));
        }
        finally
        {
            ClearPrivate(p);
        }
    }

    /// <summary><c>{"e","kty","n"}</c>.</summary>
    public static string PublicJwk(RSA key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return PublicJwk(key.ExportParameters(includePrivateParameters: false));
    }

    /// <summary><c>{"d","dp","dq","e","kty","n","p","q","qi"}</c>; WebCrypto requires every CRT member.</summary>
    public static string PrivateJwk(RSA key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var p = key.ExportParameters(includePrivateParameters: true);
        try { return PrivateJwk(p); }
        finally { ClearPrivate(p); }
    }

    private static string PublicJwk(RSAParameters p) =>
        $$"""{"e":"{{Member(p.Exponent)}}","kty":"RSA","n":"{{Member(p.Modulus)}}"}""";

    private static string PrivateJwk(RSAParameters p) =>
        $$"""{"d":"{{Member(p.D)}}","dp":"{{Member(p.DP)}}","dq":"{{Member(p.DQ)}}","e":"{{Member(p.Exponent)}}","kty":"RSA","n":"{{Member(p.Modulus)}}","p":"{{Member(p.P)}}","q":"{{Member(p.Q)}}","qi":"{{Member(p.InverseQ)}}"}""";

    /// <summary>RFC 7518 §6.3: base64url of the minimal big-endian octets. RSAParameters pads D, DP, … to fixed sizes.</summary>
    private static string Member(byte[]? value)
    {
        if (value is null) throw new CryptographicException("RSA parameter missing");
        var span = value.AsSpan();
        var zeros = 0;
        while (zeros < span.Length - 1 && span[zeros] == 0) zeros++;
        return Jwk.ToBase64Url(span[zeros..]);
    }

    /// <summary>
    /// Imports a public or private RSA JWK. Extra members are ignored, so older accounts' keys with
    /// <c>alg:"RSA-OAEP-256"</c>, <c>ext</c> and <c>key_ops</c> load too (clients-and-crypto.md §4.1).
    /// </summary>
    /// <exception cref="CryptographicException">not an RSA JWK, or a private JWK without all CRT members.</exception>
    public static RSA ImportJwk(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        RSAParameters p;
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new CryptographicException("JWK is not a JSON object");
            if (Text(root, "kty") != "RSA") throw new CryptographicException("JWK is not of type RSA");

            var n = Integer(root, "n") ?? throw new CryptographicException("RSA JWK without n");
            var e = Integer(root, "e") ?? throw new CryptographicException("RSA JWK without e");
            p = new RSAParameters { Modulus = n, Exponent = e };

            var d = Integer(root, "d");
            if (d is not null)
            {
                var primes = new[] { Integer(root, "p"), Integer(root, "q"), Integer(root, "dp"), Integer(root, "dq"), Integer(root, "qi") };
                if (Array.Exists(primes, x => x is null)) throw new CryptographicException("private RSA JWK without all CRT members");
                // .NET wants D as long as the modulus and the CRT values half as long, left-padded with zeros.
                var half = (n.Length + 1) / 2;
                p.D = LeftPad(d, n.Length);
                p.P = LeftPad(primes[0]!, half);
                p.Q = LeftPad(primes[1]!, half);
                p.DP = LeftPad(primes[2]!, half);
                p.DQ = LeftPad(primes[3]!, half);
                p.InverseQ = LeftPad(primes[4]!, half);
            }
        }
        catch (JsonException)
        {
            throw new CryptographicException("JWK is not valid JSON");
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportParameters(p);
            return rsa;
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
        finally
        {
            ClearPrivate(p);
        }
    }

    /// <summary><c>{1,} b64(RSA-OAEP(SHA-256, MGF1-SHA-256, empty label))</c>, as WebCrypto's RSA-OAEP with hash SHA-256 (sharp edge 23).</summary>
    public static string EncryptOaepSha256Versioned(RSA publicKey, ReadOnlySpan<byte> plaintext)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        var ct = publicKey.Encrypt(plaintext.ToArray(), RSAEncryptionPadding.OaepSHA256);
        return Versioned.Serialize(AlgoRsaOaepSha256, ct);
    }

    /// <exception cref="CryptographicException">malformed envelope, wrong algo, or decryption failure.</exception>
    public static byte[] DecryptOaepSha256Versioned(RSA privateKey, string versioned)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        if (!Versioned.TryParse(versioned, out var v)) throw new CryptographicException("not a versioned RSA-OAEP ciphertext");
        if (v.Algo != AlgoRsaOaepSha256) throw new CryptographicException("unsupported algo version for RSA-OAEP decryption");
        if (v.Nonce is not null) throw new CryptographicException("RSA-OAEP ciphertexts carry no nonce");
        return privateKey.Decrypt(v.Cipher, RSAEncryptionPadding.OaepSHA256);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var el) && el.ValueKind == JsonValueKind.String ? el.GetString() : null;

    private static byte[]? Integer(JsonElement root, string name)
    {
        var text = Text(root, name);
        if (text is null) return null;
        if (!Jwk.TryFromBase64Url(text, out var bytes) || bytes.Length == 0)
            throw new CryptographicException($"RSA JWK member {name} is not base64url");
        // Tolerate non-minimal encodings from other producers.
        var zeros = 0;
        while (zeros < bytes.Length - 1 && bytes[zeros] == 0) zeros++;
        return zeros == 0 ? bytes : bytes[zeros..];
    }

    private static byte[] LeftPad(byte[] value, int length)
    {
        if (value.Length > length) throw new CryptographicException("RSA JWK member longer than the key allows");
        if (value.Length == length) return value;
        var padded = new byte[length];
        value.CopyTo(padded, length - value.Length);
        CryptographicOperations.ZeroMemory(value);
        return padded;
    }

    private static void ClearPrivate(RSAParameters p)
    {
        foreach (var secret in new[] { p.D, p.P, p.Q, p.DP, p.DQ, p.InverseQ })
            if (secret is not null) CryptographicOperations.ZeroMemory(secret);
    }
}
