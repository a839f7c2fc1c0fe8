using System.Text;

namespace Offen.Crypto.Tests;

public class TokenSignerTests
{
    private static readonly DateTimeOffset Now = new(2024, 10, 11, 19, 44, 17, TimeSpan.Zero);
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);
    private readonly TokenSigner _signer = new(Convert.FromBase64String("c2VjcmV0c2VjcmV0c2VjcmV0"));

    [Theory]
    [InlineData("auth", "0b6f2c3e-4a5d-4e6f-8a9b-0c1d2e3f4a5b")]
    [InlineData("credentials", "develop@offen.dev")]
    [InlineData("credentials", "")]
    [InlineData("credentials", "ünïcödé | with bars | and spaces")]
    public void Sign_ThenVerify_ReturnsValue(string name, string value)
    {
        var token = _signer.Sign(name, value, Now);
        Assert.True(_signer.TryVerify(name, token, Day, Now.AddHours(1), out var back));
        Assert.Equal(value, back);
    }

    [Fact]
    public void Sign_ProducesUrlPathAndCookieSafeToken()
    {
        var token = _signer.Sign("credentials", "a@b.c/?#;, =\"é", Now);
        Assert.Matches("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$", token);
        Assert.Equal(token, Uri.EscapeDataString(token));
    }

    [Fact]
    public void TryVerify_OlderThanMaxAge_Fails()
    {
        var token = _signer.Sign("auth", "user", Now);
        Assert.True(_signer.TryVerify("auth", token, Day, Now + Day, out _));
        Assert.False(_signer.TryVerify("auth", token, Day, Now + Day + TimeSpan.FromSeconds(1), out _));
        Assert.True(_signer.TryVerify("credentials", _signer.Sign("credentials", "x", Now), TimeSpan.FromDays(7), Now.AddDays(6.9), out _));
    }

    [Fact]
    public void TryVerify_IssuedInTheFuture_FailsBeyondSmallSkew()
    {
        var token = _signer.Sign("auth", "user", Now);
        Assert.True(_signer.TryVerify("auth", token, Day, Now - TimeSpan.FromSeconds(30), out _));
        Assert.False(_signer.TryVerify("auth", token, Day, Now - TimeSpan.FromMinutes(5), out _));
    }

    [Fact]
    public void TryVerify_WrongName_Fails()
    {
        var token = _signer.Sign("auth", "user", Now);
        Assert.False(_signer.TryVerify("credentials", token, Day, Now, out var value));
        Assert.Equal("", value);
    }

    [Fact]
    public void TryVerify_OtherKey_Fails()
    {
        var token = _signer.Sign("auth", "user", Now);
        Assert.False(new TokenSigner(new byte[16]).TryVerify("auth", token, Day, Now, out _));
    }

    [Fact]
    public void TryVerify_TamperedPayloadOrMac_Fails()
    {
        var token = _signer.Sign("auth", "user-1", Now);
        var dot = token.IndexOf('.');
        var forgedPayload = Jwk.ToBase64Url(Encoding.UTF8.GetBytes($"{Now.ToUnixTimeSeconds()}|user-2"));
        Assert.False(_signer.TryVerify("auth", forgedPayload + token[dot..], Day, Now, out _));

        var laterPayload = Jwk.ToBase64Url(Encoding.UTF8.GetBytes($"{Now.ToUnixTimeSeconds() + 3600}|user-1"));
        Assert.False(_signer.TryVerify("auth", laterPayload + token[dot..], Day, Now, out _));

        var mac = Jwk.FromBase64Url(token[(dot + 1)..]);
        mac[0] ^= 1;
        Assert.False(_signer.TryVerify("auth", token[..(dot + 1)] + Jwk.ToBase64Url(mac), Day, Now, out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("abc")]
    [InlineData("abc.def.ghi")]
    [InlineData("!!!.???")]
    [InlineData("MTIz.")]
    [InlineData(".MTIz")]
    [InlineData("MTIz.MTIz")]
    [InlineData("MTIzfHVzZXI=.AAAA")]
    public void TryVerify_Garbage_ReturnsFalseWithoutThrowing(string? token) =>
        Assert.False(_signer.TryVerify("auth", token, Day, Now, out _));

    [Fact]
    public void TryVerify_OverlongToken_ReturnsFalse() =>
        Assert.False(_signer.TryVerify("auth", new string('A', 4097) + ".AAAA", Day, Now, out _));

    [Fact]
    public void Sign_ValueTooLongForFourKilobytes_Throws()
    {
        Assert.Throws<ArgumentException>(() => _signer.Sign("auth", new string('x', 3100), Now));
        Assert.True(_signer.Sign("auth", new string('x', 2900), Now).Length <= TokenSigner.MaxTokenLength);
    }

    [Fact]
    public void Sign_NameWithSeparator_Throws() =>
        Assert.Throws<ArgumentException>(() => _signer.Sign("a|b", "v", Now));

    [Fact]
    public void Constructor_EmptyKey_Throws() =>
        Assert.Throws<ArgumentException>(() => new TokenSigner([]));
}
