using System.Runtime.InteropServices;

namespace Offen.Crypto;

/// <summary>
/// Argon2's working memory (16 or 64 MiB per derivation), taken from the kernel and given back to it on every call.
/// glibc serves a 16 MiB malloc from its heaps once a free of that size has raised its mmap threshold, and keeps
/// the freed pages resident: a burst of logins left the server 100 MiB or more above its resting size for good,
/// a different amount from run to run. An anonymous mapping is returned in full by munmap. On Linux the pages are
/// populated in the same call (one kernel entry instead of 4,096 page faults); elsewhere the C heap is used.
/// </summary>
internal static unsafe class WorkMemory
{
    private const int ProtRead = 0x1, ProtWrite = 0x2;
    private const int MapPrivate = 0x02, MapAnonymous = 0x20, MapPopulate = 0x8000; // the same on x86-64 and arm64

    // Looked up among the symbols the process already has (the C library is loaded), not by a library file name:
    // "libc" would need the libc.so linker script of the -dev package, "libc.so.6" exists only with glibc.
    private static readonly delegate* unmanaged<nint, nuint, int, int, int, nint, nint> Mmap = (delegate* unmanaged<nint, nuint, int, int, int, nint, nint>)Symbol("mmap");
    private static readonly delegate* unmanaged<nint, nuint, int> Munmap = (delegate* unmanaged<nint, nuint, int>)Symbol("munmap");
    private static readonly bool Mapped = OperatingSystem.IsLinux() && Mmap != null && Munmap != null;

    private static nint Symbol(string name) =>
        OperatingSystem.IsLinux() && NativeLibrary.TryGetExport(NativeLibrary.GetMainProgramHandle(), name, out var p) ? p : 0;

    /// <summary>At least 64-byte aligned (page aligned when mapped), contents unspecified.</summary>
    public static void* Allocate(nuint bytes)
    {
        if (!Mapped) return NativeMemory.AlignedAlloc(bytes, 64);
        var p = Mmap(0, bytes, ProtRead | ProtWrite, MapPrivate | MapAnonymous | MapPopulate, -1, 0);
        if (p == -1) throw new OutOfMemoryException($"mmap of {bytes} bytes failed (errno {Marshal.GetLastSystemError()})");
        return (void*)p;
    }

    public static void Free(void* memory, nuint bytes)
    {
        if (!Mapped) { NativeMemory.AlignedFree(memory); return; }
        if (Munmap((nint)memory, bytes) != 0) throw new InvalidOperationException($"munmap failed (errno {Marshal.GetLastSystemError()})");
    }

    /// <summary>True when derivations use their own mappings (Linux), false on the C heap.</summary>
    internal static bool UsesMappings => Mapped;
}
