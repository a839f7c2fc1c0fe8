using System.Diagnostics;
using System.Text;

namespace Offen.Testing;

/// <summary>
/// Collects what the servers started by tests log, so that scripts/check-logs.py can prove that a full test
/// run logged nothing identifying (spec README "Quality bar"; server.md §9.2). Inactive unless the variable
/// OFFEN_TEST_LOG_DIR names a directory: then every in-process host and every spawned <c>offen</c> process
/// writes its output to a file of its own there, named <c>&lt;test project&gt;.&lt;name&gt;.&lt;pid&gt;-&lt;n&gt;.log</c>.
/// </summary>
public static class TestLogs
{
    public const string Variable = "OFFEN_TEST_LOG_DIR";
    private static int _counter;

    /// <summary>The log directory, or null when the run does not collect logs.</summary>
    public static string? Dir => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } d ? d : null;

    /// <summary>A new log file for one server's output; null when no directory is set.</summary>
    public static TestLogFile? Open(string name)
    {
        if (Dir is not { } dir) return null;
        Directory.CreateDirectory(dir);
        var project = typeof(TestLogs).Assembly.GetName().Name;
        var safe = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray());
        var path = Path.Combine(dir, $"{project}.{safe}.{Environment.ProcessId}-{Interlocked.Increment(ref _counter)}.log");
        return new TestLogFile(path);
    }
}

/// <summary>One append-only log file, written line by line from any thread and flushed at once (a killed test
/// process still leaves everything written so far).</summary>
public sealed class TestLogFile : IDisposable
{
    private readonly StreamWriter _writer;
    public string Path { get; }

    public TestLogFile(string path)
    {
        Path = path;
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false)) { AutoFlush = true };
    }

    public void WriteLine(string line)
    {
        lock (_writer)
        {
            try { _writer.WriteLine(line); }
            catch (ObjectDisposedException) { }
        }
    }

    public void Dispose()
    {
        lock (_writer) _writer.Dispose();
    }
}

/// <summary>
/// The output of a spawned process, drained line by line from the moment it starts (so a chatty server never
/// blocks on a full pipe), kept for assertions, and copied to <see cref="TestLogs"/> when that is active.
/// Call <see cref="Drain"/> right after <see cref="Process.Start()"/> and read the output only through it.
/// </summary>
public sealed class ProcessOutput
{
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TestLogFile? _log;

    /// <summary>All of stdout, complete when the process closed it (lines joined with "\n").</summary>
    public Task<string> Stdout { get; }
    /// <summary>All of stderr, complete when the process closed it.</summary>
    public Task<string> Stderr { get; }

    private ProcessOutput(Process process, string name)
    {
        _log = TestLogs.Open(name);
        Stdout = PumpAsync(process.StandardOutput, _stdout);
        Stderr = PumpAsync(process.StandardError, _stderr);
        _ = Task.WhenAll(Stdout, Stderr).ContinueWith(_ => _log?.Dispose(), TaskScheduler.Default);
    }

    /// <param name="name">Names the log file, e.g. "cli-serve".</param>
    public static ProcessOutput Drain(Process process, string name) => new(process, name);

    public string StdoutSoFar { get { lock (_stdout) return _stdout.ToString(); } }
    public string StderrSoFar { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>The first stdout line matching <paramref name="match"/>, or null when stdout ended without one.</summary>
    public async Task<string?> WaitForStdoutLineAsync(Func<string, bool> match, CancellationToken ct)
    {
        while (true)
        {
            var ended = Stdout.IsCompleted;
            var line = StdoutSoFar.Split('\n').FirstOrDefault(match);
            if (line is not null || ended) return line;
            await Task.Delay(50, ct);
        }
    }

    private Task<string> PumpAsync(StreamReader reader, StringBuilder into) => Task.Run(async () =>
    {
        string? line;
        while ((line = await reader.ReadLineAsync()) is not null)
        {
            lock (into) into.Append(line).Append('\n');
            _log?.WriteLine(line);
        }
        lock (into) return into.ToString();
    });
}
