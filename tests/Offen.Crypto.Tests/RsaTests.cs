using System.Security.Cryptography;
using System.Text.Json;

namespace Offen.Crypto.Tests;

public class RsaTests
{
    // RSA-4096 generation takes a second or more: one pair serves every test here.
    private static readonly Lazy<(string Public, string Private)> Pair = new(Rsa.GenerateAccountKeyPair);

    private static List<string> MemberNames(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.EnumerateObject().Select(p => p.Name).ToList();
    }

    private static byte[] Member(string json, string name)
    {
        using var doc = JsonDocument.Parse(json);
        return Jwk.FromBase64Url(doc.RootElement.GetProperty(name).GetString()!);
    }

    [Fact]
    public void GenerateAccountKeyPair_PublicJwk_HasExactlyESortedKtyN()
    {
        Assert.Equal(["e", "kty", "n"], MemberNames(Pair.Value.Public));
        Assert.StartsWith("""{"e":"AQAB","kty":"RSA","n":""", Pair.Value.Public);
    }

    [Fact]
    public void GenerateAccountKeyPair_PrivateJwk_HasAllCrtMembersSorted_NoAlgUseOrKeyOps()
    {
        Assert.Equal(["d", "dp", "dq", "e", "kty", "n", "p", "q", "qi"], MemberNames(Pair.Value.Private));
        // Member names, not substrings: base64url values may contain "alg" or "use" by chance.
        Assert.DoesNotContain("\"alg\":", Pair.Value.Private);
        Assert.DoesNotContain("\"use\":", Pair.Value.Private);
        Assert.DoesNotContain("\"key_ops\":", Pair.Value.Private);
        Assert.DoesNotContain(" ", Pair.Value.Private);
    }

    [Fact]
    public void GenerateAccountKeyPair_IntegersAreMinimalBigEndian_WithoutPadding()
    {
        var priv = Pair.Value.Private;
        foreach (var name in new[] { "n", "d", "p", "q", "dp", "dq", "qi" })
        {
            Assert.NotEqual(0, Member(priv, name)[0]);
            Assert.DoesNotContain("=", priv);
        }
        Assert.Equal(512, Member(priv, "n").Length);
        Assert.Equal(Member(priv, "n"), Member(Pair.Value.Public, "n"));
        Assert.Equal([1, 0, 1], Member(priv, "e"));
    }

    [Fact]
    public void OaepSha256_RoundTripsThroughEmittedJwks()
    {
        using var pub = Rsa.ImportJwk(Pair.Value.Public);
        using var priv = Rsa.ImportJwk(Pair.Value.Private);
        Assert.Equal(4096, pub.KeySize);
        var secret = Jwk.UserSecretJwk(RandomNumberGenerator.GetBytes(16));
        var cipher = Rsa.EncryptOaepSha256Versioned(pub, System.Text.Encoding.UTF8.GetBytes(secret));
        var v = Versioned.Parse(cipher);
        Assert.Equal(1, v.Algo);
        Assert.Null(v.Nonce);
        Assert.Equal(512, v.Cipher.Length);
        Assert.Equal(secret, System.Text.Encoding.UTF8.GetString(Rsa.DecryptOaepSha256Versioned(priv, cipher)));
    }

    [Fact]
    public void PrivateJwk_ReExportOfImportedKey_IsIdentical()
    {
        using var priv = Rsa.ImportJwk(Pair.Value.Private);
        Assert.Equal(Pair.Value.Private, Rsa.PrivateJwk(priv));
        Assert.Equal(Pair.Value.Public, Rsa.PublicJwk(priv));
    }

    [Fact]
    public void ImportJwk_ToleratesLegacyAlgExtAndKeyOps()
    {
        // Older accounts carry alg RSA-OAEP-256, ext and key_ops (server/persistence/entities_test.go upstream).
        var legacy = Pair.Value.Public.TrimEnd('}') + ""","alg":"RSA-OAEP-256","ext":true,"key_ops":["encrypt"]}""";
        using var pub = Rsa.ImportJwk(legacy);
        using var priv = Rsa.ImportJwk(Pair.Value.Private);
        var cipher = Rsa.EncryptOaepSha256Versioned(pub, "hello"u8);
        Assert.Equal("hello"u8.ToArray(), Rsa.DecryptOaepSha256Versioned(priv, cipher));
    }

    [Fact]
    public void ImportJwk_AcceptsNonMinimalIntegers()
    {
        using var doc = JsonDocument.Parse(Pair.Value.Private);
        var members = doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        members["p"] = Jwk.ToBase64Url([0, .. Jwk.FromBase64Url(members["p"])]);
        using var priv = Rsa.ImportJwk(JsonSerializer.Serialize(members));
        Assert.Equal(Pair.Value.Private, Rsa.PrivateJwk(priv));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"kty":"oct","k":"AAAA"}""")]
    [InlineData("""{"kty":"RSA","e":"AQAB"}""")]
    [InlineData("""{"kty":"RSA","n":"!!!","e":"AQAB"}""")]
    public void ImportJwk_Invalid_ThrowsCryptographicException(string json) =>
        Assert.ThrowsAny<CryptographicException>(() => Rsa.ImportJwk(json));

    [Fact]
    public void ImportJwk_PrivateWithoutCrtMembers_ThrowsCryptographicException()
    {
        using var doc = JsonDocument.Parse(Pair.Value.Private);
        var members = doc.RootElement.EnumerateObject()
            .Where(p => p.Name is "n" or "e" or "d" or "kty")
            .ToDictionary(p => p.Name, p => p.Value.GetString()!);
        Assert.ThrowsAny<CryptographicException>(() => Rsa.ImportJwk(JsonSerializer.Serialize(members)));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("{2,} AAAA")]
    [InlineData("{1,} AAAA AAAA")]
    [InlineData("{1,} AAAA")]
    public void DecryptOaepSha256Versioned_BadInput_ThrowsCryptographicException(string text)
    {
        using var priv = Rsa.ImportJwk(Pair.Value.Private);
        Assert.ThrowsAny<CryptographicException>(() => Rsa.DecryptOaepSha256Versioned(priv, text));
    }
}
