namespace Offen.Crypto.Tests;

public class VersionedTests
{
    // server/keys/version_test.go upstream (clients-and-crypto.md §6).
    [Theory]
    [InlineData("{1,} YWJj", 1, "", "abc", null)]
    [InlineData("{2,3} YWJj", 2, "3", "abc", null)]
    [InlineData("{2,} YWJj eHl6", 2, "", "abc", "xyz")]
    [InlineData("{4,1} YWJj eHl6", 4, "1", "abc", "xyz")]
    [InlineData("{12,345} YWJj", 12, "345", "abc", null)]
    public void TryParse_UpstreamValidStrings_Parse(string text, int algo, string keyVersion, string cipher, string? nonce)
    {
        Assert.True(Versioned.TryParse(text, out var v));
        Assert.Equal(algo, v.Algo);
        Assert.Equal(keyVersion, v.KeyVersion);
        Assert.Equal(cipher, System.Text.Encoding.ASCII.GetString(v.Cipher));
        Assert.Equal(nonce, v.Nonce is null ? null : System.Text.Encoding.ASCII.GetString(v.Nonce));
    }

    [Theory]
    [InlineData("xuuusxa")]
    [InlineData("{1, YWJj")]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{,} YWJj")]         // algo is required
    [InlineData("{1} YWJj")]
    [InlineData("{a,} YWJj")]
    [InlineData("{1,x} YWJj")]
    [InlineData("{1,}YWJj")]         // no separator
    [InlineData("{1,} ")]            // no payload
    [InlineData(" {1,} YWJj")]       // anchored
    [InlineData("{١,} YWJj")]        // non-ASCII digit
    [InlineData("{1,} YWJ")]         // not a multiple of 4
    [InlineData("{1,} YWJj=")]
    [InlineData("{1,} YW=j")]
    [InlineData("{1,} YWJ-")]        // base64url alphabet is not accepted here (sharp edge 20)
    [InlineData("{1,} YWI")]         // padding is mandatory
    [InlineData("{1,} YWJj  eHl6")]  // empty field
    [InlineData("{1,} YWJj eHl6 ")]
    [InlineData("{1,} YWJj eHl6 YWJj")]
    [InlineData("{1,} YW\nJj")]
    [InlineData("{99999999999,} YWJj")] // algo overflows int
    public void TryParse_Malformed_ReturnsFalse(string? text)
    {
        Assert.False(Versioned.TryParse(text, out var v));
        Assert.Null(v);
    }

    [Fact]
    public void Parse_Malformed_ThrowsFormatException() =>
        Assert.Throws<FormatException>(() => Versioned.Parse("xuuusxa"));

    [Fact]
    public void TryParse_AcceptsAnyGoWhitespaceAfterPrefix()
    {
        Assert.True(Versioned.TryParse("{1,}\tYWJj", out var v));
        Assert.Equal("abc"u8.ToArray(), v.Cipher);
    }

    [Theory]
    [InlineData("{1,} YWJj")]
    [InlineData("{2,3} YWJj")]
    [InlineData("{2,} YWJj eHl6")]
    [InlineData("{4,1} YWJj eHl6")]
    [InlineData("{1,} YQ==")]
    [InlineData("{3,} AAECAwQFBgc=")]
    public void Serialize_RoundTripsExactly(string text) =>
        Assert.Equal(text, Versioned.Parse(text).Serialize());

    [Fact]
    public void Serialize_UsesStandardPaddedBase64()
    {
        var s = Versioned.Serialize(1, new byte[] { 0xfb, 0xff }, new byte[] { 0xfe });
        Assert.Equal("{1,} +/8= /g==", s);
    }

    [Fact]
    public void Records_CompareByContent() =>
        Assert.Equal(Versioned.Parse("{2,} YWJj eHl6"), new Versioned(2, "", "abc"u8.ToArray(), "xyz"u8.ToArray()));
}
