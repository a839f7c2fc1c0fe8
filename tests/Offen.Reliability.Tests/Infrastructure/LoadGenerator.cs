using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Offen.Api.Tests;
using Offen.Crypto;

namespace Offen.Reliability.Tests;

/// <summary>
/// A visitor's vault talking to a server in another process: the key exchange of clients-and-crypto.md §4.4 (a
/// fresh AES key, wrapped with RSA-OAEP for the account's public key) and events encrypted under that key. The steps
/// are those of <see cref="Intents.Visitor"/>, which is bound to the in-process TestHost.
///
/// Every request carries <c>Connection: close</c>: HttpClient silently resends a request that failed on a reused
/// keep-alive connection before any response byte arrived, and such a resend of a POST that the killed server had
/// already committed would store the event twice through no fault of the server.
/// </summary>
public sealed class RemoteVisitor(Uri baseAddress, string accountId) : IDisposable
{
    private TestClient _client = new(baseAddress, null);
    private byte[] _key = [];

    public bool Exchanged { get; private set; }

    private static void Close(HttpRequestMessage r) => r.Headers.ConnectionClose = true;

    /// <summary>GET and POST /api/exchange; true on 204 (the user cookie is set, consent given).</summary>
    public async Task<bool> ExchangeAsync()
    {
        // A half-done exchange (the server died in between) starts over as a new visitor.
        _client.Dispose();
        _client = new TestClient(baseAddress, null);
        Exchanged = false;
        using var res = await _client.GetAsync($"/api/exchange?accountId={accountId}", Close);
        if (res.StatusCode != HttpStatusCode.OK) return false;
        var publicJwk = (await TestClient.JsonAsync(res))!["publicKey"]!.ToJsonString();
        _key = RandomNumberGenerator.GetBytes(16);
        using var rsa = Rsa.ImportJwk(publicJwk);
        var encryptedSecret = Rsa.EncryptOaepSha256Versioned(rsa, Encoding.UTF8.GetBytes(Jwk.UserSecretJwk(_key)));
        using var post = await _client.PostAsync("/api/exchange", new { accountId, encryptedSecret }, Close);
        if (post.StatusCode != HttpStatusCode.NoContent || !_client.Cookies.ContainsKey("user")) return false;
        _client.Cookies["consent"] = "allow";
        Exchanged = true;
        return true;
    }

    public string Encrypt(string plaintext) => Aead.EncryptVersioned(_key, Encoding.UTF8.GetBytes(plaintext));

    public async Task<HttpStatusCode> PostEventAsync(string payload)
    {
        using var res = await _client.PostAsync("/api/events", new { accountId, payload }, Close);
        return res.StatusCode;
    }

    public void Dispose() => _client.Dispose();
}

/// <summary>What happened to every event the generator sent, by payload (unique: each has a fresh IV and marker).</summary>
public sealed class LoadRecord
{
    /// <summary>Answered 201: the server promised these are stored.</summary>
    public ConcurrentDictionary<string, string> Acknowledged { get; } = new();
    /// <summary>No answer (connection refused or reset): may or may not be stored.</summary>
    public ConcurrentDictionary<string, string> Unanswered { get; } = new();
    /// <summary>Answered with another status: payload → status.</summary>
    public ConcurrentDictionary<string, int> Refused { get; } = new();
    /// <summary>Every event request: when it started (<see cref="Stopwatch.GetTimestamp"/>), how long it took, its status (0: no answer).</summary>
    public ConcurrentBag<(long Started, TimeSpan Elapsed, int Status)> Latencies { get; } = [];
    public int ExchangeFailures;

    public IEnumerable<string> Sent => Acknowledged.Keys.Concat(Unanswered.Keys).Concat(Refused.Keys);
}

/// <summary>
/// Several concurrent visitors, each exchanging keys and then posting encrypted PAGEVIEW events with a unique
/// marker in the href until stopped. Bounded: it stops when the token is cancelled (callers also set a deadline).
/// </summary>
public static class LoadGenerator
{
    /// <summary>Starts the visitors; they stop at <see cref="LoadRun.StopAsync"/>, on dispose (also when a test
    /// fails), or after <paramref name="limit"/> at the latest.</summary>
    public static LoadRun Start(Uri baseAddress, string accountId, int visitors, LoadRecord record, TimeSpan limit,
        TimeSpan? pauseAfterFailure = null)
    {
        var stop = new CancellationTokenSource(limit);
        return new LoadRun(stop, RunAsync(baseAddress, accountId, visitors, record, stop.Token, pauseAfterFailure ?? TimeSpan.FromMilliseconds(50)));
    }

    private static Task RunAsync(Uri baseAddress, string accountId, int visitors, LoadRecord record, CancellationToken stop, TimeSpan pause)
    {
        return Task.WhenAll(Enumerable.Range(0, visitors).Select(v => Task.Run(async () =>
        {
            using var visitor = new RemoteVisitor(baseAddress, accountId);
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                if (!visitor.Exchanged)
                {
                    bool ok;
                    try
                    {
                        ok = await visitor.ExchangeAsync();
                    }
                    catch (HttpRequestException)
                    {
                        ok = false;
                    }
                    if (!ok)
                    {
                        Interlocked.Increment(ref record.ExchangeFailures);
                        await Delay(pause, stop);
                    }
                    continue;
                }
                var marker = $"rel-{v}-{n++}-{Guid.NewGuid():N}";
                var payload = visitor.Encrypt(Intents.Visitor.Pageview($"https://site.example.test/{marker}"));
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var status = await visitor.PostEventAsync(payload);
                    record.Latencies.Add((started, Stopwatch.GetElapsedTime(started), (int)status));
                    if (status == HttpStatusCode.Created)
                    {
                        record.Acknowledged[payload] = marker;
                        continue;
                    }
                    record.Refused[payload] = (int)status;
                }
                catch (HttpRequestException)
                {
                    record.Latencies.Add((started, Stopwatch.GetElapsedTime(started), 0));
                    record.Unanswered[payload] = marker;
                }
                await Delay(pause, stop);
            }
        })));
    }

    private static async Task Delay(TimeSpan t, CancellationToken ct)
    {
        try
        {
            await Task.Delay(t, ct);
        }
        catch (OperationCanceledException)
        {
        }
    }
}

/// <summary>A running load; stopping waits for the visitors' last requests.</summary>
public sealed class LoadRun(CancellationTokenSource stop, Task visitors) : IAsyncDisposable
{
    public bool IsCompleted => visitors.IsCompleted;

    public async Task StopAsync()
    {
        await stop.CancelAsync();
        await visitors;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (Exception)
        {
            // Only reached when the test already failed; its own exception is the one that matters.
        }
        stop.Dispose();
    }
}
