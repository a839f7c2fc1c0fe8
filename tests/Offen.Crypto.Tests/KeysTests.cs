namespace Offen.Crypto.Tests;

public class KeysTests
{
    public static TheoryData<string, string, string> DeriveKeyVectors()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var v in Vectors.Get("deriveKey").EnumerateArray())
            data.Add(v.Str("value"), v.Str("versionedSalt"), v.Str("keyBase64"));
        return data;
    }

    [Theory]
    [MemberData(nameof(DeriveKeyVectors))]
    public void DeriveKey_MatchesVector(string value, string versionedSalt, string keyBase64) =>
        Assert.Equal(keyBase64, Convert.ToBase64String(Keys.DeriveKey(value, versionedSalt, numCpu: 2)));

    [Fact]
    public void DeriveKey_VectorsCoverLegacyAlgo1AndCurrentAlgo3()
    {
        var algos = Vectors.Get("deriveKey").EnumerateArray().Select(v => Versioned.Parse(v.Str("versionedSalt")).Algo).ToHashSet();
        Assert.Equal(new HashSet<int> { 1, 3 }, algos);
    }

    [Fact]
    public void DeriveKey_Algo2_UsesCpuCountAsLanes()
    {
        var salt = Versioned.Serialize(2, Convert.FromBase64String("AAECAwQFBgc="));
        var withFour = Keys.DeriveKey("development", salt, numCpu: 4);
        var withTwo = Keys.DeriveKey("development", salt, numCpu: 2);
        // Algo 2 with 4 CPUs is exactly algo 3 (same t, m, p).
        Assert.Equal(Keys.DeriveKey("development", "{3,} AAECAwQFBgc=", numCpu: 1), withFour);
        Assert.Equal(Argon2id.Derive("development"u8, Convert.FromBase64String("AAECAwQFBgc="), 4, 16384, 2, 32), withTwo);
        Assert.NotEqual(withFour, withTwo);
    }

    [Theory]
    [InlineData("{9,} AAECAwQFBgc=")]
    [InlineData("AAECAwQFBgc=")]
    [InlineData("{3,} not base64!")]
    public void DeriveKey_BadSalt_ThrowsCryptographicException(string salt) =>
        Assert.Throws<System.Security.Cryptography.CryptographicException>(() => Keys.DeriveKey("pw", salt, 4));

    [Fact]
    public void CompareString_VectorHash_AcceptsItsInput()
    {
        var v = Vectors.Get("hashString")[0];
        Assert.True(Keys.CompareString(v.Str("input"), v.Str("stored"), numCpu: 2));
    }

    [Fact]
    public void CompareString_VectorHash_RejectsWrongInput()
    {
        var v = Vectors.Get("hashString")[0];
        Assert.False(Keys.CompareString(v.Str("input") + "x", v.Str("stored"), numCpu: 2));
        Assert.False(Keys.CompareString("S3cr3t", v.Str("stored"), numCpu: 2));
    }

    [Fact]
    public void HashString_ProducesAlgo3WithSixteenByteSalt_ThatCompares()
    {
        var hashed = Keys.HashString("correct horse");
        var v = Versioned.Parse(hashed);
        Assert.StartsWith("{3,} ", hashed);
        Assert.Equal(32, v.Cipher.Length);
        Assert.Equal(16, v.Nonce!.Length);
        Assert.True(Keys.CompareString("correct horse", hashed, 4));
        Assert.False(Keys.CompareString("correct horsE", hashed, 4));
        Assert.NotEqual(hashed, Keys.HashString("correct horse"));
    }

    [Fact]
    public void HashString_EmptyValue_Throws() =>
        Assert.Throws<ArgumentException>(() => Keys.HashString(""));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("{3,} DsczKvzLj1rsK8+8wokueO6MLCwjbL+WSGuzF6H73TI=")] // no salt
    [InlineData("{3,} DsczKvzLj1rsK8+8wokueO6MLCwjbL+WSGuzF6H73TI= ***")]
    [InlineData("{7,} DsczKvzLj1rsK8+8wokueO6MLCwjbL+WSGuzF6H73TI= EBESExQVFhcYGRobHB0eHw==")] // unknown algo
    [InlineData("{3,} YWJj EBESExQVFhcYGRobHB0eHw==")] // hash of the wrong length
    [InlineData("{2,} DsczKvzLj1rsK8+8wokueO6MLCwjbL+WSGuzF6H73TI= EBESExQVFhcYGRobHB0eHw==")] // algo 2 with numCpu 0
    public void CompareString_MalformedHash_ReturnsFalse(string? hashed) =>
        Assert.False(Keys.CompareString("s3cr3t", hashed, numCpu: 0));

    [Fact]
    public void CompareString_NullValue_ReturnsFalse() =>
        Assert.False(Keys.CompareString(null, Vectors.Get("hashString")[0].Str("stored"), 4));

    [Fact]
    public void NewUserSalt_IsAlgo3WithEightRandomBytes()
    {
        var v = Versioned.Parse(Keys.NewUserSalt());
        Assert.Equal(3, v.Algo);
        Assert.Equal("", v.KeyVersion);
        Assert.Equal(8, v.Cipher.Length);
        Assert.Null(v.Nonce);
        Assert.NotEqual(Keys.NewUserSalt(), Keys.NewUserSalt());
    }

    [Fact]
    public void NewAccountUserSalt_IsAlgo1WithSixteenRandomBytes_AndWorksForSecretIds()
    {
        var salt = Keys.NewAccountUserSalt();
        var v = Versioned.Parse(salt);
        Assert.Equal(1, v.Algo);
        Assert.Equal(16, v.Cipher.Length);
        Assert.Null(v.Nonce);
        Assert.Equal(64, SecretIds.Hash("user", salt).Length);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(32)]
    public void GenerateRandomValue_IsStandardBase64OfNBytes(int n)
    {
        var value = Keys.GenerateRandomValue(n);
        Assert.Equal(n, Convert.FromBase64String(value).Length);
        Assert.Equal(((n + 2) / 3) * 4, value.Length);
    }

    [Theory]
    [InlineData("abcdefgh", true)]            // 8 ASCII bytes
    [InlineData("abcdefg", false)]            // 7
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("äöüß", true)]                // 4 characters, 8 UTF-8 bytes
    [InlineData("äöü", false)]                // 3 characters, 6 bytes
    [InlineData("€€€€€€€€€€€€€€€€€€€€€", true)] // 21 × 3 = 63 bytes
    [InlineData("€€€€€€€€€€€€€€€€€€€€€€", false)] // 22 × 3 = 66 bytes, only 22 characters
    public void ValidatePassword_CountsUtf8Bytes(string? password, bool valid) =>
        Assert.Equal(valid, Keys.ValidatePassword(password));

    [Fact]
    public void ValidatePassword_SixtyFourBytesOk_SixtyFiveNot()
    {
        Assert.True(Keys.ValidatePassword(new string('a', 64)));
        Assert.False(Keys.ValidatePassword(new string('a', 65)));
        Assert.True(Keys.ValidatePassword(new string('a', 60) + "😀")); // 60 + 4 bytes
        Assert.False(Keys.ValidatePassword(new string('a', 61) + "😀"));
    }
}
