using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Offen.Hosting.Acme;

/// <summary>
/// JSON Web Signature for ACME requests (RFC 8555 §6.2): flattened JSON serialization, ES256 over an
/// ECDSA P-256 account key, with <c>jwk</c> for newAccount and <c>kid</c> afterwards.
/// </summary>
public sealed class AcmeJws
{
    private readonly ECDsa _key;

    public AcmeJws(ECDsa accountKey)
    {
        var p = accountKey.ExportParameters(false);
        if (accountKey.KeySize != 256 || p.Q.X is not { Length: 32 })
            throw new ArgumentException("the ACME account key must be ECDSA P-256 (ES256)", nameof(accountKey));
        _key = accountKey;
        X = Base64Url(p.Q.X!);
        Y = Base64Url(p.Q.Y!);
        // RFC 7638 §3.2: the required members only, in lexicographic order, no whitespace.
        JwkJson = $$"""{"crv":"P-256","kty":"EC","x":"{{X}}","y":"{{Y}}"}""";
        Thumbprint = Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(JwkJson)));
    }

    private string X { get; }
    private string Y { get; }

    /// <summary>The public JWK in RFC 7638 canonical form (also a valid <c>jwk</c> header value).</summary>
    public string JwkJson { get; }

    /// <summary>base64url(SHA-256(canonical JWK)), RFC 7638 §3; the second half of a key authorization.</summary>
    public string Thumbprint { get; }

    /// <summary>RFC 8555 §8.1: <c>token || '.' || base64url(Thumbprint(accountKey))</c>.</summary>
    public string KeyAuthorization(string token) => token + "." + Thumbprint;

    /// <summary>
    /// Builds the request body. <paramref name="payload"/> null means POST-as-GET (RFC 8555 §6.3: empty payload).
    /// <paramref name="kid"/> null means the <c>jwk</c> header (RFC 8555 §6.2: newAccount only).
    /// </summary>
    public byte[] Sign(Uri url, string nonce, string? kid, byte[]? payload)
    {
        using var header = new MemoryStream();
        using (var w = new Utf8JsonWriter(header))
        {
            w.WriteStartObject();
            w.WriteString("alg", "ES256");
            if (kid is null)
            {
                w.WritePropertyName("jwk");
                w.WriteRawValue(JwkJson);
            }
            else
            {
                w.WriteString("kid", kid);
            }
            w.WriteString("nonce", nonce);
            w.WriteString("url", url.AbsoluteUri);
            w.WriteEndObject();
        }
        var protectedB64 = Base64Url(header.ToArray());
        var payloadB64 = payload is null ? "" : Base64Url(payload);
        // RFC 7518 §3.4: ES256 signatures are R || S, 32 bytes each (IEEE P1363), not DER.
        var signature = _key.SignData(Encoding.ASCII.GetBytes(protectedB64 + "." + payloadB64), HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

        using var body = new MemoryStream();
        using (var w = new Utf8JsonWriter(body))
        {
            w.WriteStartObject();
            w.WriteString("protected", protectedB64);
            w.WriteString("payload", payloadB64);
            w.WriteString("signature", Base64Url(signature));
            w.WriteEndObject();
        }
        return body.ToArray();
    }

    /// <summary>RFC 7638 thumbprint of an RSA public key (members e, kty, n).</summary>
    public static string RsaThumbprint(RSA key)
    {
        var p = key.ExportParameters(false);
        var json = $$"""{"e":"{{Base64Url(p.Exponent!)}}","kty":"RSA","n":"{{Base64Url(p.Modulus!)}}"}""";
        return Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
    }

    /// <summary>RFC 8555 §6.1 / RFC 7515 §2: base64url without padding.</summary>
    public static string Base64Url(ReadOnlySpan<byte> data) =>
        Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
