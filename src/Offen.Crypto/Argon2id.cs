using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Offen.Crypto;

/// <summary>
/// Argon2id version 1.3 (0x13), bit-exact with RFC 9106 and Go's <c>argon2.IDKey</c>, which upstream
/// Offen uses for every password/email KDF and hash (server.md §6.2, sharp edge 19).
/// The p lanes of each segment are filled in parallel; lanes only synchronise at the slice boundaries,
/// exactly as RFC 9106 §3.4 allows.
/// </summary>
public static unsafe class Argon2id
{
    private const int SyncPoints = 4;
    private const uint Version = 0x13;
    private const uint TypeId = 2;
    private const int BlockBytes = 1024;

    /// <summary>Argon2id without secret and associated data: what Offen's KDFs call.</summary>
    public static byte[] Derive(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int timeCost, int memoryKiB, int lanes, int outputLength) =>
        Hash(password, salt, default, default, timeCost, memoryKiB, lanes, outputLength);

    /// <summary>The full RFC 9106 function with secret K and associated data X (used by the RFC test vector).</summary>
    /// <param name="vectorized">false forces the portable scalar kernel, so tests can compare both on AVX2 hosts.</param>
    internal static byte[] Hash(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> secret,
        ReadOnlySpan<byte> associatedData, int timeCost, int memoryKiB, int lanes, int outputLength, bool vectorized = true)
    {
        // RFC 9106 §3.1 parameter ranges.
        if (timeCost < 1) throw new ArgumentOutOfRangeException(nameof(timeCost), "at least 1 pass");
        if (lanes is < 1 or > 0xFFFFFF) throw new ArgumentOutOfRangeException(nameof(lanes), "1 to 2^24-1 lanes");
        if (memoryKiB < 8 * lanes) throw new ArgumentOutOfRangeException(nameof(memoryKiB), "at least 8 KiB per lane");
        if (outputLength < 4) throw new ArgumentOutOfRangeException(nameof(outputLength), "at least 4 bytes");

        // Memory is rounded down to a multiple of 4·p blocks (RFC 9106 §3.4 step 1: m').
        var segmentLength = memoryKiB / (SyncPoints * lanes);
        var laneLength = segmentLength * SyncPoints;
        var blockCount = (long)laneLength * lanes;

        Span<byte> h0 = stackalloc byte[72]; // H0 ‖ LE32(column) ‖ LE32(lane)
        InitialHash(h0[..64], password, salt, secret, associatedData, timeCost, memoryKiB, lanes, outputLength);

        var bytes = (nuint)(blockCount * BlockBytes);
        var memory = (ulong*)WorkMemory.Allocate(bytes);
        try
        {
            var run = new Run(memory, lanes, laneLength, segmentLength, timeCost, (uint)blockCount, vectorized);
            run.InitFirstBlocks(h0);
            run.FillMemory();
            return run.ComputeTag(outputLength);
        }
        finally
        {
            // Like libargon2's default, wipe the memory: it holds values derived from the password.
            NativeMemory.Clear(memory, bytes);
            WorkMemory.Free(memory, bytes);
            CryptographicOperations.ZeroMemory(h0);
        }
    }

    /// <summary>RFC 9106 §3.2 step 1: H0 = H^64(p, T, m, t, v, y, ⟨P⟩, P, ⟨S⟩, S, ⟨K⟩, K, ⟨X⟩, X).</summary>
    private static void InitialHash(Span<byte> h0, ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt,
        ReadOnlySpan<byte> secret, ReadOnlySpan<byte> associatedData, int timeCost, int memoryKiB, int lanes, int outputLength)
    {
        var b = new Blake2b(64);
        b.UpdateLe32((uint)lanes);
        b.UpdateLe32((uint)outputLength);
        b.UpdateLe32((uint)memoryKiB); // the requested m, not the rounded m'
        b.UpdateLe32((uint)timeCost);
        b.UpdateLe32(Version);
        b.UpdateLe32(TypeId);
        b.UpdateLe32((uint)password.Length);
        b.Update(password);
        b.UpdateLe32((uint)salt.Length);
        b.Update(salt);
        b.UpdateLe32((uint)secret.Length);
        b.Update(secret);
        b.UpdateLe32((uint)associatedData.Length);
        b.Update(associatedData);
        b.Final(h0);
    }

    /// <summary>RFC 9106 §3.3: the variable-length hash H'^T.</summary>
    internal static void VariableHash(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var t = output.Length;
        if (t <= 64)
        {
            var b = new Blake2b(t);
            b.UpdateLe32((uint)t);
            b.Update(input);
            b.Final(output);
            return;
        }

        // r = ceil(T/32) - 2 full 64-byte hashes contribute their first 32 bytes, the last one the rest.
        var r = (t + 31) / 32 - 2;
        Span<byte> v = stackalloc byte[64];
        var first = new Blake2b(64);
        first.UpdateLe32((uint)t);
        first.Update(input);
        first.Final(v);
        v[..32].CopyTo(output);
        var pos = 32;
        for (var i = 1; i < r; i++)
        {
            Blake2b.Hash(v, v);
            v[..32].CopyTo(output[pos..]);
            pos += 32;
        }
        Blake2b.Hash(v, output[pos..]);
        CryptographicOperations.ZeroMemory(v);
    }

    /// <summary>State of one derivation; an instance method is the Parallel.For body so nothing is allocated per block.</summary>
    private sealed class Run
    {
        private readonly ulong* _memory;
        private readonly int _lanes;
        private readonly int _laneLength;
        private readonly int _segmentLength;
        private readonly int _passes;
        private readonly uint _blockCount;
        private readonly Action<int> _fillLane;
        private readonly bool _vectorized;
        private int _pass;
        private int _slice;

        public Run(ulong* memory, int lanes, int laneLength, int segmentLength, int passes, uint blockCount, bool vectorized)
        {
            _vectorized = vectorized;
            _memory = memory;
            _lanes = lanes;
            _laneLength = laneLength;
            _segmentLength = segmentLength;
            _passes = passes;
            _blockCount = blockCount;
            _fillLane = FillLane;
        }

        private ulong* Block(int lane, int index) => _memory + ((long)lane * _laneLength + index) * Argon2Block.Words;

        /// <summary>RFC 9106 §3.4 steps 3–4: B[i][0] = H'^1024(H0 ‖ LE32(0) ‖ LE32(i)), B[i][1] likewise with 1.</summary>
        public void InitFirstBlocks(Span<byte> h0Ext)
        {
            Span<byte> block = stackalloc byte[BlockBytes];
            for (var lane = 0; lane < _lanes; lane++)
            {
                for (var column = 0; column < 2; column++)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(h0Ext[64..], (uint)column);
                    BinaryPrimitives.WriteUInt32LittleEndian(h0Ext[68..], (uint)lane);
                    VariableHash(h0Ext, block);
                    var dst = Block(lane, column);
                    for (var w = 0; w < Argon2Block.Words; w++)
                        dst[w] = BinaryPrimitives.ReadUInt64LittleEndian(block[(8 * w)..]);
                }
            }
            CryptographicOperations.ZeroMemory(block);
        }

        public void FillMemory()
        {
            // On a single CPU, threads would only add switching: the lanes are then filled in turn.
            var parallel = _lanes > 1 && Environment.ProcessorCount > 1;
            for (_pass = 0; _pass < _passes; _pass++)
            {
                for (_slice = 0; _slice < SyncPoints; _slice++)
                {
                    // Parallel.For returns only when every lane has finished this segment: that is the
                    // synchronisation point the algorithm requires before the next slice may reference it.
                    if (parallel)
                        Parallel.For(0, _lanes, _fillLane);
                    else
                        for (var lane = 0; lane < _lanes; lane++) FillLane(lane);
                }
            }
        }

        private void FillLane(int lane) => FillSegment(_pass, lane, _slice);

        /// <summary>RFC 9106 §3.4 steps 5–6 for one segment, with Argon2id's addressing (§3.4.1.3).</summary>
        [SkipLocalsInit]
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void FillSegment(int pass, int lane, int slice)
        {
            // Argon2id: data-independent addressing in the first half of the first pass only.
            var dataIndependent = pass == 0 && slice < SyncPoints / 2;
            var vectorized = _vectorized;

            var scratch = stackalloc ulong[2 * Argon2Block.Words];
            var addressBlock = stackalloc ulong[Argon2Block.Words];
            var inputBlock = stackalloc ulong[Argon2Block.Words];
            var zeroBlock = stackalloc ulong[Argon2Block.Words];

            if (dataIndependent)
            {
                new Span<ulong>(zeroBlock, Argon2Block.Words).Clear();
                new Span<ulong>(inputBlock, Argon2Block.Words).Clear();
                inputBlock[0] = (ulong)pass;
                inputBlock[1] = (ulong)lane;
                inputBlock[2] = (ulong)slice;
                inputBlock[3] = _blockCount;
                inputBlock[4] = (ulong)_passes;
                inputBlock[5] = TypeId;
            }

            var startIndex = 0;
            if (pass == 0 && slice == 0)
            {
                startIndex = 2; // B[i][0] and B[i][1] were made by InitFirstBlocks
                if (dataIndependent) NextAddresses(addressBlock, inputBlock, zeroBlock, scratch, vectorized);
            }

            var laneStart = (long)lane * _laneLength;
            var currIndex = slice * _segmentLength + startIndex; // column within the lane
            var prevIndex = currIndex == 0 ? _laneLength - 1 : currIndex - 1;
            var withXor = pass != 0; // version 0x13

            for (var i = startIndex; i < _segmentLength; i++, currIndex++, prevIndex = currIndex - 1)
            {
                ulong pseudoRand;
                if (dataIndependent)
                {
                    if (i % Argon2Block.Words == 0) NextAddresses(addressBlock, inputBlock, zeroBlock, scratch, vectorized);
                    pseudoRand = addressBlock[i % Argon2Block.Words];
                }
                else
                {
                    pseudoRand = _memory[(laneStart + prevIndex) * Argon2Block.Words];
                }

                // J2 picks the lane (never another lane in the very first slice), J1 the block.
                var refLane = (pass == 0 && slice == 0) ? lane : (int)((pseudoRand >> 32) % (ulong)_lanes);
                var refIndex = IndexAlpha(pass, slice, i, (uint)pseudoRand, refLane == lane);

                var prev = _memory + (laneStart + prevIndex) * Argon2Block.Words;
                var reference = _memory + ((long)refLane * _laneLength + refIndex) * Argon2Block.Words;
                var curr = _memory + (laneStart + currIndex) * Argon2Block.Words;
                Argon2Block.Fill(prev, reference, curr, scratch, withXor, vectorized);
            }
        }

        /// <summary>Argon2i address block: G(0, G(0, input)) after bumping the counter (RFC 9106 §3.4.1.2).</summary>
        private static void NextAddresses(ulong* address, ulong* input, ulong* zero, ulong* scratch, bool vectorized)
        {
            input[6]++;
            Argon2Block.Fill(zero, input, address, scratch, withXor: false, vectorized);
            Argon2Block.Fill(zero, address, address, scratch, withXor: false, vectorized);
        }

        /// <summary>RFC 9106 §3.4.2: map J1 onto the reference set of the current position.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private int IndexAlpha(int pass, int slice, int index, uint pseudoRand, bool sameLane)
        {
            uint referenceAreaSize;
            if (pass == 0)
            {
                if (slice == 0)
                    referenceAreaSize = (uint)(index - 1); // everything before, except the previous block
                else if (sameLane)
                    referenceAreaSize = (uint)(slice * _segmentLength + index - 1);
                else
                    referenceAreaSize = (uint)(slice * _segmentLength + (index == 0 ? -1 : 0));
            }
            else
            {
                if (sameLane)
                    referenceAreaSize = (uint)(_laneLength - _segmentLength + index - 1);
                else
                    referenceAreaSize = (uint)(_laneLength - _segmentLength + (index == 0 ? -1 : 0));
            }

            ulong relative = pseudoRand;
            relative = (relative * relative) >> 32;
            relative = referenceAreaSize - 1 - ((referenceAreaSize * relative) >> 32);

            var start = 0u;
            if (pass != 0)
                start = slice == SyncPoints - 1 ? 0u : (uint)((slice + 1) * _segmentLength);

            return (int)((start + relative) % (uint)_laneLength);
        }

        /// <summary>RFC 9106 §3.4 steps 7–8: XOR the last column and hash it to the tag length.</summary>
        public byte[] ComputeTag(int outputLength)
        {
            var c = stackalloc ulong[Argon2Block.Words];
            var last = Block(0, _laneLength - 1);
            for (var w = 0; w < Argon2Block.Words; w++) c[w] = last[w];
            for (var lane = 1; lane < _lanes; lane++)
            {
                last = Block(lane, _laneLength - 1);
                for (var w = 0; w < Argon2Block.Words; w++) c[w] ^= last[w];
            }

            Span<byte> bytes = stackalloc byte[BlockBytes];
            for (var w = 0; w < Argon2Block.Words; w++) BinaryPrimitives.WriteUInt64LittleEndian(bytes[(8 * w)..], c[w]);
            var tag = new byte[outputLength];
            VariableHash(bytes, tag);
            CryptographicOperations.ZeroMemory(bytes);
            new Span<ulong>(c, Argon2Block.Words).Clear();
            return tag;
        }
    }
}
