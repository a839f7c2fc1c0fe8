using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Offen.Crypto;

/// <summary>
/// The Argon2 compression function G over 1 KiB blocks (RFC 9106 §3.5, §3.6): two passes of the
/// BLAKE2b round with the BlaMka multiplication, first over the 8 "columns" of 16 contiguous words,
/// then over the 8 "rows" of word pairs. Everything works on raw pointers to 128-word blocks so the
/// hot loop allocates nothing; an AVX2 kernel does 4 G functions per instruction where available,
/// and a scalar kernel is the portable reference.
/// </summary>
internal static unsafe class Argon2Block
{
    public const int Words = 128;

    /// <summary>
    /// next = P(prev ⊕ ref) ⊕ prev ⊕ ref, also ⊕ old next when <paramref name="withXor"/> (version 0x13
    /// XORs into the existing block from the second pass on, RFC 9106 §3.4 step 6).
    /// <paramref name="scratch"/> is 256 words of per-thread workspace.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Fill(ulong* prev, ulong* refBlock, ulong* next, ulong* scratch, bool withXor, bool vectorized)
    {
        if (Avx2.IsSupported && vectorized)
            FillAvx2(prev, refBlock, next, scratch, withXor);
        else
            FillScalar(prev, refBlock, next, scratch, withXor);
    }

    // ---------------------------------------------------------------- scalar

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void FillScalar(ulong* prev, ulong* refBlock, ulong* next, ulong* scratch, bool withXor)
    {
        var r = scratch;          // R = ref ⊕ prev, permuted in place
        var t = scratch + Words;  // R (⊕ old next), kept for the final XOR
        for (var i = 0; i < Words; i++)
        {
            var x = refBlock[i] ^ prev[i];
            r[i] = x;
            t[i] = withXor ? x ^ next[i] : x;
        }

        // Each G loads and stores its own four words. Holding a whole 16-word round in locals needs more
        // registers than x64 has; RyuJIT then spills inside the G chains, which measured ~1.7x slower than
        // libargon2's C, while this form runs at parity with it (docs/adr/0001-argon2.md).
        for (var i = 0; i < 8; i++)
        {
            // Columns: words 16i .. 16i+15.
            var v = r + 16 * i;
            GAt(v, 0, 4, 8, 12);
            GAt(v, 1, 5, 9, 13);
            GAt(v, 2, 6, 10, 14);
            GAt(v, 3, 7, 11, 15);
            GAt(v, 0, 5, 10, 15);
            GAt(v, 1, 6, 11, 12);
            GAt(v, 2, 7, 8, 13);
            GAt(v, 3, 4, 9, 14);
        }
        for (var i = 0; i < 8; i++)
        {
            // Rows: words 2i + {0, 1, 16, 17, 32, 33, …, 112, 113} play the roles of v0 … v15.
            var v = r + 2 * i;
            GAt(v, 0, 32, 64, 96);
            GAt(v, 1, 33, 65, 97);
            GAt(v, 16, 48, 80, 112);
            GAt(v, 17, 49, 81, 113);
            GAt(v, 0, 33, 80, 113);
            GAt(v, 1, 48, 81, 96);
            GAt(v, 16, 49, 64, 97);
            GAt(v, 17, 32, 65, 112);
        }

        for (var i = 0; i < Words; i++) next[i] = r[i] ^ t[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GAt(ulong* v, int ia, int ib, int ic, int id)
    {
        ulong a = v[ia], b = v[ib], c = v[ic], d = v[id];
        G(ref a, ref b, ref c, ref d);
        v[ia] = a;
        v[ib] = b;
        v[ic] = c;
        v[id] = d;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void G(ref ulong a, ref ulong b, ref ulong c, ref ulong d)
    {
        a = BlaMka(a, b);
        d = BitOperations.RotateRight(d ^ a, 32);
        c = BlaMka(c, d);
        b = BitOperations.RotateRight(b ^ c, 24);
        a = BlaMka(a, b);
        d = BitOperations.RotateRight(d ^ a, 16);
        c = BlaMka(c, d);
        b = BitOperations.RotateRight(b ^ c, 63);
    }

    /// <summary>RFC 9106 §3.6: x + y + 2·lo32(x)·lo32(y), all mod 2^64.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong BlaMka(ulong x, ulong y)
    {
        var m = (ulong)(uint)x * (uint)y;
        return x + y + (m << 1);
    }

    // ---------------------------------------------------------------- AVX2

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillAvx2(ulong* prev, ulong* refBlock, ulong* next, ulong* scratch, bool withXor)
    {
        // R = ref ⊕ prev is permuted in scratch; the final XOR re-reads ref and prev (still in L1) instead of
        // keeping a second copy of R.
        var r = scratch;
        for (var i = 0; i < Words; i += 4)
            Avx.Store(r + i, Avx.LoadVector256(refBlock + i) ^ Avx.LoadVector256(prev + i));

        // Columns: words 16i..16i+15 are four contiguous vectors a, b, c, d. Two rounds are interleaved
        // so the out-of-order core has independent work while vpermq/vpmuludq latencies resolve.
        for (var i = 0; i < 8; i += 2)
        {
            var p = r + 16 * i;
            var q = p + 16;
            var a0 = Avx.LoadVector256(p);
            var b0 = Avx.LoadVector256(p + 4);
            var c0 = Avx.LoadVector256(p + 8);
            var d0 = Avx.LoadVector256(p + 12);
            var a1 = Avx.LoadVector256(q);
            var b1 = Avx.LoadVector256(q + 4);
            var c1 = Avx.LoadVector256(q + 8);
            var d1 = Avx.LoadVector256(q + 12);
            Round2(ref a0, ref b0, ref c0, ref d0, ref a1, ref b1, ref c1, ref d1);
            Avx.Store(p, a0);
            Avx.Store(p + 4, b0);
            Avx.Store(p + 8, c0);
            Avx.Store(p + 12, d0);
            Avx.Store(q, a1);
            Avx.Store(q + 4, b1);
            Avx.Store(q + 8, c1);
            Avx.Store(q + 12, d1);
        }

        // Rows: round i works on words 2i + {0,1,16,17,…,112,113}, i.e. 128-bit pairs i + 8k;
        // each vector is assembled from two pairs 8 pairs (16 words) apart.
        for (var i = 0; i < 8; i += 2)
        {
            var p = r + 2 * i;
            var q = p + 2;
            var a0 = Load2(p, 0);
            var b0 = Load2(p, 32);
            var c0 = Load2(p, 64);
            var d0 = Load2(p, 96);
            var a1 = Load2(q, 0);
            var b1 = Load2(q, 32);
            var c1 = Load2(q, 64);
            var d1 = Load2(q, 96);
            Round2(ref a0, ref b0, ref c0, ref d0, ref a1, ref b1, ref c1, ref d1);
            Store2(p, 0, a0);
            Store2(p, 32, b0);
            Store2(p, 64, c0);
            Store2(p, 96, d0);
            Store2(q, 0, a1);
            Store2(q, 32, b1);
            Store2(q, 64, c1);
            Store2(q, 96, d1);
        }

        if (withXor)
        {
            for (var i = 0; i < Words; i += 4)
                Avx.Store(next + i, Avx.LoadVector256(r + i) ^ Avx.LoadVector256(refBlock + i) ^ Avx.LoadVector256(prev + i) ^ Avx.LoadVector256(next + i));
        }
        else
        {
            for (var i = 0; i < Words; i += 4)
                Avx.Store(next + i, Avx.LoadVector256(r + i) ^ Avx.LoadVector256(refBlock + i) ^ Avx.LoadVector256(prev + i));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Load2(ulong* p, int offset) =>
        Vector256.Create(Sse2.LoadVector128(p + offset), Sse2.LoadVector128(p + offset + 16));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store2(ulong* p, int offset, Vector256<ulong> v)
    {
        Sse2.Store(p + offset, v.GetLower());
        Sse2.Store(p + offset + 16, v.GetUpper());
    }

    /// <summary>Two independent BLAKE2b rounds: column step, diagonalize, diagonal step, undiagonalize.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round2(
        ref Vector256<ulong> a0, ref Vector256<ulong> b0, ref Vector256<ulong> c0, ref Vector256<ulong> d0,
        ref Vector256<ulong> a1, ref Vector256<ulong> b1, ref Vector256<ulong> c1, ref Vector256<ulong> d1)
    {
        G2(ref a0, ref b0, ref c0, ref d0, ref a1, ref b1, ref c1, ref d1);

        // Lane j then holds (a_j, b_{j+1}, c_{j+2}, d_{j+3}): G(v0,v5,v10,v15), G(v1,v6,v11,v12), …
        b0 = Avx2.Permute4x64(b0, 0x39);
        c0 = Avx2.Permute4x64(c0, 0x4E);
        d0 = Avx2.Permute4x64(d0, 0x93);
        b1 = Avx2.Permute4x64(b1, 0x39);
        c1 = Avx2.Permute4x64(c1, 0x4E);
        d1 = Avx2.Permute4x64(d1, 0x93);

        G2(ref a0, ref b0, ref c0, ref d0, ref a1, ref b1, ref c1, ref d1);

        b0 = Avx2.Permute4x64(b0, 0x93);
        c0 = Avx2.Permute4x64(c0, 0x4E);
        d0 = Avx2.Permute4x64(d0, 0x39);
        b1 = Avx2.Permute4x64(b1, 0x93);
        c1 = Avx2.Permute4x64(c1, 0x4E);
        d1 = Avx2.Permute4x64(d1, 0x39);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void G2(
        ref Vector256<ulong> a0, ref Vector256<ulong> b0, ref Vector256<ulong> c0, ref Vector256<ulong> d0,
        ref Vector256<ulong> a1, ref Vector256<ulong> b1, ref Vector256<ulong> c1, ref Vector256<ulong> d1)
    {
        // pshufb masks for 64-bit rotations by 24 and 16 bits (byte i of each word takes byte i+3 / i+2).
        var rot24 = Vector256.Create((byte)3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10,
            3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10);
        var rot16 = Vector256.Create((byte)2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9,
            2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9);

        a0 = BlaMka(a0, b0);
        a1 = BlaMka(a1, b1);
        d0 = Rotr32(d0 ^ a0);
        d1 = Rotr32(d1 ^ a1);
        c0 = BlaMka(c0, d0);
        c1 = BlaMka(c1, d1);
        b0 = Avx2.Shuffle((b0 ^ c0).AsByte(), rot24).AsUInt64();
        b1 = Avx2.Shuffle((b1 ^ c1).AsByte(), rot24).AsUInt64();

        a0 = BlaMka(a0, b0);
        a1 = BlaMka(a1, b1);
        d0 = Avx2.Shuffle((d0 ^ a0).AsByte(), rot16).AsUInt64();
        d1 = Avx2.Shuffle((d1 ^ a1).AsByte(), rot16).AsUInt64();
        c0 = BlaMka(c0, d0);
        c1 = BlaMka(c1, d1);
        b0 = Rotr63(b0 ^ c0);
        b1 = Rotr63(b1 ^ c1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> BlaMka(Vector256<ulong> x, Vector256<ulong> y)
    {
        // vpmuludq multiplies the low 32 bits of each 64-bit lane into a full 64-bit product.
        var m = Avx2.Multiply(x.AsUInt32(), y.AsUInt32());
        return Avx2.Add(Avx2.Add(x, y), Avx2.Add(m, m));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Rotr32(Vector256<ulong> x) =>
        Avx2.Shuffle(x.AsUInt32(), 0b10_11_00_01).AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Rotr63(Vector256<ulong> x) =>
        Avx2.Or(Avx2.ShiftRightLogical(x, 63), Avx2.Add(x, x));
}
