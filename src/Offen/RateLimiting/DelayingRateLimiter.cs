using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Offen.RateLimiting;

/// <summary>
/// server.md §1.8: a delaying limiter. The first call for a key passes and blocks the key for the threshold;
/// later calls wait (asynchronously) until their slot, and fail with 429 only when the wait would exceed 30 s.
/// Keys are kept only as SHA-256(key ‖ per-process salt) so no email address stays in memory in clear.
/// </summary>
public sealed class DelayingRateLimiter
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);
    private readonly bool _enabled;
    private readonly TimeProvider _time;
    private readonly byte[] _salt = RandomNumberGenerator.GetBytes(16);
    private readonly ConcurrentDictionary<string, Entry> _entries = new();
    private long _lastSweep;

    private sealed class Entry
    {
        public DateTimeOffset BlockUntil;
        public DateTimeOffset ExpiresAt;
        public int QueueLength;
    }

    public DelayingRateLimiter(bool enabled, TimeProvider? time = null)
    {
        _enabled = enabled;
        _time = time ?? TimeProvider.System;
    }

    /// <returns>false when the caller must answer 429.</returns>
    public async Task<bool> WaitAsync(string key, TimeSpan threshold, bool exponential, CancellationToken ct)
    {
        if (!_enabled) return true; // §1.8: no-op in reverse-proxy mode
        var hashed = Hash(key);
        TimeSpan wait;
        var now = _time.GetUtcNow();
        Sweep(now);
        var entry = _entries.GetOrAdd(hashed, _ => new Entry());
        lock (entry)
        {
            if (entry.QueueLength == 0 || entry.ExpiresAt <= now)
            {
                entry.BlockUntil = now + threshold;
                entry.ExpiresAt = now + threshold;
                entry.QueueLength = 1;
                return true;
            }
            var remaining = entry.BlockUntil - now;
            if (remaining > MaxWait) return false;
            entry.BlockUntil += threshold * (exponential ? entry.QueueLength : 1);
            entry.QueueLength++;
            // upstream sets the entry's TTL to `remaining`, not to the new blockUntil.
            entry.ExpiresAt = now + remaining;
            wait = remaining;
        }
        if (wait > TimeSpan.Zero) await Task.Delay(wait, _time, ct);
        return true;
    }

    private string Hash(string key)
    {
        var max = Encoding.UTF8.GetMaxByteCount(key.Length) + _salt.Length;
        var buf = max <= 1024 ? stackalloc byte[max] : new byte[max];
        var n = Encoding.UTF8.GetBytes(key, buf);
        _salt.CopyTo(buf[n..]);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(buf[..(n + _salt.Length)], digest);
        return Convert.ToHexString(digest);
    }

    private void Sweep(DateTimeOffset now)
    {
        var last = Interlocked.Read(ref _lastSweep);
        if (now.UtcTicks - last < TimeSpan.TicksPerMinute || Interlocked.CompareExchange(ref _lastSweep, now.UtcTicks, last) != last) return;
        foreach (var (k, e) in _entries)
        {
            lock (e)
            {
                if (e.ExpiresAt <= now) _entries.TryRemove(k, out _);
            }
        }
    }
}

public static class RateLimitingHttp
{
    public const string Message = "router: error rate limiting request: ratelimiter: applicable rate limit would exceed give deadline";

    /// <summary>Waits for the slot of <paramref name="key"/>; false after answering 429 with the error shape (§1.8).</summary>
    public static async Task<bool> PassAsync(this DelayingRateLimiter limiter, HttpContext ctx, string key, TimeSpan threshold, bool exponential = false)
    {
        if (await limiter.WaitAsync(key, threshold, exponential, ctx.RequestAborted)) return true;
        await Web.Api.ErrorAsync(ctx, 429, Message);
        return false;
    }
}
