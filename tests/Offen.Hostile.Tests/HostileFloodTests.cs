using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Offen.Hostile.Tests;

/// <summary>
/// Issue 6 item 3: more than 10,000 malformed or hostile requests across every route of server.md §1.3–1.4,
/// against the real `offen serve` process configured as in production (SQLite, access log, delaying rate
/// limiter on), with valid visitors and an operator interleaved. Proves: no status outside the set server.md
/// allows (the only 5xx are those of <see cref="HostileCorpus.ExpectedServerErrors"/>), well-formed responses,
/// no crash and no hang, memory back near its baseline, every acknowledged event stored exactly once, and no
/// hostile identifying value in the server's output.
///
/// The rate limiter stays on (no reverse-proxy mode): the flood is spread over many fake visitors and users,
/// requests that may wait in the limiter run in a wide lane of their own, and the limiter's 30 s cap bounds
/// the run. Knobs for exploring, all optional: OFFEN_HOSTILE_SEED (another corpus), OFFEN_HOSTILE_SCALE
/// (corpus size, 1 = 11,650 requests), OFFEN_HOSTILE_TRACE=&lt;file&gt; (progress and the server's output).
/// </summary>
[Collection(ServeProcessCollection.Name)]
public sealed partial class HostileFloodTests(ITestOutputHelper output)
{
    /// <summary>The corpus is a function of this seed (override with OFFEN_HOSTILE_SEED to explore others).</summary>
    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("OFFEN_HOSTILE_SEED"), out var s) ? s : 20061003;
    private static double Scale => double.TryParse(Environment.GetEnvironmentVariable("OFFEN_HOSTILE_SCALE"), CultureInfo.InvariantCulture, out var s) ? s : 1.0;

    /// <summary>Progress lines for a developer watching a run (OFFEN_HOSTILE_TRACE=&lt;file&gt;); off by default.</summary>
    private static void Trace(string line)
    {
        if (Environment.GetEnvironmentVariable("OFFEN_HOSTILE_TRACE") is { Length: > 0 } file)
            lock (TraceLock) File.AppendAllText(file, $"{DateTime.UtcNow:HH:mm:ss.fff} {line}\n");
    }
    private static readonly Lock TraceLock = new();

    // the limiter holds a request up to 30 s (§1.8), the Argon2 queue refuses work it cannot start within 10 s,
    // and a login needs up to three derivations: past 90 s a request counts as hung
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(90);
    private const int FastLane = 24;
    private const int SlowLane = 192;
    private const int ValidVisitors = 100;
    private const int EventsPerVisitor = 4;

    /// <summary>
    /// RSS allowed after the flood and the quiet period: the larger of 1.5 × the baseline and baseline + 96 MiB.
    /// Measured on this project's CI-sized host, with Argon2's working memory returned to the kernel after each
    /// derivation: a baseline of 127–138 MiB, and heaps, SQLite page caches and pools settling 50–57 MiB above
    /// it after 11,650 requests when the test runs alone, up to 66 MiB while the other test projects run beside
    /// it, and 68 MiB after 29,125 requests (still filling caches, not growing with the count). A leak of 10 KiB
    /// per request (114 MiB here), or of the megabyte body buffers, exceeds the limit; so did Argon2's blocks
    /// kept in glibc's heaps (+106 and +132 MiB), and the key-derivation problem this test found first took the
    /// server to 2.5 GB.
    /// </summary>
    private static double RssLimit(double baseline) => Math.Max(1.5 * baseline, baseline + 96);

    private const string AdminEmail = "flood-admin@example.test";
    private const string FirstPassword = "first password 1";
    private const string AdminPassword = "second password 2";
    private const string InviteeEmail = "flood-invitee@example.test";
    private const string InviteePassword = "invitee password 3";

    [GeneratedRegex("zq[0-9a-f]{13}")] private static partial Regex MarkerPattern();
    /// <summary>server.md §9.2: one access-log line per request on stdout, the request URI as sent (no spaces).</summary>
    [GeneratedRegex(@"^- - - \[\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] ""[!#$%&'*+.^_`|~0-9A-Za-z-]+ \S+ HTTP/1\.[01]"" \d{3} -$")]
    private static partial Regex AccessLogLine();
    [GeneratedRegex(@"/(?:reset-password|join)/([A-Za-z0-9_\-\.]+)/")] private static partial Regex TokenInUrl();

    [Fact]
    public async Task HostileFlood_AnswersOnlyAllowedStatuses_StaysUp_ReturnsMemory_StoresValidTraffic_LogsNothingIdentifying()
    {
        var clock = Stopwatch.StartNew();
        await using var serve = await ServeProcess.StartAsync();
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None })
        { BaseAddress = serve.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        ApiClient NewClient() => new(http, serve.Origin);
        Trace($"server up after {clock.Elapsed.TotalSeconds:F1} s");

        // ---- 1. an instance with an admin, a used reset token, a join token, visitors
        var admin = NewClient();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync("/api/setup", new { accountName = "Flood Site", emailAddress = AdminEmail, password = FirstPassword })).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync("/api/forgot-password", new { emailAddress = AdminEmail, urlTemplate = serve.Origin + "/reset-password/{token}/" })).Status);
        var resetToken = TokenFromMail(serve, AdminEmail);
        Trace($"setup+forgot after {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync("/api/reset-password", new { emailAddress = AdminEmail, password = AdminPassword, token = resetToken })).Status);
        var (loginStatus, loginBody) = await admin.PostAsync("/api/login", new { username = AdminEmail, password = AdminPassword });
        Assert.Equal(HttpStatusCode.OK, loginStatus);
        var login = JsonNode.Parse(loginBody)!;
        var accountId = login["accounts"]![0]!["accountId"]!.GetValue<string>();
        var adminUserId = login["accountUserId"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync("/api/share-account", new { invitee = InviteeEmail, emailAddress = AdminEmail, password = AdminPassword, urlTemplate = serve.Origin + "/join/{token}/" })).Status);
        var joinToken = TokenFromMail(serve, InviteeEmail);
        Trace($"reset+login+share after {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(HttpStatusCode.NoContent, (await NewClient().PostAsync("/api/join", new { emailAddress = InviteeEmail, password = InviteePassword, token = joinToken })).Status);
        var authToken = admin.Cookies["auth"];
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync("/api/logout", null)).Status);

        var sent = new ConcurrentDictionary<string, HttpStatusCode>(); // plaintext of each valid event → status
        var validUserIds = new ConcurrentBag<string>();
        var validFailures = new ConcurrentQueue<string>();
        async Task VisitAsync(int events, string tag)
        {
            try
            {
                await VisitCoreAsync(events, tag);
            }
            catch (HttpRequestException e)
            {
                validFailures.Enqueue($"{tag}: {e.Message} {e.InnerException?.Message}");
            }
        }
        async Task VisitCoreAsync(int events, string tag)
        {
            var v = new Visitor(NewClient(), accountId);
            var (get, post) = await v.ExchangeAsync();
            if (get != HttpStatusCode.OK || post != HttpStatusCode.NoContent) { validFailures.Enqueue($"{tag}: exchange answered {(int)get}/{(int)post}"); return; }
            validUserIds.Add(v.UserId);
            for (var e = 0; e < events; e++)
            {
                var plaintext = Visitor.Pageview($"{tag}-{e}-{Guid.NewGuid():N}");
                var status = await v.PostEventAsync(v.Encrypt(plaintext));
                sent[plaintext] = status;
                if (status != HttpStatusCode.Created) validFailures.Enqueue($"{tag}: event answered {(int)status}");
            }
        }
        Trace($"join+logout after {clock.Elapsed.TotalSeconds:F1} s");
        var hostileVisitors = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            var v = new Visitor(NewClient(), accountId);
            Assert.Equal((HttpStatusCode.OK, HttpStatusCode.NoContent), await v.ExchangeAsync());
            hostileVisitors.Add(v.UserId);
        }
        var victim = new Visitor(NewClient(), accountId);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.NoContent), await victim.ExchangeAsync());
        for (var e = 0; e < 2; e++)
        {
            var plaintext = Visitor.Pageview($"victim-{e}-{Guid.NewGuid():N}");
            Assert.Equal(HttpStatusCode.Created, await victim.PostEventAsync(victim.Encrypt(plaintext)));
            sent[plaintext] = HttpStatusCode.Created;
        }
        validUserIds.Add(victim.UserId);

        var context = new CorpusContext(serve.Authority, accountId, adminUserId, AdminEmail, AdminPassword, authToken, resetToken, joinToken,
            InviteeEmail, serve.Secret, hostileVisitors, victim.UserId);
        var setupTime = clock.Elapsed;
        Trace($"setup done in {setupTime.TotalSeconds:F1} s");

        // ---- 2. warm-up (JIT, pools, caches), then the memory baseline. Only requests that never wait in the
        // limiter, so the warm-up takes seconds; a different seed, so it is not a rehearsal of the flood.
        var warmup = HostileCorpus.Generate(context, Seed + 1, 0.05).Where(p => !p.Slow).ToList();
        // As wide as the flood's widest lane, so connection and buffer pools reach their working size before the
        // baseline: what the RSS check is after is growth with the number of requests, not pools filling once.
        var warmupResults = await RunAsync(serve, warmup, Seed + 1, null, SlowLane);
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => VisitAsync(2, $"warmup{i}")));
        await Task.Delay(TimeSpan.FromSeconds(3));
        var baseline = serve.RssMiB();
        Trace($"warm-up done ({warmup.Count} requests), baseline {baseline:F0} MiB");

        // ---- 3. the flood, with valid visitors starting at even steps of its progress
        var corpus = HostileCorpus.Generate(context, Seed, Scale);
        var done = 0;
        var visitorTasks = new ConcurrentBag<Task>();
        var startedVisitors = 0;
        void OnEach()
        {
            var d = Interlocked.Increment(ref done);
            while (true)
            {
                var started = Volatile.Read(ref startedVisitors);
                if (started >= ValidVisitors || d < (long)started * corpus.Count / ValidVisitors) return;
                if (Interlocked.CompareExchange(ref startedVisitors, started + 1, started) == started)
                    visitorTasks.Add(Task.Run(() => VisitAsync(EventsPerVisitor, $"valid{started}")));
            }
        }
        var peak = baseline;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested && !serve.Process.HasExited)
            {
                peak = Math.Max(peak, serve.RssMiB());
                Trace($"flood: {Volatile.Read(ref done)}/{corpus.Count} done, {Volatile.Read(ref startedVisitors)} visitors, RSS {serve.RssMiB():F0} MiB");
                try { await Task.Delay(250, sampling.Token); } catch (OperationCanceledException) { }
            }
        });
        var floodClock = Stopwatch.StartNew();
        var results = await RunAsync(serve, corpus, Seed, OnEach);
        while (Volatile.Read(ref startedVisitors) < ValidVisitors) OnEach(); // (only if the corpus were tiny)
        await Task.WhenAll(visitorTasks);
        var floodTime = floodClock.Elapsed;
        Trace($"flood done in {floodTime.TotalSeconds:F1} s");
        await sampling.CancelAsync();
        await sampler;

        Assert.False(serve.Process.HasExited, $"offen serve exited during the flood: {serve.Output.StderrSoFar}");

        // ---- 4. quiet period: memory must come back within the tolerance
        var threshold = RssLimit(baseline);
        var after = serve.RssMiB();
        for (var waited = 0; waited < 20 && after > threshold; waited++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            after = serve.RssMiB();
            Trace($"quiet: RSS {after:F0} MiB");
        }

        // ---- 5. the operator's view: credentials intact, account not retired, every acknowledged event there once
        var op = NewClient();
        var (reLogin, reLoginBody) = await op.PostAsync("/api/login", new { username = AdminEmail, password = AdminPassword });
        Assert.True(reLogin == HttpStatusCode.OK, $"the admin's password changed or login broke: {(int)reLogin} {reLoginBody}");
        var (accountStatus, accountBody) = await op.GetAsync($"/api/accounts/{accountId}");
        Assert.Equal(HttpStatusCode.OK, accountStatus);
        Assert.Equal(HttpStatusCode.OK, (await op.GetAsync($"/api/exchange?accountId={accountId}")).Status); // not retired
        Assert.Equal(HttpStatusCode.Forbidden, (await op.GetAsync("/api/setup")).Status);
        var stored = OperatorView.Decrypt(JsonNode.Parse(reLoginBody)!, JsonNode.Parse(accountBody)!);
        var mails = serve.Mails();

        // ---- 6. the server's output, after a graceful stop (the access log is flushed)
        await serve.StopAsync();
        var stdout = await serve.Output.Stdout;
        var logs = stdout + "\n" + await serve.Output.Stderr;
        if (Environment.GetEnvironmentVariable("OFFEN_HOSTILE_TRACE") is { Length: > 0 } traceFile) await File.WriteAllTextAsync(traceFile + ".server.log", logs);
        foreach (var line in (await serve.Output.Stderr).Split('\n').Where(l => l.Contains(" fail: ", StringComparison.Ordinal) || l.Contains("crit:", StringComparison.Ordinal)).Take(10))
            output.WriteLine("server: " + line);

        // ---- evaluation
        var all = warmup.Zip(warmupResults).Concat(corpus.Zip(results)).ToList();
        var failures = all.Select(x => (x.First, x.Second, Why: Check(x.First, x.Second, serve))).Where(x => x.Why is not null).ToList();
        PrintSummary(corpus, results, warmup.Count, failures.Count, baseline, peak, after, threshold, setupTime, floodTime, clock.Elapsed);
        foreach (var (p, r, why) in failures.Take(25))
            output.WriteLine($"FAIL [{p.Class}] {p.Route}: {why}; status {r.Status} {r.Kind}; request {Describe(p.Request)}; body {Describe(r.Body)}");

        var serverErrors = all.Where(x => x.Second.Kind == RawKind.Response && x.Second.Status >= 500).GroupBy(x => x.Second.Status).ToDictionary(g => g.Key, g => g.Count());
        var plaintexts = stored.Where(s => s.Plaintext is not null).GroupBy(s => s.Plaintext!).ToDictionary(g => g.Key, g => g.Count());
        var payloads = stored.GroupBy(s => s.Payload).ToDictionary(g => g.Key, g => g.Count());
        var hostileStored = all.Where(x => x.First.StoredPayload is not null && x.Second.Status == 201).Select(x => x.First.StoredPayload!).ToList();
        var acknowledgedValid = sent.Where(s => s.Value == HttpStatusCode.Created).Select(s => s.Key).ToList();
        var hostile201 = all.Count(x => x.First.Route == HostileCorpus.EventsPost && x.Second.Status == 201);
        output.WriteLine($"stored events: {stored.Count} = {acknowledgedValid.Count} valid + {hostile201} hostile payloads acknowledged; mails sent: {mails.Count}");

        Assert.True(results.Length >= 10_000 * Scale, $"only {results.Length} hostile requests");
        Assert.Empty(failures.Select(f => $"[{f.First.Class}] {f.First.Route}: {f.Why}"));
        Assert.All(serverErrors.Keys, s => Assert.True(HostileCorpus.ExpectedServerErrors.ContainsKey(s), $"unexpected {s}"));
        Assert.True(after <= threshold, $"RSS {after:F0} MiB after the quiet period, baseline {baseline:F0} MiB (limit {threshold:F0} MiB), peak {peak:F0} MiB");
        Assert.Empty(validFailures);
        Assert.Equal(ValidVisitors * EventsPerVisitor + 10 * 2 + 2, sent.Count);
        Assert.All(acknowledgedValid, p => Assert.True(plaintexts.GetValueOrDefault(p) == 1, $"valid event stored {plaintexts.GetValueOrDefault(p)} times"));
        Assert.All(hostileStored, p => Assert.True(payloads.GetValueOrDefault(p) == 1, "hostile payload not stored verbatim exactly once"));
        Assert.Equal(acknowledgedValid.Count + hostile201, stored.Count);
        // Only the two mails of the setup: no cross-site or forged request got as far as sending one.
        Assert.Equal(2, mails.Count);

        // Nothing identifying in the output: hostile values by their unique marker, the real ones verbatim.
        var leakedMarkers = MarkerPattern().Matches(logs).Select(m => m.Value).ToHashSet();
        var identifying = all.SelectMany(x => x.First.Identifying).ToList();
        var identifyingMarkers = identifying.SelectMany(v => MarkerPattern().Matches(v).Select(m => m.Value)).ToHashSet();
        leakedMarkers.IntersectWith(identifyingMarkers);
        Assert.True(leakedMarkers.Count == 0, $"hostile identifying values in the log: {string.Join(", ", leakedMarkers.Take(5))}");
        var verbatim = identifying.Where(v => v.Length >= 16 && !MarkerPattern().IsMatch(v))
            .Concat([AdminEmail, FirstPassword, AdminPassword, InviteeEmail, InviteePassword, authToken, resetToken, joinToken])
            .Concat(validUserIds).Concat(hostileVisitors).Distinct().ToList();
        var leaked = verbatim.Where(v => logs.Contains(v, StringComparison.Ordinal)).ToList();
        Assert.True(leaked.Count == 0, $"identifying values in the log: {string.Join(", ", leaked.Take(3).Select(v => v[..Math.Min(24, v.Length)]))}");
        Assert.DoesNotContain("Unhandled error", logs, StringComparison.Ordinal);
        // Hostile paths must not break or forge access-log lines (a decoded %0D%0A would start a line of its own).
        var badLines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !AccessLogLine().IsMatch(l)).ToList();
        Assert.True(badLines.Count == 0, $"{badLines.Count} malformed access-log lines, e.g. {JsonSerializer.Serialize(badLines.FirstOrDefault())}");
        // No address from a request line (CONNECT 127.0.0.1:port, absolute-form targets) in the access log.
        Assert.DoesNotContain(serve.Authority, stdout, StringComparison.Ordinal);
        Assert.DoesNotMatch(new Regex(@" (fail|crit): "), logs);
    }

    private static readonly HashSet<string> SharedKeyRoutes =
    [
        HostileCorpus.LoginPost, HostileCorpus.Forgot, HostileCorpus.SetupPost, HostileCorpus.ChangePassword, HostileCorpus.ChangeEmail,
        HostileCorpus.Share, HostileCorpus.ShareId, HostileCorpus.Styles, HostileCorpus.Reset, HostileCorpus.Join, HostileCorpus.AccountsPost,
    ];

    /// <summary>Runs the probes in a seeded order, in two lanes: one for requests that can wait in the limiter.</summary>
    private static async Task<RawResult[]> RunAsync(ServeProcess serve, IReadOnlyList<Probe> probes, int seed, Action? onEach, int fastLane = FastLane)
    {
        var results = new RawResult[probes.Count];
        var order = Enumerable.Range(0, probes.Count).ToArray();
        new Random(seed).Shuffle(order);
        async Task Lane(IEnumerable<int> indexes, int width) =>
            await Parallel.ForEachAsync(indexes, new ParallelOptions { MaxDegreeOfParallelism = width }, async (i, _) =>
            {
                results[i] = await RawHttp.SendAsync(serve.EndPoint, probes[i].Request, RequestTimeout);
                onEach?.Invoke();
            });
        // Requests on a limiter key that everyone shares (global, or the one admin's) go first in their lane: their
        // queue then drains while the rest of the flood runs, instead of holding the run for 30 s at its end.
        var slow = order.Where(i => probes[i].Slow).OrderBy(i => SharedKeyRoutes.Contains(probes[i].Route) ? 0 : 1).ToList();
        await Task.WhenAll(Lane(order.Where(i => !probes[i].Slow), fastLane), Lane(slow, SlowLane));
        return results;
    }

    /// <summary>Null when the response is one server.md allows for the probe; otherwise why not.</summary>
    private static string? Check(Probe p, RawResult r, ServeProcess serve)
    {
        switch (r.Kind)
        {
            case RawKind.Refused: return "connection refused: the server is gone";
            case RawKind.Timeout: return $"no response within {RequestTimeout.TotalSeconds} s";
            case RawKind.Closed: return p.MayClose ? null : "connection closed without a response";
        }
        if (r.Malformed is not null) return "malformed response: " + r.Malformed;
        if (!p.Expected.Contains(r.Status)) return $"status {r.Status}, allowed {string.Join("/", p.Expected.Order())}";
        if (r.Headers.Any(h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase))) return "CORS header (server.md §1.7: none anywhere)";
        var text = r.BodyText;
        if (text.Contains("<zqx-", StringComparison.Ordinal)) return "hostile markup reflected unescaped";
        foreach (var leak in new[] { "root:x:0:0", "root:*:", "SQLite format 3", "OFFEN_", Convert.ToBase64String(serve.Secret), "PATH=/", "[boot loader]" })
            if (text.Contains(leak, StringComparison.Ordinal)) return $"response body contains '{leak}'";
        if (r.Header("Content-Type") is { } ct && ct.StartsWith("application/json", StringComparison.Ordinal) && r.Body.Length > 0)
        {
            JsonNode? node;
            try { node = JsonNode.Parse(r.Body); }
            catch (JsonException) { return "invalid JSON body"; }
            if (r.Header("Cache-Control") != "no-store") return "JSON answer without Cache-Control: no-store (server.md §1.7)";
            if (r.Status >= 400 && node is JsonObject o
                && (o["error"]?.GetValueKind() != JsonValueKind.String || o["status"]?.GetValueKind() != JsonValueKind.Number || o["status"]!.GetValue<int>() != r.Status))
                return "error body is not {\"error\": string, \"status\": <the status>} (server.md §1.2)";
        }
        return null;
    }

    private static string TokenFromMail(ServeProcess serve, string to)
    {
        var mail = serve.Mails().LastOrDefault(m => string.Equals(m.To, to, StringComparison.OrdinalIgnoreCase));
        Assert.True(mail.Text is not null, $"no mail to {to}");
        var m = TokenInUrl().Match(mail.Text);
        Assert.True(m.Success, "no token link in the mail");
        return m.Groups[1].Value;
    }

    private static string Describe(RawRequest r) => Describe(r.Head.Take(160).ToArray()).Replace("\\r\\n", " | ", StringComparison.Ordinal);

    private static string Describe(byte[] bytes)
    {
        var s = Encoding.Latin1.GetString(bytes, 0, Math.Min(bytes.Length, 160));
        return JsonSerializer.Serialize(s)[1..^1];
    }

    private void PrintSummary(IReadOnlyList<Probe> corpus, RawResult[] results, int warmupCount, int failureCount, double baseline, double peak, double after,
        double threshold, TimeSpan setup, TimeSpan flood, TimeSpan total)
    {
        var rows = corpus.Zip(results).GroupBy(x => x.First.Class).OrderBy(g => g.Key, StringComparer.Ordinal);
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"seed {Seed}: {corpus.Count} hostile requests (+{warmupCount} in the warm-up), {failureCount} failed checks");
        sb.AppendLine(CultureInfo.InvariantCulture, $"{"class",-18} {"requests",8}  statuses seen");
        foreach (var g in rows)
        {
            var statuses = g.GroupBy(x => x.Second.Kind == RawKind.Response ? x.Second.Status.ToString(CultureInfo.InvariantCulture) : x.Second.Kind.ToString().ToLowerInvariant())
                .OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}×{s.Count()}");
            var slowest = g.Max(x => x.Second.Elapsed).TotalSeconds;
            sb.AppendLine(CultureInfo.InvariantCulture, $"{g.Key,-18} {g.Count(),8}  {string.Join(" ", statuses)}  (slowest {slowest:F1} s)");
        }
        sb.AppendLine(CultureInfo.InvariantCulture, $"{"total",-18} {corpus.Count,8}");
        var routes = corpus.GroupBy(p => p.Route).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}: {g.Count()}");
        sb.AppendLine("requests per route: " + string.Join("; ", routes));
        sb.AppendLine(CultureInfo.InvariantCulture, $"RSS: baseline {baseline:F0} MiB, peak {peak:F0} MiB, after the quiet period {after:F0} MiB (limit {threshold:F0} MiB)");
        sb.AppendLine(CultureInfo.InvariantCulture, $"time: setup {setup.TotalSeconds:F1} s, flood {flood.TotalSeconds:F1} s ({corpus.Count / flood.TotalSeconds:F0} req/s), total {total.TotalSeconds:F1} s");
        output.WriteLine(sb.ToString());
    }
}
