using System.Security.Cryptography;
using System.Text;

namespace Offen.Crypto.Tests;

public class AeadTests
{
    private static byte[] UserSecret() => Jwk.ReadOctKey(Vectors.Get("eventPayload").GetProperty("userSecretJwk").Compact());

    [Fact]
    public void EncryptVersioned_KekWrapWithGivenNonce_ReproducesVector()
    {
        var v = Vectors.Get("kekWrap");
        var wrapped = Aead.EncryptVersioned(
            Convert.FromBase64String(v.Str("wrappingKeyBase64")),
            Convert.FromBase64String(v.Str("kekRawBase64")),
            Convert.FromBase64String(v.Str("nonceBase64")));
        Assert.Equal(v.Str("passwordEncryptedKeyEncryptionKey"), wrapped);
    }

    [Fact]
    public void DecryptVersioned_KekWrapWithKeyDerivedFromPassword_YieldsKek()
    {
        var v = Vectors.Get("kekWrap");
        // The wrapping key is DeriveKey("development", "{3,} AAECAwQFBgc=") (clients-and-crypto.md §6).
        var key = Keys.DeriveKey("development", "{3,} AAECAwQFBgc=", 4);
        Assert.Equal(v.Str("wrappingKeyBase64"), Convert.ToBase64String(key));
        var kek = Aead.DecryptVersioned(key, v.Str("passwordEncryptedKeyEncryptionKey"));
        Assert.Equal(v.Str("kekRawBase64"), Convert.ToBase64String(kek));
    }

    [Fact]
    public void DecryptVersioned_EventWithTwelveByteNonce_YieldsPlaintext()
    {
        var v = Vectors.Get("eventPayload");
        var plaintext = Aead.DecryptVersioned(UserSecret(), v.Str("cipher12ByteNonce"));
        Assert.Equal(v.Str("plaintextUtf8"), Encoding.UTF8.GetString(plaintext));
    }

    [Fact]
    public void DecryptVersioned_EventWithSixteenByteForgeNonce_YieldsPlaintext()
    {
        var v = Vectors.Get("eventPayload");
        var cipher = v.Str("cipher16ByteNonce_forgeStyle");
        Assert.Equal(16, Versioned.Parse(cipher).Nonce!.Length);
        var plaintext = Aead.DecryptVersioned(UserSecret(), cipher);
        Assert.Equal(v.Str("plaintextUtf8"), Encoding.UTF8.GetString(plaintext));
    }

    [Fact]
    public void EncryptVersioned_EventWithNonceBytes50To61_ReproducesVector()
    {
        var v = Vectors.Get("eventPayload");
        var nonce = Enumerable.Range(50, 12).Select(i => (byte)i).ToArray();
        var cipher = Aead.EncryptVersioned(UserSecret(), Encoding.UTF8.GetBytes(v.Str("plaintextUtf8")), nonce);
        Assert.Equal(v.Str("cipher12ByteNonce"), cipher);
    }

    [Fact]
    public void DecryptVersioned_SixteenByteNonce_TamperedCiphertext_FailsTagCheck()
    {
        var v = Versioned.Parse(Vectors.Get("eventPayload").Str("cipher16ByteNonce_forgeStyle"));
        v.Cipher[5] ^= 1;
        Assert.Throws<AuthenticationTagMismatchException>(() => Aead.DecryptVersioned(UserSecret(), v.Serialize()));
    }

    [Fact]
    public void DecryptVersioned_SixteenByteNonce_WrongNonce_FailsTagCheck()
    {
        var v = Versioned.Parse(Vectors.Get("eventPayload").Str("cipher16ByteNonce_forgeStyle"));
        v.Nonce![15] ^= 0x80;
        Assert.False(Aead.TryDecryptVersioned(UserSecret(), v.Serialize(), out _));
    }

    [Theory]
    [InlineData(16, 0)]
    [InlineData(16, 1)]
    [InlineData(16, 33)]
    [InlineData(32, 300)]
    [InlineData(24, 64)]
    public void EncryptVersioned_RoundTrips_WithRandomTwelveByteNonce(int keySize, int length)
    {
        var key = RandomNumberGenerator.GetBytes(keySize);
        var plaintext = RandomNumberGenerator.GetBytes(length);
        var cipher = Aead.EncryptVersioned(key, plaintext);
        var v = Versioned.Parse(cipher);
        Assert.Equal(1, v.Algo);
        Assert.Equal(12, v.Nonce!.Length);
        Assert.Equal(length + 16, v.Cipher.Length);
        Assert.Equal(plaintext, Aead.DecryptVersioned(key, cipher));
        Assert.NotEqual(cipher, Aead.EncryptVersioned(key, plaintext));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(250)]
    public void GcmAnyNonce_WithTwelveByteNonce_AgreesWithAesGcm(int length)
    {
        // The hand-written GHASH/CTR path must decrypt what .NET's AesGcm produced.
        var key = RandomNumberGenerator.GetBytes(16);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var plaintext = RandomNumberGenerator.GetBytes(length);
        var sealedBytes = new byte[length + 16];
        using (var gcm = new AesGcm(key, 16))
            gcm.Encrypt(nonce, plaintext, sealedBytes.AsSpan(0, length), sealedBytes.AsSpan(length));
        Assert.Equal(plaintext, GcmAnyNonce.Decrypt(key, nonce, sealedBytes));
    }

    private static readonly byte[] SpecKey = Convert.FromHexString("feffe9928665731c6d6a8f9467308308");
    private static readonly byte[] SpecAad = Convert.FromHexString("feedfacedeadbeeffeedfacedeadbeefabaddad2");
    private static readonly byte[] SpecPlain = Convert.FromHexString(
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");

    [Theory]
    // McGrew & Viega, "The Galois/Counter Mode of Operation", test case 5: 64-bit IV.
    [InlineData("cafebabefacedbad",
        "61353b4c2806934a777ff51fa22a4755699b2a714fcdc6f83766e5f97b6c742373806900e49f24b22b097544d4896b424989b5e1ebac0f07c23f4598",
        "3612d2e79e3b0785561be14aaca2fccb")]
    // 60-byte IV, expected value computed with OpenSSL 3.0 (Python cryptography 48) for the same key, AAD and plaintext.
    [InlineData("9313225df88406e5a55909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728c3c0c95156809539fcf0e2429a6b525416aedf9aa0de657ba637b39",
        "5b52133b0eeac3ddf640d04230452a941dbba658c55c04c774163626ef425a11d419091877f4f94ac4ac3062debf80652e26ae9edf280b4e48def1cc",
        "2b1e70367316110ad70ade0fc44d9418")]
    public void GcmAnyNonce_NonTwelveByteIv_MatchesReferenceVectors(string ivHex, string cipherHex, string tagHex)
    {
        var sealedBytes = Convert.FromHexString(cipherHex + tagHex);
        Assert.Equal(SpecPlain, GcmAnyNonce.Decrypt(SpecKey, Convert.FromHexString(ivHex), sealedBytes, SpecAad));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("{2,} AAAAAAAAAAAAAAAAAAAAAA== AAAAAAAAAAAAAAAA")] // wrong algo
    [InlineData("{1,} AAAAAAAAAAAAAAAAAAAAAA==")]                  // no nonce
    [InlineData("{1,} AAAA AAAAAAAAAAAAAAAA")]                      // shorter than the tag
    [InlineData("{1,} AAAAAAAAAAAAAAAAAAAAAA== AAAAAAAAAAAAAAAA")] // tag mismatch
    public void DecryptVersioned_BadInput_ThrowsCryptographicException(string text)
    {
        var key = new byte[16];
        Assert.ThrowsAny<CryptographicException>(() => Aead.DecryptVersioned(key, text));
        Assert.False(Aead.TryDecryptVersioned(key, text, out var plaintext));
        Assert.Null(plaintext);
    }

    [Fact]
    public void DecryptVersioned_WrongKeyLength_ThrowsCryptographicException() =>
        Assert.ThrowsAny<CryptographicException>(() =>
            Aead.DecryptVersioned(new byte[15], Vectors.Get("eventPayload").Str("cipher12ByteNonce")));

    [Fact]
    public void EncryptVersioned_NonceOtherThanTwelveBytes_Throws() =>
        Assert.Throws<ArgumentException>(() => Aead.EncryptVersioned(new byte[16], "x"u8, new byte[16]));
}
