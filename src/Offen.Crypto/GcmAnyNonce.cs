using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Offen.Crypto;

/// <summary>
/// AES-GCM decryption for IVs of any length (NIST SP 800-38D §7.2), needed because upstream's node-forge
/// fallback encrypted events with 16-byte IVs (clients-and-crypto.md §4.6, README D7) and .NET's
/// <see cref="AesGcm"/> only accepts 12 bytes. Only the decrypt direction of old data uses it, so it favours
/// being obviously right over speed: GHASH is a bit-serial, branch-free GF(2^128) multiply.
/// </summary>
internal static class GcmAnyNonce
{
    private const int BlockSize = 16;
    public const int TagSize = 16;

    /// <summary>
    /// Decrypts ciphertext ‖ 16-byte tag; the tag is checked before any plaintext is produced. Offen never uses
    /// AAD; it is supported so the published GCM test vectors (which have AAD) can check this code.
    /// </summary>
    /// <exception cref="AuthenticationTagMismatchException">wrong key, nonce or tampered data.</exception>
    public static byte[] Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> cipherAndTag,
        ReadOnlySpan<byte> associatedData = default)
    {
        if (key.Length is not (16 or 24 or 32)) throw new CryptographicException("AES-GCM key must be 16, 24 or 32 bytes");
        if (nonce.IsEmpty) throw new CryptographicException("AES-GCM nonce must not be empty");
        if (cipherAndTag.Length < TagSize) throw new CryptographicException("ciphertext shorter than the GCM tag");

        var ciphertext = cipherAndTag[..^TagSize];
        var tag = cipherAndTag[^TagSize..];

        using var aes = Aes.Create();
        var keyCopy = key.ToArray();
        aes.Key = keyCopy;
        CryptographicOperations.ZeroMemory(keyCopy);

        Span<byte> h = stackalloc byte[BlockSize];
        aes.EncryptEcb(new byte[BlockSize], h, PaddingMode.None); // H = E_K(0^128)
        var hHi = BinaryPrimitives.ReadUInt64BigEndian(h);
        var hLo = BinaryPrimitives.ReadUInt64BigEndian(h[8..]);

        Span<byte> j0 = stackalloc byte[BlockSize];
        if (nonce.Length == 12)
        {
            nonce.CopyTo(j0);
            j0[15] = 1; // J0 = IV ‖ 0^31 ‖ 1
        }
        else
        {
            // J0 = GHASH_H(IV ‖ 0^(s+64) ‖ [len(IV)]_64)
            ulong yHi = 0, yLo = 0;
            GhashUpdate(ref yHi, ref yLo, hHi, hLo, nonce);
            GhashLengths(ref yHi, ref yLo, hHi, hLo, 0, (ulong)nonce.Length * 8);
            BinaryPrimitives.WriteUInt64BigEndian(j0, yHi);
            BinaryPrimitives.WriteUInt64BigEndian(j0[8..], yLo);
        }

        // S = GHASH_H(A ‖ 0^v ‖ C ‖ 0^u ‖ [len(A)]_64 ‖ [len(C)]_64), T = E_K(J0) ⊕ S
        ulong sHi = 0, sLo = 0;
        GhashUpdate(ref sHi, ref sLo, hHi, hLo, associatedData);
        GhashUpdate(ref sHi, ref sLo, hHi, hLo, ciphertext);
        GhashLengths(ref sHi, ref sLo, hHi, hLo, (ulong)associatedData.Length * 8, (ulong)ciphertext.Length * 8);
        Span<byte> expected = stackalloc byte[BlockSize];
        aes.EncryptEcb(j0, expected, PaddingMode.None);
        BinaryPrimitives.WriteUInt64BigEndian(expected, BinaryPrimitives.ReadUInt64BigEndian(expected) ^ sHi);
        BinaryPrimitives.WriteUInt64BigEndian(expected[8..], BinaryPrimitives.ReadUInt64BigEndian(expected[8..]) ^ sLo);
        if (!CryptographicOperations.FixedTimeEquals(expected, tag))
            throw new AuthenticationTagMismatchException();

        // P = GCTR(inc32(J0), C): build every counter block, encrypt them in one ECB call, XOR.
        var blocks = (ciphertext.Length + BlockSize - 1) / BlockSize;
        var counters = new byte[blocks * BlockSize];
        var counter = BinaryPrimitives.ReadUInt32BigEndian(j0[12..]);
        for (var i = 0; i < blocks; i++)
        {
            var c = counters.AsSpan(i * BlockSize, BlockSize);
            j0[..12].CopyTo(c);
            BinaryPrimitives.WriteUInt32BigEndian(c[12..], unchecked(counter + 1 + (uint)i)); // inc32 wraps mod 2^32
        }
        var keystream = aes.EncryptEcb(counters, PaddingMode.None);
        var plaintext = new byte[ciphertext.Length];
        for (var i = 0; i < plaintext.Length; i++) plaintext[i] = (byte)(ciphertext[i] ^ keystream[i]);
        CryptographicOperations.ZeroMemory(keystream);
        return plaintext;
    }

    /// <summary>Absorbs data zero-padded to whole blocks: Y = (Y ⊕ X_i) · H.</summary>
    private static void GhashUpdate(ref ulong yHi, ref ulong yLo, ulong hHi, ulong hLo, ReadOnlySpan<byte> data)
    {
        Span<byte> block = stackalloc byte[BlockSize];
        while (!data.IsEmpty)
        {
            var n = Math.Min(BlockSize, data.Length);
            block.Clear();
            data[..n].CopyTo(block);
            data = data[n..];
            yHi ^= BinaryPrimitives.ReadUInt64BigEndian(block);
            yLo ^= BinaryPrimitives.ReadUInt64BigEndian(block[8..]);
            Multiply(ref yHi, ref yLo, hHi, hLo);
        }
    }

    private static void GhashLengths(ref ulong yHi, ref ulong yLo, ulong hHi, ulong hLo, ulong aadBits, ulong dataBits)
    {
        yHi ^= aadBits;
        yLo ^= dataBits;
        Multiply(ref yHi, ref yLo, hHi, hLo);
    }

    /// <summary>
    /// X · Y in GCM's bit-reflected GF(2^128) (SP 800-38D Algorithm 1): bit 0 is the MSB of the first byte,
    /// reduction by R = 0xE1 ‖ 0^120. Masks instead of branches keep it independent of the key bits.
    /// </summary>
    internal static void Multiply(ref ulong xHi, ref ulong xLo, ulong yHi, ulong yLo)
    {
        ulong zHi = 0, zLo = 0, vHi = yHi, vLo = yLo;
        for (var i = 0; i < 128; i++)
        {
            var bit = i < 64 ? (xHi >> (63 - i)) & 1 : (xLo >> (127 - i)) & 1;
            var mask = 0UL - bit;
            zHi ^= vHi & mask;
            zLo ^= vLo & mask;
            var carry = 0UL - (vLo & 1);
            vLo = (vLo >> 1) | (vHi << 63);
            vHi = (vHi >> 1) ^ (0xE100000000000000UL & carry);
        }
        xHi = zHi;
        xLo = zLo;
    }
}
