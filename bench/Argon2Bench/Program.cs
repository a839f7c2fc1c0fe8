// Argon2id: the managed implementation (Offen.Crypto) against the reference C library in the same process
// and Debian's argon2 CLI, measured interleaved in one run (style.md: a baseline beside every figure).
// Decision and figures: docs/adr/0001-argon2.md.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics.X86;
using System.Text;
using Offen.Crypto;

var runs = 7;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] is "--runs" or "-n" && i + 1 < args.Length) runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
    else if (args[i] is "-h" or "--help")
    {
        Console.WriteLine("usage: Argon2Bench [--runs N]   (default 7)");
        return 0;
    }
}

const string Password = "development";
const string Salt = "saltsalt"; // ASCII, because the CLI takes the salt as an argument; 8 bytes like a user salt
var password = Encoding.UTF8.GetBytes(Password);
var salt = Encoding.UTF8.GetBytes(Salt);
var cli = FindOnPath("argon2");

(string Label, int T, int M, int P)[] sets =
[
    ("t=4 m=16384 p=4 (algo 3)", 4, 16384, 4),
    ("t=1 m=65536 p=4 (algo 1)", 1, 65536, 4),
];

Console.WriteLine($"Argon2id v1.3, len 32, password \"{Password}\", salt \"{Salt}\"; {Environment.ProcessorCount} logical CPUs, " +
    $"AVX2 {(Avx2.IsSupported ? "yes" : "no")}, .NET {Environment.Version}; {runs} interleaved runs after 2 warm-ups");
Console.WriteLine($"libargon2: {(LibArgon2.IsAvailable ? LibArgon2.LibraryName : "NOT FOUND")}; argon2 CLI: {cli ?? "NOT FOUND"}; " +
    $"load average before: {LoadAverage()}");
Console.WriteLine();

var rows = new List<string[]>();
var failures = 0;
foreach (var (label, t, m, p) in sets)
{
    // Correctness first: every implementation must produce the same tag.
    var reference = Argon2id.Derive(password, salt, t, m, p, 32);
    if (LibArgon2.IsAvailable && !reference.AsSpan().SequenceEqual(LibArgon2.Argon2idHashRaw(password, salt, t, m, p, 32)))
    {
        Console.Error.WriteLine($"MISMATCH managed vs libargon2 for {label}");
        failures++;
    }
    if (cli is not null && RunCli(cli, t, m, p, raw: true).Hex != Convert.ToHexStringLower(reference))
    {
        Console.Error.WriteLine($"MISMATCH managed vs argon2 CLI for {label}");
        failures++;
    }

    for (var w = 0; w < 2; w++)
    {
        Argon2id.Derive(password, salt, t, m, p, 32);
        if (LibArgon2.IsAvailable) LibArgon2.Argon2idHashRaw(password, salt, t, m, p, 32);
    }

    var managed = new Samples();
    var native = new Samples();
    var cliWall = new Samples();
    for (var r = 0; r < runs; r++)
    {
        managed.Add(Measure(() => Argon2id.Derive(password, salt, t, m, p, 32)));
        if (LibArgon2.IsAvailable) native.Add(Measure(() => LibArgon2.Argon2idHashRaw(password, salt, t, m, p, 32)));
        if (cli is not null) cliWall.Add((RunCli(cli, t, m, p, raw: true).WallMs, double.NaN));
    }

    // Without -r the CLI prints "x.xxx seconds": clock() around argon2_hash, i.e. CPU time of all its threads,
    // not wall time. A few extra runs give that figure to compare with our CPU time.
    var cliSelf = new Samples();
    if (cli is not null)
        for (var r = 0; r < Math.Min(runs, 3); r++)
            if (RunCli(cli, t, m, p, raw: false).SelfReportedMs is { } ms) cliSelf.Add((double.NaN, ms));

    var baseline = cliWall.Count > 0 ? cliWall.MedianWall : double.NaN;
    rows.Add(Row("managed (Offen.Crypto)", label, managed, baseline));
    rows.Add(LibArgon2.IsAvailable ? Row("libargon2.so.1 via P/Invoke", label, native, baseline) : Missing("libargon2.so.1 via P/Invoke", label));
    rows.Add(cli is not null ? Row("argon2 CLI, process wall time", label, cliWall, baseline) : Missing("argon2 CLI", label));
    if (cliSelf.Count > 0)
        rows.Add(["argon2 CLI, self-reported (CPU)", label, cliSelf.Count.ToString(CultureInfo.InvariantCulture), "-", "-",
            F(cliSelf.MedianCpu), "-"]);
}

string[] header = ["implementation", "params", "runs", "median ms", "min ms", "CPU ms", "ratio to CLI"];
PrintTable(header, rows);
Console.WriteLine();
Console.WriteLine("median/min ms: wall clock per derivation. CPU ms: median process CPU time per derivation (all threads).");
Console.WriteLine("ratio to CLI: median wall time / median wall time of the CLI process (start-up included, nothing subtracted).");
Console.WriteLine($"load average after: {LoadAverage()} (other processes on the machine skew wall times; CPU ms less so).");
return failures == 0 ? 0 : 1;

static (double WallMs, double CpuMs) Measure(Action action)
{
    var proc = Process.GetCurrentProcess();
    var cpu0 = proc.TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    action();
    sw.Stop();
    proc.Refresh();
    return (sw.Elapsed.TotalMilliseconds, (proc.TotalProcessorTime - cpu0).TotalMilliseconds);
}

static (double WallMs, string Hex, double? SelfReportedMs) RunCli(string cli, int t, int m, int p, bool raw)
{
    var psi = new ProcessStartInfo(cli)
    {
        RedirectStandardInput = true,
        RedirectStandardOutput = true,
        UseShellExecute = false,
    };
    foreach (var a in new[] { Salt, "-id", "-t", $"{t}", "-k", $"{m}", "-p", $"{p}", "-l", "32" }) psi.ArgumentList.Add(a);
    if (raw) psi.ArgumentList.Add("-r");

    var sw = Stopwatch.StartNew();
    using var proc = Process.Start(psi) ?? throw new InvalidOperationException("could not start argon2");
    proc.StandardInput.Write(Password); // the CLI reads the password from stdin, without a newline
    proc.StandardInput.Close();
    var output = proc.StandardOutput.ReadToEnd();
    proc.WaitForExit();
    sw.Stop();

    string hex = "";
    double? self = null;
    foreach (var line in output.Split('\n', StringSplitOptions.TrimEntries))
    {
        if (raw && line.Length == 64) hex = line;
        else if (line.StartsWith("Hash:", StringComparison.Ordinal)) hex = line[5..].Trim();
        else if (line.EndsWith(" seconds", StringComparison.Ordinal) &&
                 double.TryParse(line[..^8], NumberStyles.Float, CultureInfo.InvariantCulture, out var s))
            self = s * 1000;
    }
    return (sw.Elapsed.TotalMilliseconds, hex, self);
}

static string[] Row(string name, string label, Samples s, double cliMedian) =>
[
    name, label, s.Count.ToString(CultureInfo.InvariantCulture), F(s.MedianWall), F(s.MinWall), F(s.MedianCpu),
    double.IsNaN(cliMedian) ? "-" : (s.MedianWall / cliMedian).ToString("0.00", CultureInfo.InvariantCulture) + "x",
];

static string[] Missing(string name, string label) => [name, label, "0", "n/a", "n/a", "n/a", "n/a"];

static string F(double v) => double.IsNaN(v) ? "-" : v.ToString("0.0", CultureInfo.InvariantCulture);

static void PrintTable(string[] header, List<string[]> rows)
{
    var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
    string Line(string[] cells) => "| " + string.Join(" | ", cells.Select((c, i) => i >= 2 ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))) + " |";
    Console.WriteLine(Line(header));
    Console.WriteLine("|" + string.Join("|", widths.Select((w, i) => i >= 2 ? new string('-', w + 1) + ":" : new string('-', w + 2))) + "|");
    foreach (var r in rows) Console.WriteLine(Line(r));
}

// The first three fields of /proc/loadavg on Linux; figures taken on a busy machine are not comparable.
static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static string? FindOnPath(string name) =>
    (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

internal sealed class Samples
{
    private readonly List<double> _wall = [];
    private readonly List<double> _cpu = [];

    public int Count => Math.Max(_wall.Count, _cpu.Count);

    public void Add((double WallMs, double CpuMs) s)
    {
        if (!double.IsNaN(s.WallMs)) _wall.Add(s.WallMs);
        if (!double.IsNaN(s.CpuMs)) _cpu.Add(s.CpuMs);
    }

    public double MedianWall => Median(_wall);
    public double MinWall => _wall.Count == 0 ? double.NaN : _wall.Min();
    public double MedianCpu => Median(_cpu);

    private static double Median(List<double> xs)
    {
        if (xs.Count == 0) return double.NaN;
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}
