using System.Security.Cryptography;

namespace Offen.Crypto.Tests;

public class Argon2idTests
{
    private static byte[] Repeat(byte b, int n) => Enumerable.Repeat(b, n).ToArray();

    // RFC 9106 §5.3: Argon2id, v=0x13, t=3, m=32 KiB, p=4, with secret and associated data.
    private static readonly byte[] RfcTag = Convert.FromHexString("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");

    [Fact]
    public void Hash_MatchesRfc9106Argon2idVector()
    {
        var tag = Argon2id.Hash(Repeat(1, 32), Repeat(2, 16), Repeat(3, 8), Repeat(4, 12), 3, 32, 4, 32);
        Assert.Equal(RfcTag, tag);
    }

    [Fact]
    public void Hash_ScalarKernel_MatchesRfc9106Argon2idVector()
    {
        var tag = Argon2id.Hash(Repeat(1, 32), Repeat(2, 16), Repeat(3, 8), Repeat(4, 12), 3, 32, 4, 32, vectorized: false);
        Assert.Equal(RfcTag, tag);
    }

    [Theory]
    [InlineData(1, 8, 1, 32)]
    [InlineData(2, 64, 1, 32)]
    [InlineData(3, 256, 2, 16)]
    [InlineData(2, 1024, 4, 100)] // tag longer than 64 bytes uses the chained H' (RFC 9106 §3.3)
    [InlineData(1, 100, 3, 32)]   // memory not a multiple of 4·p is rounded down
    public void Derive_ScalarAndVectorizedKernels_Agree(int t, int m, int p, int len)
    {
        var password = "password"u8;
        var salt = "somesaltsomesalt"u8;
        var fast = Argon2id.Hash(password, salt, default, default, t, m, p, len);
        var scalar = Argon2id.Hash(password, salt, default, default, t, m, p, len, vectorized: false);
        Assert.Equal(scalar, fast);
        Assert.Equal(len, fast.Length);
    }

    [Fact]
    public void Derive_Algo3Parameters_MatchVector()
    {
        var key = Argon2id.Derive("development"u8, Convert.FromBase64String("AAECAwQFBgc="), 4, 16384, 4, 32);
        Assert.Equal("s2/4ewNLz0vc22zHV4crlGkakvT/uiLo3dmjWuNtI2M=", Convert.ToBase64String(key));
    }

    [Fact]
    public void Derive_AgreesWithLibargon2()
    {
        // scripts/services.sh installs libargon2-1 in CI; a missing library must be visible, not a silent pass.
        Assert.True(LibArgon2.IsAvailable,
            $"{LibArgon2.LibraryName} could not be loaded: install the Debian package libargon2-1 (scripts/services.sh does) to cross-check the managed Argon2id");

        foreach (var (t, m, p) in new[] { (1, 64, 1), (2, 256, 2), (3, 1024, 4), (4, 16384, 4), (1, 4096, 3) })
        {
            var salt = RandomNumberGenerator.GetBytes(16);
            var password = RandomNumberGenerator.GetBytes(13);
            Assert.Equal(
                LibArgon2.Argon2idHashRaw(password, salt, t, m, p, 32),
                Argon2id.Derive(password, salt, t, m, p, 32));
        }
    }

    [Theory]
    [InlineData(0, 64, 1, 32)]
    [InlineData(1, 7, 1, 32)]
    [InlineData(1, 31, 4, 32)]
    [InlineData(1, 64, 0, 32)]
    [InlineData(1, 64, 1, 3)]
    public void Derive_OutOfRangeParameters_Throw(int t, int m, int p, int len) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Argon2id.Derive("pw"u8, "saltsalt"u8, t, m, p, len));

    [Fact]
    public void Blake2b_MatchesRfc7693Abc()
    {
        var digest = new byte[64];
        Blake2b.Hash("abc"u8, digest);
        Assert.Equal(
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
            Convert.ToHexStringLower(digest));
    }
}
