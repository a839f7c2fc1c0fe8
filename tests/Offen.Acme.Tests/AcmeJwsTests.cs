using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Offen.Hosting.Acme;

namespace Offen.Acme.Tests;

public sealed class AcmeJwsTests
{
    [Fact]
    public void RsaThumbprint_Rfc7638Example_MatchesKnownAnswer()
    {
        // RFC 7638 §3.1.
        const string n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        using var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters { Modulus = FromBase64Url(n), Exponent = FromBase64Url("AQAB") });

        Assert.Equal("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", AcmeJws.RsaThumbprint(rsa));
    }

    [Fact]
    public void EcThumbprint_IsSha256OfSortedMembersWithoutWhitespace()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = key.ExportParameters(false);
        var jws = new AcmeJws(key);

        var canonical = $"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{AcmeJws.Base64Url(p.Q.X)}\",\"y\":\"{AcmeJws.Base64Url(p.Q.Y)}\"}}";
        Assert.Equal(canonical, jws.JwkJson);
        Assert.Equal(AcmeJws.Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))), jws.Thumbprint);
        Assert.Equal("tok-en_1." + jws.Thumbprint, jws.KeyAuthorization("tok-en_1"));
        Assert.DoesNotContain('=', jws.Thumbprint);
    }

    [Fact]
    public void AccountKey_NotP256_IsRejected()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        Assert.Throws<ArgumentException>(() => new AcmeJws(key));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("https://acme.test/acct/7")]
    public void Sign_ProducesVerifiableFlattenedJws(string? kid)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jws = new AcmeJws(key);
        var url = new Uri("https://acme.test/new-order");

        using var body = JsonDocument.Parse(jws.Sign(url, "nonce-1", kid, "{\"a\":1}"u8.ToArray()));
        var root = body.RootElement;
        var protectedB64 = root.GetProperty("protected").GetString()!;
        var payloadB64 = root.GetProperty("payload").GetString()!;
        var signature = FromBase64Url(root.GetProperty("signature").GetString()!);

        using var header = JsonDocument.Parse(FromBase64Url(protectedB64));
        var h = header.RootElement;
        Assert.Equal("ES256", h.GetProperty("alg").GetString());
        Assert.Equal("nonce-1", h.GetProperty("nonce").GetString());
        Assert.Equal(url.AbsoluteUri, h.GetProperty("url").GetString());
        // RFC 8555 §6.2: exactly one of jwk and kid.
        Assert.Equal(kid is null, h.TryGetProperty("jwk", out _));
        Assert.Equal(kid, h.TryGetProperty("kid", out var k) ? k.GetString() : null);
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(FromBase64Url(payloadB64)));
        Assert.Equal(64, signature.Length);
        Assert.True(key.VerifyData(Encoding.ASCII.GetBytes(protectedB64 + "." + payloadB64), signature, HashAlgorithmName.SHA256));
    }

    [Fact]
    public void Sign_PostAsGet_HasEmptyPayload()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var body = JsonDocument.Parse(new AcmeJws(key).Sign(new Uri("https://acme.test/order/1"), "n", "kid", null));
        Assert.Equal("", body.RootElement.GetProperty("payload").GetString());
    }

    internal static byte[] FromBase64Url(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s + new string('=', (4 - s.Length % 4) % 4));
    }
}
