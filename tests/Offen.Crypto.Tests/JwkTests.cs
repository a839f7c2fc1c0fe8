using System.Security.Cryptography;

namespace Offen.Crypto.Tests;

public class JwkTests
{
    [Fact]
    public void Oct_OfVectorKek_EqualsJwkSentAtLogin()
    {
        var v = Vectors.Get("kekWrap");
        var sent = v.GetProperty("kekAsJwkSentAtLogin");
        Assert.Equal(sent.Compact(), Jwk.Oct(Convert.FromBase64String(v.Str("kekRawBase64"))));
        Assert.Equal("""{"k":"ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgoM","kty":"oct"}""", sent.Compact());
    }

    [Fact]
    public void UserSecretJwk_MatchesWebCryptoExportInVectors()
    {
        var v = Vectors.Get("eventPayload").GetProperty("userSecretJwk");
        var key = Jwk.FromBase64Url(v.Str("k"));
        Assert.Equal(v.Compact(), Jwk.UserSecretJwk(key));
        Assert.Equal(Vectors.Get("encryptedUserSecret").Str("plaintext"), Jwk.UserSecretJwk(key));
    }

    [Fact]
    public void UserSecretJwk_RejectsKeysOtherThanSixteenBytes() =>
        Assert.Throws<ArgumentException>(() => Jwk.UserSecretJwk(new byte[32]));

    [Theory]
    [InlineData("""{"alg":"A128GCM","ext":true,"k":"AQIDBAUGBwgJCgsMDQ4PEA","key_ops":["encrypt","decrypt"],"kty":"oct"}""")]
    [InlineData("""{"kty":"oct","k":"AQIDBAUGBwgJCgsMDQ4PEA"}""")]     // forge fallback shape
    [InlineData("""{"kty":"oct","k":"AQIDBAUGBwgJCgsMDQ4PEA=="}""")]   // padded
    public void ReadOctKey_AcceptsWebCryptoAndForgeShapes(string json) =>
        Assert.Equal(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray(), Jwk.ReadOctKey(json));

    [Theory]
    [InlineData("nope")]
    [InlineData("""{"kty":"RSA","k":"AQID"}""")]
    [InlineData("""{"kty":"oct"}""")]
    [InlineData("""{"kty":"oct","k":"A+/="}""")]
    [InlineData("""{"kty":"oct","k":""}""")]
    [InlineData("""{"kty":"oct","k":5}""")]
    public void ReadOctKey_Invalid_ThrowsCryptographicException(string json) =>
        Assert.ThrowsAny<CryptographicException>(() => Jwk.ReadOctKey(json));

    [Fact]
    public void Base64Url_RoundTripsWithoutPadding()
    {
        for (var n = 0; n < 40; n++)
        {
            var bytes = RandomNumberGenerator.GetBytes(n);
            var text = Jwk.ToBase64Url(bytes);
            Assert.DoesNotContain('=', text);
            Assert.DoesNotContain('+', text);
            Assert.DoesNotContain('/', text);
            Assert.Equal(bytes, Jwk.FromBase64Url(text));
        }
    }

    [Theory]
    [InlineData("A")]
    [InlineData("AB+C")]
    [InlineData("AB C")]
    public void Base64Url_Invalid_IsRejected(string text)
    {
        Assert.False(Jwk.TryFromBase64Url(text, out _));
        Assert.Throws<FormatException>(() => Jwk.FromBase64Url(text));
    }
}
