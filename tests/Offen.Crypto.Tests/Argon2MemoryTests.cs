namespace Offen.Crypto.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMemoryCollection
{
    public const string Name = "process memory (runs alone)";
}

/// <summary>
/// Argon2's working memory goes back to the operating system after each derivation. With the C heap, glibc kept
/// the freed blocks of concurrent derivations resident (one per thread arena), and the server stayed 100 MiB or
/// more above its resting size after a burst of logins. Runs alone, so no other test moves this process's RSS.
/// </summary>
[Collection(ProcessMemoryCollection.Name)]
public class Argon2MemoryTests
{
    private static double RssMiB()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }

    [Fact]
    public void ConcurrentDerivations_ReturnTheirWorkingMemory()
    {
        if (!OperatingSystem.IsLinux()) return; // /proc/self/status; the C-heap path elsewhere is not what this checks
        const int Threads = 8, MemoryKiB = 30 * 1024; // 240 MiB in flight; below glibc's 32 MiB mmap ceiling
        Assert.True(WorkMemory.UsesMappings, "mmap/munmap were not found among the process's symbols");
        var salt = new byte[16];
        void Round() => Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads },
            i => Argon2id.Derive([(byte)i], salt, 1, MemoryKiB, 4, 32));

        GC.Collect();
        var before = RssMiB();
        var peak = before;
        for (var round = 0; round < 4; round++) Round(); // after the first free, glibc would serve these from its heaps
        GC.Collect();
        var after = RssMiB();
        Assert.True(after - before < 48, $"RSS {before:F0} MiB before, {after:F0} MiB after {4 * Threads} derivations of {MemoryKiB / 1024} MiB");
    }
}
