using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Offen.Crypto;

/// <summary>
/// Unkeyed BLAKE2b (RFC 7693) with a variable digest length of 1..64 bytes. .NET has no BLAKE2b,
/// and Argon2 needs it for H0 and the variable-length hash H' (RFC 9106 §3.2, §3.3). It only runs
/// a few dozen times per Argon2 call, so it is written for clarity, not speed.
/// </summary>
internal struct Blake2b
{
    private const int BlockBytes = 128;

    private static readonly ulong[] Iv =
    [
        0x6a09e667f3bcc908UL, 0xbb67ae8584caa73bUL, 0x3c6ef372fe94f82bUL, 0xa54ff53a5f1d36f1UL,
        0x510e527fade682d1UL, 0x9b05688c2b3e6c1fUL, 0x1f83d9abfb41bd6bUL, 0x5be0cd19137e2179UL,
    ];

    private static readonly byte[] Sigma =
    [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
        11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4,
        7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8,
        9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13,
        2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9,
        12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11,
        13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10,
        6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5,
        10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0,
    ];

    private InlineArray8 _h;
    private InlineBuffer128 _buffer;
    private int _bufferLength;
    private ulong _counter; // messages here are far below 2^64 bytes, so the high counter word stays 0
    private int _outputLength;

    [InlineArray(8)]
    private struct InlineArray8 { private ulong _e; }

    [InlineArray(BlockBytes)]
    private struct InlineBuffer128 { private byte _e; }

    public Blake2b(int outputLength)
    {
        if (outputLength is < 1 or > 64) throw new ArgumentOutOfRangeException(nameof(outputLength));
        _outputLength = outputLength;
        for (var i = 0; i < 8; i++) _h[i] = Iv[i];
        // Parameter block word 0: digest length, key length 0, fanout 1, depth 1.
        _h[0] ^= 0x01010000UL ^ (ulong)outputLength;
    }

    public void Update(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            // Keep the last block buffered: it must be compressed with the final flag.
            if (_bufferLength == BlockBytes)
            {
                _counter += BlockBytes;
                Compress(_buffer, last: false);
                _bufferLength = 0;
            }
            var n = Math.Min(BlockBytes - _bufferLength, data.Length);
            data[..n].CopyTo(((Span<byte>)_buffer)[_bufferLength..]);
            _bufferLength += n;
            data = data[n..];
        }
    }

    public void UpdateLe32(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        Update(b);
    }

    public void Final(Span<byte> output)
    {
        if (output.Length != _outputLength) throw new ArgumentException("output length differs from the digest length", nameof(output));
        _counter += (ulong)_bufferLength;
        ((Span<byte>)_buffer)[_bufferLength..].Clear();
        Compress(_buffer, last: true);
        Span<byte> full = stackalloc byte[64];
        for (var i = 0; i < 8; i++) BinaryPrimitives.WriteUInt64LittleEndian(full[(8 * i)..], _h[i]);
        full[.._outputLength].CopyTo(output);
        full.Clear();
        ((Span<ulong>)_h).Clear();
        ((Span<byte>)_buffer).Clear();
    }

    public static void Hash(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var b = new Blake2b(output.Length);
        b.Update(input);
        b.Final(output);
    }

    private void Compress(ReadOnlySpan<byte> block, bool last)
    {
        Span<ulong> m = stackalloc ulong[16];
        Span<ulong> v = stackalloc ulong[16];
        for (var i = 0; i < 16; i++) m[i] = BinaryPrimitives.ReadUInt64LittleEndian(block[(8 * i)..]);
        for (var i = 0; i < 8; i++)
        {
            v[i] = _h[i];
            v[i + 8] = Iv[i];
        }
        v[12] ^= _counter;
        if (last) v[14] = ~v[14];

        for (var r = 0; r < 12; r++)
        {
            var s = Sigma.AsSpan((r % 10) * 16, 16);
            G(v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
            G(v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
            G(v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
            G(v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
            G(v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
            G(v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
            G(v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
            G(v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
        }
        for (var i = 0; i < 8; i++) _h[i] ^= v[i] ^ v[i + 8];
        m.Clear();
        v.Clear();
    }

    private static void G(Span<ulong> v, int a, int b, int c, int d, ulong x, ulong y)
    {
        v[a] = v[a] + v[b] + x;
        v[d] = BitOperations.RotateRight(v[d] ^ v[a], 32);
        v[c] = v[c] + v[d];
        v[b] = BitOperations.RotateRight(v[b] ^ v[c], 24);
        v[a] = v[a] + v[b] + y;
        v[d] = BitOperations.RotateRight(v[d] ^ v[a], 16);
        v[c] = v[c] + v[d];
        v[b] = BitOperations.RotateRight(v[b] ^ v[c], 63);
    }
}
