// Load generator for bench/soak.sh and bench/scale.sh (issue 6, items 4 and 6): real HTTP against a running
// `offen serve`. Visitors exchange a secret and encrypt their events like the vault, operators log in and
// decrypt like the auditorium (clients-and-crypto.md §4.4; the same steps as tests/Offen.Api.Tests/Intents.cs).
//   LoadGen soak     --base URL --account ID --email E --password P --pid PID [--rate 200] [--duration 180] ...
//   LoadGen exchange --base URL --account ID --count N --out FILE [--concurrency 16]
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Offen.Crypto;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
try
{
    return args.FirstOrDefault() switch
    {
        "soak" => await Soak.RunAsync(new Options(args[1..])),
        "exchange" => await ExchangeCommand.RunAsync(new Options(args[1..])),
        _ => Usage(),
    };
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"LoadGen: {e.Message}");
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage: LoadGen soak --base URL --account ID --email E --password P --pid PID
                            [--rate 200] [--duration 180] [--interval 15] [--visitors 1000] [--events-per-visitor 20]
                            [--operators 2] [--poll 5] [--relogin 60] [--max-error-pct 0.1] [--max-growth-pct 15] [--max-growth-mib 16]
               LoadGen exchange --base URL --account ID --count N --out FILE [--concurrency 16]
        """);
    return 2;
}

/// <summary>`--name value` pairs.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> _values = new();

    public Options(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length) throw new ArgumentException($"unexpected argument '{args[i]}'");
            _values[args[i][2..]] = args[++i];
        }
    }

    public string Str(string name) => _values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");
    public double Num(string name, double fallback) => _values.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
    public int Int(string name, int fallback) => (int)Num(name, fallback);
}

/// <summary>Latencies and failures of one kind of request, per reporting window and in total.</summary>
internal sealed class Kind(string name, string label)
{
    private readonly object _lock = new();
    private List<double> _window = [];
    private readonly List<double> _all = [];
    private long _windowErrors, _allErrors;

    public string Name { get; } = name;
    public string Label { get; } = label;

    public void Record(double ms, bool ok)
    {
        lock (_lock)
        {
            _window.Add(ms);
            _all.Add(ms);
            if (!ok) { _windowErrors++; _allErrors++; }
        }
    }

    public (int N, long Errors, double P50, double P99) TakeWindow()
    {
        List<double> w;
        long e;
        lock (_lock) { (w, e) = (_window, _windowErrors); _window = []; _windowErrors = 0; }
        w.Sort();
        return (w.Count, e, Percentile(w, 0.50), Percentile(w, 0.99));
    }

    public (int N, long Errors, double P50, double P99, double Max) Total()
    {
        List<double> a;
        long e;
        lock (_lock) { a = [.. _all]; e = _allErrors; }
        a.Sort();
        return (a.Count, e, Percentile(a, 0.50), Percentile(a, 0.99), a.Count == 0 ? 0 : a[^1]);
    }

    public static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)];
}

/// <summary>One browser's requests: cookies are set by hand, bodies go without a JSON content type like the vault's.</summary>
internal static class Http
{
    public static HttpClient Create(string baseUrl, int maxConnections) => new(new SocketsHttpHandler
    {
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        MaxConnectionsPerServer = maxConnections,
    })
    { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Sends, times and classifies one request; a transport failure or an unexpected status is an error.</summary>
    public static async Task<(HttpResponseMessage? Response, string Body)> TimedAsync(HttpClient http, Kind kind, HttpMethod method, string path,
        string? cookie, string? body, HttpStatusCode expected, Func<string, bool>? check = null)
    {
        var req = new HttpRequestMessage(method, path);
        if (body is not null) req.Content = new StringContent(body, Encoding.UTF8, "text/plain");
        if (cookie is not null) req.Headers.Add("Cookie", cookie);
        var sw = Stopwatch.StartNew();
        try
        {
            var res = await http.SendAsync(req);
            var text = await res.Content.ReadAsStringAsync();
            // the latency is the server's answer, without the client's own work (the operator's decryption) below
            var ms = sw.Elapsed.TotalMilliseconds;
            var ok = res.StatusCode == expected && (check is null || Safe(check, text));
            kind.Record(ms, ok);
            return (ok ? res : null, text);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            kind.Record(sw.Elapsed.TotalMilliseconds, false);
            return (null, "");
        }
    }

    /// <summary>A body that does not parse as expected is a failed request, not a crash of the load generator.</summary>
    private static bool Safe(Func<string, bool> check, string body)
    {
        try { return check(body); }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException or CryptographicException or KeyNotFoundException)
        {
            return false;
        }
    }

    public static string? CookieValue(HttpResponseMessage res, string name) =>
        res.Headers.TryGetValues("Set-Cookie", out var all)
            ? all.Select(c => c.Split(';')[0]).Where(nv => nv.StartsWith(name + "=", StringComparison.Ordinal)).Select(nv => nv[(name.Length + 1)..]).LastOrDefault()
            : null;
}

/// <summary>A visitor's vault: one user id and AES key per secret exchange.</summary>
internal sealed class Visitor
{
    public SemaphoreSlim Gate { get; } = new(1, 1);
    public string? UserId { get; private set; }
    public byte[] Key { get; private set; } = [];
    public int Remaining { get; set; }

    /// <summary>GET /api/exchange, a fresh 16-byte key wrapped with RSA-OAEP for the account, POST /api/exchange (server.md §1.4).</summary>
    public async Task<bool> ExchangeAsync(HttpClient http, Kind kind, string accountId)
    {
        var key = RandomNumberGenerator.GetBytes(16);
        string? encryptedSecret = null;
        var (get, _) = await Http.TimedAsync(http, kind, HttpMethod.Get, $"/api/exchange?accountId={accountId}", null, null, HttpStatusCode.OK, body =>
        {
            using var rsa = Rsa.ImportJwk(JsonNode.Parse(body)!["publicKey"]!.ToJsonString());
            encryptedSecret = Rsa.EncryptOaepSha256Versioned(rsa, Encoding.UTF8.GetBytes(Jwk.UserSecretJwk(key)));
            return true;
        });
        if (get is null || encryptedSecret is null) return false;
        // a new visitor has no user cookie yet: the server makes the id
        var (post, _) = await Http.TimedAsync(http, kind, HttpMethod.Post, "/api/exchange", null,
            JsonSerializer.Serialize(new { accountId, encryptedSecret }), HttpStatusCode.NoContent);
        if (post is null || Http.CookieValue(post, "user") is not { Length: > 0 } user) return false;
        (UserId, Key) = (user, key);
        return true;
    }

    public static string Pageview(long n) =>
        $$"""{"type":"PAGEVIEW","href":"https://www.example.test/page-{{n % 50}}","referrer":"","pageload":412,"isMobile":false,"timestamp":"{{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ}}","sessionId":"{{Guid.NewGuid()}}","geo":"DE"}""";
}

/// <summary>The auditorium's side: login, the reduced login check, account queries with `since`, decryption.</summary>
internal sealed class Operator(HttpClient http, string accountId, string email, string password)
{
    private string? _auth;
    private string? _accountUserId;
    private byte[]? _kek;
    private RSA? _privateKey;
    private readonly Dictionary<string, byte[]> _userKeys = new();

    public string? Since { get; private set; }
    public HashSet<string> Seen { get; } = [];
    public long DecryptFailures { get; private set; }

    public async Task<bool> LoginAsync(Kind login, Kind whoami)
    {
        string? userId = null;
        byte[]? kek = null;
        var (res, _) = await Http.TimedAsync(http, login, HttpMethod.Post, "/api/login", null,
            JsonSerializer.Serialize(new { username = email, password }), HttpStatusCode.OK, body =>
            {
                var result = JsonNode.Parse(body)!;
                userId = result["accountUserId"]!.GetValue<string>();
                kek = Jwk.ReadOctKey(result["accounts"]!.AsArray().First(a => a!["accountId"]!.GetValue<string>() == accountId)!["keyEncryptionKey"]!.ToJsonString());
                return true;
            });
        if (res is null || Http.CookieValue(res, "auth") is not { Length: > 0 } auth) return false;
        (_auth, _accountUserId, _kek) = (auth, userId, kek);
        _privateKey?.Dispose();
        _privateKey = null;
        return await WhoAmIAsync(whoami);
    }

    /// <summary>GET /api/login: the vault only compares the account user id with its stored session.</summary>
    public async Task<bool> WhoAmIAsync(Kind whoami)
    {
        var (res, _) = await Http.TimedAsync(http, whoami, HttpMethod.Get, "/api/login", $"auth={_auth}", null, HttpStatusCode.OK,
            body => JsonNode.Parse(body)?["accountUserId"]?.GetValue<string>() == _accountUserId);
        return res is not null;
    }

    /// <summary>
    /// GET /api/accounts/:id, incremental with the last `sequence` as `since` like the vault (server.md §5.7), and
    /// every event decrypted: private key under the KEK, the user's secret with RSA-OAEP, the payload with AES-GCM.
    /// Returns the number of events that decrypted, or -1 on failure.
    /// </summary>
    public async Task<int> FetchAsync(Kind kind, bool incremental)
    {
        var path = $"/api/accounts/{accountId}" + (incremental && Since is not null ? $"?since={Since}" : "");
        var decrypted = 0;
        var failures = 0;
        var (res, _) = await Http.TimedAsync(http, kind, HttpMethod.Get, path, $"auth={_auth}", null, HttpStatusCode.OK, body =>
        {
            var account = JsonNode.Parse(body)!;
            if (_privateKey is null)
                _privateKey = Rsa.ImportJwk(Encoding.UTF8.GetString(Aead.DecryptVersioned(_kek!, account["encryptedPrivateKey"]!.GetValue<string>())));
            var secrets = account["secrets"]?.AsObject();
            foreach (var e in account["events"]?[accountId]?.AsArray() ?? [])
            {
                try
                {
                    var secretId = e!["secretId"]!.GetValue<string>();
                    if (!_userKeys.TryGetValue(secretId, out var userKey))
                        _userKeys[secretId] = userKey = Jwk.ReadOctKey(Encoding.UTF8.GetString(Rsa.DecryptOaepSha256Versioned(_privateKey, secrets![secretId]!.GetValue<string>())));
                    var plain = Encoding.UTF8.GetString(Aead.DecryptVersioned(userKey, e["payload"]!.GetValue<string>()));
                    if (!plain.StartsWith("""{"type":"PAGEVIEW",""", StringComparison.Ordinal)) throw new CryptographicException("unexpected plaintext");
                    if (incremental) Seen.Add(e["eventId"]!.GetValue<string>());
                    decrypted++;
                }
                catch (Exception ex) when (ex is CryptographicException or NullReferenceException or InvalidOperationException or FormatException or KeyNotFoundException)
                {
                    failures++;
                }
            }
            if (account["sequence"]?.GetValue<string>() is { } seq) Since = seq;
            return failures == 0;
        });
        DecryptFailures += failures;
        return res is null ? -1 : decrypted;
    }
}

internal static class Soak
{
    public static async Task<int> RunAsync(Options o)
    {
        var baseUrl = o.Str("base");
        var accountId = o.Str("account");
        var (email, password) = (o.Str("email"), o.Str("password"));
        var pid = o.Int("pid", 0);
        var rate = o.Num("rate", 200);
        var duration = TimeSpan.FromSeconds(o.Num("duration", 180));
        var interval = TimeSpan.FromSeconds(o.Num("interval", 15));
        var visitorCount = o.Int("visitors", 1000);
        var eventsPerVisitor = o.Int("events-per-visitor", 20);
        var operatorCount = o.Int("operators", 2);
        var poll = TimeSpan.FromSeconds(o.Num("poll", 5));
        var relogin = TimeSpan.FromSeconds(o.Num("relogin", 60));
        var maxErrorPct = o.Num("max-error-pct", 0.1);
        var maxGrowthPct = o.Num("max-growth-pct", 15);
        var maxGrowthMib = o.Num("max-growth-mib", 16);
        if (pid <= 0 || !File.Exists($"/proc/{pid}/status")) throw new ArgumentException("--pid must name the running server process");

        var ev = new Kind("event", "POST /api/events");
        var exchange = new Kind("exchange", "exchange GET+POST");
        var account = new Kind("account", "GET /api/accounts/:id");
        var login = new Kind("login", "POST /api/login");
        var whoami = new Kind("whoami", "GET /api/login");
        Kind[] kinds = [ev, exchange, account, login, whoami];

        using var http = Http.Create(baseUrl, 256);
        var visitors = Enumerable.Range(0, visitorCount).Select(_ => new Visitor()).ToArray();

        // Warm-up, not measured: every visitor slot exchanges once, so that the steady state is reached at once and
        // the visitor churn during the soak (one new visitor per ~events-per-visitor events) is even.
        var warm = Stopwatch.StartNew();
        var warmKind = new Kind("warmup", "warm-up exchange");
        await Parallel.ForEachAsync(visitors, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (v, _) =>
        {
            if (await v.ExchangeAsync(http, warmKind, accountId)) v.Remaining = Random.Shared.Next(1, 2 * eventsPerVisitor);
        });
        var w = warmKind.Total();
        Console.WriteLine($"warm-up: {visitorCount} visitors exchanged in {warm.Elapsed.TotalSeconds:F1} s ({w.Errors} failed requests)");
        Console.WriteLine($"soak: {rate} events/s for {duration.TotalSeconds:F0} s, {visitorCount} visitors (a new one every ~{eventsPerVisitor} events), " +
            $"{operatorCount} operators (poll every {poll.TotalSeconds:F0} s, login every {relogin.TotalSeconds:F0} s), server pid {pid}");
        Console.WriteLine();

        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var rss = new List<(double T, double Mib)>();
        (double Rss, double Anon, int Threads, int Fds) lastMemory = (double.NaN, double.NaN, 0, 0);
        var serverGone = false;
        long acked = 0, inflight = 0;

        // memory: VmRSS of the server every second
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var m = ReadMemory(pid);
                if (m is null) { serverGone = true; break; }
                lock (rss) { rss.Add((clock.Elapsed.TotalSeconds, m.Value.Rss)); lastMemory = m.Value; }
                try { await Task.Delay(1000, stop.Token); } catch (OperationCanceledException) { }
            }
        });

        // operators, staggered over the poll period so that their account queries do not share the per-account
        // rate-limit window (server.md §1.8, linear 1 s)
        var operators = Enumerable.Range(0, operatorCount).Select(_ => new Operator(http, accountId, email, password)).ToArray();
        var operatorTasks = operators.Select((op, i) => Task.Run(async () =>
        {
            try
            {
                await Task.Delay(poll * i / operatorCount, stop.Token);
                await op.LoginAsync(login, whoami);
                await op.FetchAsync(account, incremental: true);
                var lastLogin = clock.Elapsed;
                while (!stop.IsCancellationRequested)
                {
                    await Task.Delay(poll, stop.Token);
                    if (clock.Elapsed - lastLogin >= relogin)
                    {
                        await op.LoginAsync(login, whoami);
                        lastLogin = clock.Elapsed;
                    }
                    await op.FetchAsync(account, incremental: true);
                    await op.WhoAmIAsync(whoami);
                }
            }
            catch (OperationCanceledException) { }
        })).ToArray();

        // the table
        Console.WriteLine($"{"",5} | {"server process",-25} |" + string.Concat(kinds.Select(k => $" {k.Label,-27} |")));
        Console.WriteLine($"{"t s",5} | {"RSS MiB",7} {"anon",7} {"thr",4} {"fds",4} |" + string.Concat(kinds.Select(_ => $" {"req",6} {"err",4} {"p50 ms",7} {"p99 ms",7} |")));
        // rows while the load runs; the last row is printed after the in-flight requests have drained
        var reporter = Task.Run(async () =>
        {
            for (var next = interval; next < duration; next += interval)
            {
                var wait = next - clock.Elapsed;
                if (wait > TimeSpan.Zero) await Task.Delay(wait);
                PrintRow(next.TotalSeconds);
            }
        });

        void PrintRow(double t)
        {
            (double Rss, double Anon, int Threads, int Fds) m;
            lock (rss) m = lastMemory;
            var row = new StringBuilder($"{t,5:F0} | {m.Rss,7:F1} {m.Anon,7:F1} {m.Threads,4} {m.Fds,4} |");
            foreach (var k in kinds)
            {
                var (n, e, p50, p99) = k.TakeWindow();
                row.Append($" {n,6} {e,4} {Ms(p50),7} {Ms(p99),7} |");
            }
            Console.WriteLine(row);
        }

        // open-loop visitors: events are started on schedule whatever the server's latency, so a slow server shows
        // up as latency and queueing instead of as a lower offered rate
        long issued = 0;
        while (clock.Elapsed < duration && !serverGone)
        {
            var due = (long)(clock.Elapsed.TotalSeconds * rate);
            for (; issued < due; issued++)
            {
                var v = visitors[issued % visitorCount];
                var n = issued;
                Interlocked.Increment(ref inflight);
                _ = Task.Run(async () =>
                {
                    try
                    {
                        if (await SendEventAsync(http, v, n, accountId, eventsPerVisitor, ev, exchange)) Interlocked.Increment(ref acked);
                    }
                    finally { Interlocked.Decrement(ref inflight); }
                });
            }
            await Task.Delay(2);
        }
        var drain = Stopwatch.StartNew();
        while (Interlocked.Read(ref inflight) > 0 && drain.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(20);
        await reporter;
        PrintRow(duration.TotalSeconds);
        stop.Cancel();
        await Task.WhenAll(operatorTasks);
        await sampler;

        // afterwards: one last incremental poll, then a full account query that must hold every acknowledged event
        var checker = operators[0];
        await checker.FetchAsync(new Kind("final", "final"), incremental: true);
        var final = new Operator(http, accountId, email, password);
        var finalKind = new Kind("final", "final");
        var stored = await final.LoginAsync(finalKind, finalKind) ? await final.FetchAsync(finalKind, incremental: false) : -1;
        return Verdict(kinds, rss, serverGone, acked, issued, stored, checker, final, maxErrorPct, maxGrowthPct, maxGrowthMib);
    }

    private static async Task<bool> SendEventAsync(HttpClient http, Visitor v, long n, string accountId, int eventsPerVisitor, Kind ev, Kind exchange)
    {
        await v.Gate.WaitAsync();
        try
        {
            if (v.UserId is null || v.Remaining <= 0)
            {
                // this visitor leaves; a new one arrives in the slot and exchanges first
                if (!await v.ExchangeAsync(http, exchange, accountId)) return false;
                v.Remaining = Random.Shared.Next(eventsPerVisitor / 2, eventsPerVisitor * 3 / 2 + 1);
            }
            v.Remaining--;
            var payload = Aead.EncryptVersioned(v.Key, Encoding.UTF8.GetBytes(Visitor.Pageview(n)));
            var (res, _) = await Http.TimedAsync(http, ev, HttpMethod.Post, "/api/events", $"consent=allow; user={v.UserId}",
                JsonSerializer.Serialize(new { accountId, payload }), HttpStatusCode.Created);
            return res is not null;
        }
        finally { v.Gate.Release(); }
    }

    private static int Verdict(Kind[] kinds, List<(double T, double Mib)> rss, bool serverGone, long acked, long issued, int stored,
        Operator poller, Operator final, double maxErrorPct, double maxGrowthPct, double maxGrowthMib)
    {
        Console.WriteLine();
        Console.WriteLine($"{"total",-23} | {"req",7} {"err",5} {"err %",7} {"p50 ms",7} {"p99 ms",7} {"max ms",8}");
        long requests = 0, errors = 0;
        foreach (var k in kinds)
        {
            var (n, e, p50, p99, max) = k.Total();
            requests += n;
            errors += e;
            Console.WriteLine($"{k.Label,-23} | {n,7} {e,5} {(n == 0 ? 0 : 100.0 * e / n),7:F3} {Ms(p50),7} {Ms(p99),7} {max,8:F1}");
        }
        var errorPct = requests == 0 ? 100 : 100.0 * errors / requests;
        var failed = false;
        Console.WriteLine();

        // memory rule: the first third of the run is the ramp-up (JIT, GC heaps and pools sizing themselves, caches
        // filling), so it is reported but not judged. Bounded means: the median RSS of the last third exceeds the
        // median of the middle third by at most max-growth-pct percent, or max-growth-mib MiB on a small heap. A
        // leak grows at a steady rate and fails this within minutes; the slope is printed for information.
        var samples = rss.ToArray();
        if (samples.Length < 9)
        {
            Console.WriteLine("memory: FAIL, too few RSS samples");
            failed = true;
        }
        else
        {
            var third = samples.Length / 3;
            var first = Median(samples.Take(third).Select(s => s.Mib));
            var middle = Median(samples.Skip(third).Take(third).Select(s => s.Mib));
            var last = Median(samples.Skip(samples.Length - third).Select(s => s.Mib));
            var growth = last - middle;
            var limit = Math.Max(middle * maxGrowthPct / 100, maxGrowthMib);
            var slope = Slope(samples[third..]) * 60;
            var ok = growth <= limit;
            failed |= !ok;
            Console.WriteLine($"memory: RSS median per third {first:F1} / {middle:F1} / {last:F1} MiB, peak {samples.Max(s => s.Mib):F1} MiB; " +
                $"last vs middle third {growth:+0.0;-0.0} MiB (limit {limit:F1} MiB = max({maxGrowthPct} %, {maxGrowthMib} MiB)), " +
                $"trend after ramp-up {slope:+0.0;-0.0} MiB/min: {(ok ? "bounded" : "FAIL, grows")}");
        }
        var errorsOk = errorPct <= maxErrorPct;
        failed |= !errorsOk;
        Console.WriteLine($"errors: {errors} of {requests} requests = {errorPct:F3} % (limit {maxErrorPct} %): {(errorsOk ? "ok" : "FAIL")}");
        var storedOk = stored == acked && final.DecryptFailures == 0 && poller.DecryptFailures == 0;
        failed |= !storedOk;
        Console.WriteLine($"events: {issued} sent, {acked} acknowledged (201), {stored} in the operator's full account query, all decrypted: " +
            $"{(storedOk ? "ok" : "FAIL")} (decrypt failures {poller.DecryptFailures + final.DecryptFailures}; seen by incremental polls {poller.Seen.Count})");
        if (serverGone)
        {
            Console.WriteLine("server: FAIL, the process disappeared");
            failed = true;
        }
        Console.WriteLine($"acked events: {acked}");
        Console.WriteLine(failed ? "verdict: FAIL" : "verdict: PASS");
        return failed ? 1 : 0;
    }

    private static string Ms(double ms) => double.IsNaN(ms) ? "-" : ms.ToString("F1", CultureInfo.InvariantCulture);

    /// <summary>VmRSS, RssAnon (heaps, without mapped files) and threads from /proc/&lt;pid&gt;/status, and the open file descriptors.</summary>
    private static (double Rss, double Anon, int Threads, int Fds)? ReadMemory(int pid)
    {
        try
        {
            double rss = double.NaN, anon = double.NaN, threads = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kib(line) / 1024;
                else if (line.StartsWith("RssAnon:", StringComparison.Ordinal)) anon = Kib(line) / 1024;
                else if (line.StartsWith("Threads:", StringComparison.Ordinal)) threads = Kib(line);
            }
            return (rss, anon, (int)threads, Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;

        static double Kib(string line) => double.Parse(line[(line.IndexOf(':') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private static double Median(IEnumerable<double> values)
    {
        var s = values.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }

    /// <summary>Least-squares slope in MiB per second.</summary>
    private static double Slope((double T, double Mib)[] s)
    {
        var (mt, mm) = (s.Average(x => x.T), s.Average(x => x.Mib));
        var den = s.Sum(x => (x.T - mt) * (x.T - mt));
        return den == 0 ? 0 : s.Sum(x => (x.T - mt) * (x.Mib - mm)) / den;
    }
}

/// <summary>Visitors with a stored secret for bench/scale.sh, made through the real exchange; prints their user ids.</summary>
internal static class ExchangeCommand
{
    public static async Task<int> RunAsync(Options o)
    {
        var (baseUrl, accountId, count, outFile) = (o.Str("base"), o.Str("account"), o.Int("count", 0), o.Str("out"));
        using var http = Http.Create(baseUrl, 64);
        var kind = new Kind("exchange", "exchange");
        var ids = new string?[count];
        var sw = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = o.Int("concurrency", 16) }, async (i, _) =>
        {
            var v = new Visitor();
            if (await v.ExchangeAsync(http, kind, accountId)) ids[i] = v.UserId;
        });
        var made = ids.OfType<string>().ToList();
        await File.WriteAllLinesAsync(outFile, made);
        Console.WriteLine($"exchanged {made.Count} of {count} visitors in {sw.Elapsed.TotalSeconds:F1} s");
        return made.Count == count ? 0 : 1;
    }
}
