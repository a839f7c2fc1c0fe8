using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MySqlConnector;
using Npgsql;
using Offen.Hosting;
using Offen.Mail;
using Offen.Persistence;

namespace Offen.Api.Tests;

/// <summary>A fresh database of one dialect per test: a temp SQLite file, or a new PostgreSQL/MariaDB database.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public Dialect Dialect { get; }
    public string ConnectionString { get; }
    private readonly Func<Task> _drop;

    private TestDatabase(Dialect dialect, string cs, Func<Task> drop) { Dialect = dialect; ConnectionString = cs; _drop = drop; }

    public static IEnumerable<object[]> All => [[Dialect.Sqlite], [Dialect.Postgres], [Dialect.MySql]];

    public static async Task<TestDatabase> CreateAsync(Dialect dialect)
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..16];
        switch (dialect)
        {
            case Dialect.Sqlite:
            {
                var dir = Directory.CreateTempSubdirectory("offen-api-");
                return new TestDatabase(dialect, Path.Combine(dir.FullName, "offen.db"), () => { dir.Delete(true); return Task.CompletedTask; });
            }
            case Dialect.Postgres:
            {
                var admin = Required("OFFEN_TEST_POSTGRES");
                await using (var c = new NpgsqlConnection(admin)) { await c.OpenAsync(); await new NpgsqlCommand($"CREATE DATABASE {name}", c).ExecuteNonQueryAsync(); }
                var cs = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
                return new TestDatabase(dialect, cs, async () =>
                {
                    NpgsqlConnection.ClearAllPools();
                    await using var c = new NpgsqlConnection(admin);
                    await c.OpenAsync();
                    await new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", c).ExecuteNonQueryAsync();
                });
            }
            default:
            {
                var admin = Required("OFFEN_TEST_MYSQL");
                await using (var c = new MySqlConnection(admin)) { await c.OpenAsync(); await new MySqlCommand($"CREATE DATABASE {name}", c).ExecuteNonQueryAsync(); }
                var cs = new MySqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
                return new TestDatabase(dialect, cs, async () =>
                {
                    MySqlConnection.ClearAllPools();
                    await using var c = new MySqlConnection(admin);
                    await c.OpenAsync();
                    await new MySqlCommand($"DROP DATABASE IF EXISTS {name}", c).ExecuteNonQueryAsync();
                });
            }
        }
    }

    private static string Required(string variable) => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } v ? v
        : throw new InvalidOperationException($"{variable} is not set: run the suite through scripts/test.sh, which starts PostgreSQL and MariaDB");

    public async ValueTask DisposeAsync() => await _drop();
}

/// <summary>Mail the server sent, kept in memory for assertions (the real SMTP path is tested by Offen.Mail.Tests).</summary>
public sealed class RecordingMailer : IMailer
{
    public List<MailMessageData> Sent { get; } = [];
    /// <summary>When set, every send fails like an unreachable SMTP server.</summary>
    public bool Fail { get; set; }
    public Task SendAsync(MailMessageData message, CancellationToken ct)
    {
        if (Fail) throw new MailException("smtp: connection refused");
        lock (Sent) Sent.Add(message);
        return Task.CompletedTask;
    }
}

/// <summary>A real Kestrel server on 127.0.0.1 with a fresh database; the unit of every API test.</summary>
public sealed class TestHost : IAsyncDisposable
{
    public TestDatabase Database { get; }
    public OffenStore Store { get; }
    public WebApplication App { get; }
    public Uri BaseAddress { get; }
    public RecordingMailer Mailer { get; } = new();
    public ServerSettings Settings { get; }
    public MemoryStream AccessLog { get; } = new();

    private TestHost(TestDatabase db, OffenStore store, WebApplication app, Uri baseAddress, ServerSettings settings, RecordingMailer mailer)
    {
        Database = db; Store = store; App = app; BaseAddress = baseAddress; Settings = settings; Mailer = mailer;
    }

    /// <summary>What this host logged (access log and application log), kept when started with captureLogs.</summary>
    public CapturedLog Log { get; private init; } = null!;

    /// <param name="captureLogs">Keep the log lines in <see cref="Log"/> for assertions. With it, or when
    /// OFFEN_TEST_LOG_DIR is set (then also written there, see tests/Shared/TestLogs.cs), the host logs at
    /// Information like `offen serve` does by default; otherwise at Warning and the access log is dropped.</param>
    public static async Task<TestHost> StartAsync(Dialect dialect, Func<ServerSettings, ServerSettings>? configure = null, bool captureLogs = false)
    {
        var db = await TestDatabase.CreateAsync(dialect);
        var store = OffenStore.Open(dialect, db.ConnectionString);
        await store.MigrateAsync();
        var settings = new ServerSettings { Secret = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray(), Revision = "test-revision", RateLimiting = false };
        if (configure is not null) settings = configure(settings);
        var mailer = new RecordingMailer();
        var log = new CapturedLog(captureLogs, TestLogs.Open("api-host"));
        var level = log.Active ? LogLevel.Information : LogLevel.Warning;
        var app = OffenApp.Build(settings, store, mailer, new ListenOptions(IPAddress.Loopback, 0), level, runExpiryJob: false,
            log.Active ? new LineSinkStream(log.Add) : Stream.Null);
        // Added after Build, the provider sees exactly what the console provider of `offen serve` would print
        // (same minimum level and the same "Microsoft" filter).
        if (log.Active) app.Services.GetRequiredService<ILoggerFactory>().AddProvider(log);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestHost(db, store, app, new Uri(address), settings, mailer) { Log = log };
    }

    public TestClient Client(string? host = null) => new(BaseAddress, host);

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await Store.DisposeAsync();
        await Database.DisposeAsync();
        Log.Dispose();
    }
}

/// <summary>
/// The log lines of one in-process host: the access log (server.md §9.2, one line per request) and the
/// application log, formatted like the single-line console output of `offen serve`.
/// </summary>
public sealed class CapturedLog(bool keep, TestLogFile? file) : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();
    public bool Active => keep || file is not null;
    public IReadOnlyList<string> Lines => [.. _lines];

    public void Add(string line)
    {
        if (keep) _lines.Enqueue(line);
        file?.WriteLine(line);
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
    public void Dispose() => file?.Dispose();

    private sealed class Logger(CapturedLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var level = logLevel switch
            {
                LogLevel.Trace => "trce", LogLevel.Debug => "dbug", LogLevel.Information => "info",
                LogLevel.Warning => "warn", LogLevel.Error => "fail", _ => "crit",
            };
            var line = $"{DateTimeOffset.Now:yyyy-MM-ddTHH:mm:ssK} {level}: {category}[{eventId.Id}] {formatter(state, exception)}";
            log.Add(exception is null ? line : line + " " + exception.ToString().ReplaceLineEndings(" | "));
        }
    }
}

/// <summary>A write-only stream that hands every complete UTF-8 line to a callback (for the access log).</summary>
public sealed class LineSinkStream(Action<string> sink) : Stream
{
    private readonly MemoryStream _pending = new();
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        lock (_pending)
        {
            foreach (var b in buffer.AsSpan(offset, count))
            {
                if (b != (byte)'\n') { _pending.WriteByte(b); continue; }
                sink(Encoding.UTF8.GetString(_pending.GetBuffer(), 0, (int)_pending.Length));
                _pending.SetLength(0);
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
        lock (_pending)
        {
            if (_pending.Length > 0) sink(Encoding.UTF8.GetString(_pending.GetBuffer(), 0, (int)_pending.Length));
            _pending.SetLength(0);
        }
        base.Dispose(disposing);
    }
}

/// <summary>
/// A browser-like client: keeps cookies by name (the tests assert their attributes separately) and sends
/// bodies without a Content-Type, as the vault does.
/// </summary>
public sealed class TestClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string? _host;
    public Dictionary<string, string> Cookies { get; } = new();

    public TestClient(Uri baseAddress, string? host)
    {
        _http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None })
        { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        _host = host;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body = null, Action<HttpRequestMessage>? configure = null)
    {
        var req = new HttpRequestMessage(method, path);
        if (_host is not null) req.Headers.Host = _host;
        if (body is not null)
        {
            req.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            req.Content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "UTF-8" };
        }
        if (Cookies.Count > 0) req.Headers.Add("Cookie", string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}")));
        configure?.Invoke(req);
        var res = await _http.SendAsync(req);
        if (res.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var sc in setCookies)
            {
                var nv = sc.Split(';')[0];
                var eq = nv.IndexOf('=');
                var (name, value) = (nv[..eq], nv[(eq + 1)..]);
                if (sc.Contains("Expires=Thu, 01 Jan 1970", StringComparison.Ordinal)) Cookies.Remove(name);
                else Cookies[name] = value;
            }
        }
        return res;
    }

    public Task<HttpResponseMessage> GetAsync(string path, Action<HttpRequestMessage>? configure = null) => SendAsync(HttpMethod.Get, path, null, configure);
    public Task<HttpResponseMessage> PostAsync(string path, object? body, Action<HttpRequestMessage>? configure = null) =>
        SendAsync(HttpMethod.Post, path, body is string s ? s : JsonSerializer.Serialize(body), configure);
    public Task<HttpResponseMessage> PutAsync(string path, object? body) => SendAsync(HttpMethod.Put, path, JsonSerializer.Serialize(body));
    public Task<HttpResponseMessage> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    public static async Task<JsonNode?> JsonAsync(HttpResponseMessage res) => JsonNode.Parse(await res.Content.ReadAsStringAsync());

    public void Dispose() => _http.Dispose();
}
