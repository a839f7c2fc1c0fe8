using System.Runtime.InteropServices;

namespace Offen.Crypto;

/// <summary>
/// Binding to the reference C library (Debian package <c>libargon2-1</c>), used as the baseline of
/// bench/Argon2Bench and as a cross-check in the tests. Production code does not call it:
/// docs/adr/0001-argon2.md records why the managed implementation is used.
/// The library is loaded by name on first use; nothing fails if it is missing, <see cref="IsAvailable"/> says so.
/// </summary>
public static unsafe class LibArgon2
{
    public const string LibraryName = "libargon2.so.1";

    private static readonly delegate* unmanaged<uint, uint, uint, byte*, nuint, byte*, nuint, byte*, nuint, int> HashRaw = Load();

    /// <summary>True when libargon2.so.1 was found and exports <c>argon2id_hash_raw</c>.</summary>
    public static bool IsAvailable => HashRaw != null;

    private static delegate* unmanaged<uint, uint, uint, byte*, nuint, byte*, nuint, byte*, nuint, int> Load()
    {
        if (!NativeLibrary.TryLoad(LibraryName, out var handle)) return null;
        if (!NativeLibrary.TryGetExport(handle, "argon2id_hash_raw", out var export)) return null;
        return (delegate* unmanaged<uint, uint, uint, byte*, nuint, byte*, nuint, byte*, nuint, int>)export;
    }

    /// <summary>
    /// <c>argon2id_hash_raw(t_cost, m_cost, parallelism, pwd, pwdlen, salt, saltlen, hash, hashlen)</c>:
    /// Argon2id v1.3 with as many threads as lanes.
    /// </summary>
    /// <exception cref="DllNotFoundException">libargon2.so.1 is not installed.</exception>
    /// <exception cref="InvalidOperationException">the library rejected the parameters (it requires a salt of at least 8 bytes).</exception>
    public static byte[] Argon2idHashRaw(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int timeCost, int memoryKiB, int lanes, int outputLength)
    {
        if (HashRaw == null) throw new DllNotFoundException($"{LibraryName} (argon2id_hash_raw) could not be loaded; on Debian install the libargon2-1 package");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timeCost);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(memoryKiB);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lanes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputLength);

        var output = new byte[outputLength];
        int rc;
        fixed (byte* pwd = password)
        fixed (byte* s = salt)
        fixed (byte* o = output)
        {
            rc = HashRaw((uint)timeCost, (uint)memoryKiB, (uint)lanes, pwd, (nuint)password.Length, s, (nuint)salt.Length, o, (nuint)outputLength);
        }
        if (rc != 0) throw new InvalidOperationException($"argon2id_hash_raw returned error code {rc}");
        return output;
    }
}
