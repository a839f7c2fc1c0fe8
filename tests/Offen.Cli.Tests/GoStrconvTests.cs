using Offen.Configuration;

namespace Offen.Cli.Tests;

public sealed class GoStrconvTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("42", 42L)]
    [InlineData("-42", -42L)]
    [InlineData("+42", 42L)]
    [InlineData("0x2A", 42L)]
    [InlineData("0X2a", 42L)]
    [InlineData("0o52", 42L)]
    [InlineData("0O52", 42L)]
    [InlineData("052", 42L)]
    [InlineData("0b101010", 42L)]
    [InlineData("1_000", 1000L)]
    [InlineData("0x_2A", 42L)]
    [InlineData("0_52", 42L)]
    [InlineData("-0x8000000000000000", long.MinValue)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void ParseInt_AcceptsGoBaseZeroSyntax(string raw, long expected)
    {
        Assert.True(GoStrconv.TryParseInt64(raw, out var n));
        Assert.Equal(expected, n);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("0x")]
    [InlineData("09")]
    [InlineData("0b2")]
    [InlineData("1__0")]
    [InlineData("_1")]
    [InlineData("1_")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("1e3")]
    [InlineData("9223372036854775808")]
    [InlineData("0x1p4")]
    public void ParseInt_RejectsWhatGoRejects(string raw)
    {
        Assert.False(GoStrconv.TryParseInt64(raw, out _));
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("")]
    [InlineData("TRue")]
    [InlineData("2")]
    public void ParseBool_RejectsOtherSpellings(string raw)
    {
        Assert.False(GoStrconv.TryParseBool(raw, out _));
    }
}
