using System.Text;

namespace Offen.Crypto.Tests;

/// <summary>The operator vault's decryption chain (server.md §6.3, crypto-vectors.json _meta.chain).</summary>
public class KeyChainTests
{
    [Fact]
    public void FullChain_KekToPrivateKeyToUserSecretToEvent_DecryptsEventPlaintext()
    {
        // 1. The KEK as the client receives it at login.
        var kekJwk = Vectors.Get("kekWrap").GetProperty("kekAsJwkSentAtLogin").Compact();
        var kek = Jwk.ReadOctKey(kekJwk);
        Assert.Equal(Vectors.Get("encryptedPrivateKey").Str("kekRawBase64"), Convert.ToBase64String(kek));

        // 2. encryptedPrivateKey -> private JWK JSON (the upstream RSA-4096 test key).
        var encryptedPrivateKey = Vectors.Get("encryptedPrivateKey").Str("value");
        Assert.Equal(Convert.FromBase64String(Vectors.Get("encryptedPrivateKey").Str("nonceBase64")), Versioned.Parse(encryptedPrivateKey).Nonce);
        var privateJwk = Encoding.UTF8.GetString(Aead.DecryptVersioned(kek, encryptedPrivateKey));

        // 3. Import as RSA-OAEP-256 and decrypt the user secret.
        using var rsa = Rsa.ImportJwk(privateJwk);
        Assert.Equal(4096, rsa.KeySize);
        var secretJson = Encoding.UTF8.GetString(
            Rsa.DecryptOaepSha256Versioned(rsa, Vectors.Get("encryptedUserSecret").Str("encryptedSecret")));
        Assert.Equal(Vectors.Get("encryptedUserSecret").Str("plaintext"), secretJson);

        // 4. The user secret decrypts the event, in both nonce styles.
        var userSecret = Jwk.ReadOctKey(secretJson);
        var ev = Vectors.Get("eventPayload");
        Assert.Equal(ev.Str("plaintextUtf8"), Encoding.UTF8.GetString(Aead.DecryptVersioned(userSecret, ev.Str("cipher12ByteNonce"))));
        Assert.Equal(ev.Str("plaintextUtf8"), Encoding.UTF8.GetString(Aead.DecryptVersioned(userSecret, ev.Str("cipher16ByteNonce_forgeStyle"))));
    }

    [Fact]
    public void VectorPrivateKey_ReExportsInJwxShape_AndEncryptsForItsPublicHalf()
    {
        var kek = Convert.FromBase64String(Vectors.Get("encryptedPrivateKey").Str("kekRawBase64"));
        var privateJwk = Encoding.UTF8.GetString(Aead.DecryptVersioned(kek, Vectors.Get("encryptedPrivateKey").Str("value")));
        using var rsa = Rsa.ImportJwk(privateJwk);
        using var pub = Rsa.ImportJwk(Rsa.PublicJwk(rsa));
        var cipher = Rsa.EncryptOaepSha256Versioned(pub, "secret"u8);
        Assert.Equal("secret"u8.ToArray(), Rsa.DecryptOaepSha256Versioned(rsa, cipher));
    }

    [Fact]
    public void SecretIds_MatchEveryVector()
    {
        foreach (var v in Vectors.Get("hashFast_secretId").EnumerateArray())
            Assert.Equal(v.Str("secretId"), SecretIds.Hash(v.Str("userId"), v.Str("userSalt")));
    }
}
