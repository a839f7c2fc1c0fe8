using System.Security.Cryptography;
using System.Text;

namespace Offen.Crypto;

/// <summary>
/// Password/email key derivation, hashes, salts and random values (server.md §6.2, clients-and-crypto.md §4.2).
/// Argon2 parameters are fixed per algo number and never depend on the host (README D11); only algo 2,
/// kept for reading old hashes, takes the CPU count upstream used when it wrote them.
/// </summary>
public static class Keys
{
    /// <summary>Argon2 output length for every KDF and hash.</summary>
    public const int KeySize = 32;

    /// <summary>Deprecated: t = 1, m = 64 MiB, p = 4.</summary>
    public const int AlgoArgon2V1 = 1;
    /// <summary>Deprecated: t = 4, m = 16 MiB, p = the writer's CPU count (or <c>OFFEN_ARGONNUMCPUOVERRIDE</c>).</summary>
    public const int AlgoArgon2V2 = 2;
    /// <summary>Current: t = 4, m = 16 MiB, p = 4.</summary>
    public const int AlgoArgon2V3 = 3;

    /// <summary>Algo number of account <c>user_salt</c> values (SHA-256 fast hash, server.md §6.1).</summary>
    public const int AlgoAccountUserSalt = 1;

    private const int HashSaltSize = 16;
    private const int UserSaltSize = 8;
    private const int AccountUserSaltSize = 16;

    /// <summary>
    /// Argon2id(UTF-8 value, salt bytes) with the parameters of the salt's algo number; the key that wraps
    /// the KEKs for a password or an email.
    /// </summary>
    /// <param name="numCpu">only read for algo 2: the CPU count of the host that wrote the value.</param>
    /// <exception cref="CryptographicException">malformed salt or unknown algo.</exception>
    public static byte[] DeriveKey(string value, string versionedSalt, int numCpu)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!Versioned.TryParse(versionedSalt, out var salt)) throw new CryptographicException("malformed versioned salt");
        return Derive(value, salt.Cipher, salt.Algo, numCpu);
    }

    /// <summary><c>{3,} b64(argon2id(value, s16)) b64(s16)</c>: the salt lives in the nonce slot (clients-and-crypto.md §4.2).</summary>
    public static string HashString(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value); // upstream refuses to hash an empty string
        var salt = RandomNumberGenerator.GetBytes(HashSaltSize);
        var hash = Derive(value, salt, AlgoArgon2V3, numCpu: 0);
        return Versioned.Serialize(AlgoArgon2V3, hash, salt);
    }

    /// <summary>
    /// Recomputes the hash with the stored algo and salt and compares in constant time (README D5).
    /// False for any malformed input; never throws.
    /// </summary>
    public static bool CompareString(string? value, string? hashed, int numCpu)
    {
        if (value is null || !Versioned.TryParse(hashed, out var stored) || stored.Nonce is null) return false;
        if (stored.Cipher.Length != KeySize) return false;
        if (stored.Algo is not (AlgoArgon2V1 or AlgoArgon2V2 or AlgoArgon2V3)) return false;
        if (stored.Algo == AlgoArgon2V2 && LanesForAlgo2(numCpu) == 0) return false;
        byte[] computed;
        try
        {
            computed = Derive(value, stored.Nonce, stored.Algo, numCpu);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return false;
        }
        var equal = CryptographicOperations.FixedTimeEquals(computed, stored.Cipher);
        CryptographicOperations.ZeroMemory(computed);
        return equal;
    }

    /// <summary>A new account user's KDF salt: <c>{3,} b64(8 random bytes)</c>.</summary>
    public static string NewUserSalt() =>
        Versioned.Serialize(AlgoArgon2V3, RandomNumberGenerator.GetBytes(UserSaltSize));

    /// <summary>A new account's <c>user_salt</c> for secret ids: <c>{1,} b64(16 random bytes)</c>.</summary>
    public static string NewAccountUserSalt() =>
        Versioned.Serialize(AlgoAccountUserSalt, RandomNumberGenerator.GetBytes(AccountUserSaltSize));

    /// <summary>Standard base64 of n random bytes (<c>offen secret</c>, server.md §4.3).</summary>
    public static string GenerateRandomValue(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        return Convert.ToBase64String(RandomNumberGenerator.GetBytes(n));
    }

    /// <summary>Password policy: 8 ≤ UTF-8 <b>byte</b> length ≤ 64 (server.md §6.2). Not applied at login.</summary>
    public static bool ValidatePassword(string? password)
    {
        if (password is null) return false;
        // Lone surrogates count as the 3-byte U+FFFD they are encoded as, like Go's string conversion.
        return Encoding.UTF8.GetByteCount(password) is >= 8 and <= 64;
    }

    /// <summary>
    /// Upstream passed <c>uint8(runtime.NumCPU())</c> (or the override) as Argon2 threads, so the lane count
    /// is the CPU count modulo 256; 0 made Go's argon2 panic, so no such hash exists.
    /// </summary>
    private static int LanesForAlgo2(int numCpu) => numCpu < 1 ? 0 : numCpu & 0xFF;

    private static byte[] Derive(string value, ReadOnlySpan<byte> salt, int algo, int numCpu)
    {
        var password = Encoding.UTF8.GetBytes(value);
        try
        {
            return algo switch
            {
                AlgoArgon2V1 => Argon2id.Derive(password, salt, 1, 64 * 1024, 4, KeySize),
                AlgoArgon2V2 => LanesForAlgo2(numCpu) is var lanes and > 0
                    ? Argon2id.Derive(password, salt, 4, 16 * 1024, lanes, KeySize)
                    : throw new ArgumentOutOfRangeException(nameof(numCpu), "algo 2 needs the CPU count that wrote the value"),
                AlgoArgon2V3 => Argon2id.Derive(password, salt, 4, 16 * 1024, 4, KeySize),
                _ => throw new CryptographicException("unknown key derivation algo version"),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(password);
        }
    }
}
