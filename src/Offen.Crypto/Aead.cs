using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Offen.Crypto;

/// <summary>
/// AES-GCM in Offen's envelope <c>{1,} b64(ciphertext ‖ tag16) b64(nonce)</c>, no AAD (server.md §6.2,
/// clients-and-crypto.md §4.3). Used for the KEK wraps and <c>encryptedPrivateKey</c> (32-byte keys) and for
/// event payloads under a user secret (16-byte keys).
/// </summary>
public static class Aead
{
    /// <summary>Algo number of AES-GCM ciphertexts in the envelope.</summary>
    public const int AlgoAesGcm = 1;
    public const int NonceSize = 12;
    public const int TagSize = 16;

    /// <summary>Encrypts with a fresh random 12-byte nonce (Go <c>cipher.NewGCM</c> and WebCrypto use 12 bytes).</summary>
    public static string EncryptVersioned(byte[] key, ReadOnlySpan<byte> plaintext)
    {
        Span<byte> nonce = stackalloc byte[NonceSize];
        RandomNumberGenerator.Fill(nonce);
        return EncryptVersioned(key, plaintext, nonce);
    }

    /// <summary>Deterministic variant for known-answer tests; a nonce must never be reused with the same key.</summary>
    public static string EncryptVersioned(byte[] key, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> nonce)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (nonce.Length != NonceSize) throw new ArgumentException("AES-GCM encryption uses 12-byte nonces", nameof(nonce));
        var sealedBytes = new byte[plaintext.Length + TagSize];
        using (var gcm = new AesGcm(key, TagSize))
            gcm.Encrypt(nonce, plaintext, sealedBytes.AsSpan(0, plaintext.Length), sealedBytes.AsSpan(plaintext.Length));
        return Versioned.Serialize(AlgoAesGcm, sealedBytes, nonce);
    }

    /// <summary>
    /// Decrypts an envelope made by the server, WebCrypto (12-byte nonce) or the vault's forge fallback
    /// (16-byte nonce, README D7).
    /// </summary>
    /// <exception cref="CryptographicException">malformed envelope, wrong algo, wrong key or tampered data
    /// (<see cref="AuthenticationTagMismatchException"/> for the last two).</exception>
    public static byte[] DecryptVersioned(byte[] key, string versioned)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!Versioned.TryParse(versioned, out var v)) throw new CryptographicException("not a versioned AES-GCM ciphertext");
        if (v.Algo != AlgoAesGcm) throw new CryptographicException("unsupported algo version for AES-GCM decryption");
        if (v.Nonce is null) throw new CryptographicException("AES-GCM ciphertext without nonce");
        if (v.Cipher.Length < TagSize) throw new CryptographicException("ciphertext shorter than the GCM tag");
        if (key.Length is not (16 or 24 or 32)) throw new CryptographicException("AES-GCM key must be 16, 24 or 32 bytes");

        if (v.Nonce.Length != NonceSize)
            return GcmAnyNonce.Decrypt(key, v.Nonce, v.Cipher);

        var plaintext = new byte[v.Cipher.Length - TagSize];
        using var gcm = new AesGcm(key, TagSize);
        gcm.Decrypt(v.Nonce, v.Cipher.AsSpan(0, plaintext.Length), v.Cipher.AsSpan(plaintext.Length), plaintext);
        return plaintext;
    }

    /// <summary>Like <see cref="DecryptVersioned"/> but returns false instead of throwing.</summary>
    public static bool TryDecryptVersioned(byte[] key, string? versioned, [NotNullWhen(true)] out byte[]? plaintext)
    {
        plaintext = null;
        if (key is null || versioned is null) return false;
        try
        {
            plaintext = DecryptVersioned(key, versioned);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
