using System.Text.Json;
using Offen.Auth;
using Offen.Hosting;
using Offen.Persistence;
using Offen.RateLimiting;
using Offen.Web;

namespace Offen.Features.SharedCaches;

/// <summary>
/// Our extension, never called by upstream's clients (docs/adr/0005-shared-caches.md): operators' browsers store
/// opaque ciphertext here, cached user secrets and rollups of an account's events, so that a later dashboard load
/// in any browser of any operator of the account is fast. Same access rules as GET /api/accounts/:accountID.
/// </summary>
public static class SharedCachesApi
{
    /// <summary>Body limit of POST cached-secrets: 20,000 entries of up to 2 KB do not fit, real ones (~700 bytes) do.</summary>
    public const int CachedSecretsMaxBodyBytes = 4 << 20;

    /// <summary>Body limit of PUT rollups/:key.</summary>
    public const int RollupMaxBodyBytes = 48 << 20;

    public const int MaxCachedSecretsPerRequest = 20_000;
    public const int MaxCachedSecretLength = 2048;
    public const int MaxRollupKeyLength = 64;

    /// <summary>Reads are one request per dashboard load, like GET account. Rollups are written one per request, a
    /// few per load, so they get a shorter threshold; each PUT counts the events of its range (ADR 0005).</summary>
    private static readonly TimeSpan ReadThreshold = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RollupWriteThreshold = TimeSpan.FromMilliseconds(250);

    public static void MapSharedCachesApi(this RouteGroupBuilder authed)
    {
        authed.MapGet("/accounts/{accountID}/cached-secrets", GetCachedSecrets);
        authed.MapPost("/accounts/{accountID}/cached-secrets", PostCachedSecrets);
        authed.MapGet("/accounts/{accountID}/rollups", GetRollups);
        authed.MapPut("/accounts/{accountID}/rollups/{key}", PutRollup);
        authed.MapDelete("/accounts/{accountID}/rollups/{key}", DeleteRollup);
    }

    private static async Task GetCachedSecrets(HttpContext ctx, string accountID, OffenStore store, DelayingRateLimiter limiter)
    {
        if (!await limiter.PassAsync(ctx, $"getCachedSecrets-{accountID}", ReadThreshold)) return;
        if (!await CanAccessAsync(ctx, accountID)) return;
        IReadOnlyDictionary<string, string> secrets;
        try
        {
            secrets = await store.GetCachedSecretsAsync(accountID, ctx.RequestAborted);
        }
        catch (UnknownAccountException)
        {
            await NotFoundAsync(ctx);
            return;
        }
        await Api.CiphertextJsonAsync(ctx, 200, new CachedSecretsResult(new SortedDictionary<string, string>(secrets.ToDictionary(), StringComparer.Ordinal)),
            WireJson.Default.CachedSecretsResult);
    }

    private static async Task PostCachedSecrets(HttpContext ctx, string accountID, OffenStore store, DelayingRateLimiter limiter)
    {
        if (!await limiter.PassAsync(ctx, $"postCachedSecrets-{accountID}", ReadThreshold)) return;
        if (!await CanAccessAsync(ctx, accountID)) return;
        // Before reading up to 4 MiB of body.
        if (!await IsActiveAsync(store, accountID, ctx.RequestAborted))
        {
            await NotFoundAsync(ctx);
            return;
        }
        var body = await Api.ReadBodyAsync(ctx, WireJson.Default.CachedSecretsRequest, "cached secrets", CachedSecretsMaxBodyBytes);
        if (body is null) return;
        var secrets = body.Secrets ?? [];
        if (ValidateCachedSecrets(secrets) is { } invalid)
        {
            await Api.ErrorAsync(ctx, 400, invalid);
            return;
        }
        int stored;
        try
        {
            stored = await store.StoreCachedSecretsAsync(accountID, secrets, ctx.RequestAborted);
        }
        catch (UnknownAccountException)
        {
            await NotFoundAsync(ctx);
            return;
        }
        await Api.JsonAsync(ctx, 200, new StoredResult(stored), WireJson.Default.StoredResult);
    }

    private static async Task GetRollups(HttpContext ctx, string accountID, OffenStore store, DelayingRateLimiter limiter)
    {
        if (!await limiter.PassAsync(ctx, $"getRollups-{accountID}", ReadThreshold)) return;
        if (!await CanAccessAsync(ctx, accountID)) return;
        var metaValues = ctx.Request.Query["meta"];
        if (metaValues.Count > 1 || metaValues.ToString() is not ("" or "0" or "1"))
        {
            await Api.ErrorAsync(ctx, 400, "rollup: meta must be 0 or 1");
            return;
        }
        var metaOnly = metaValues.ToString() == "1";
        IReadOnlyList<RollupRecord> rollups;
        try
        {
            rollups = await store.ListRollupsAsync(accountID, ctx.RequestAborted);
        }
        catch (UnknownAccountException)
        {
            await NotFoundAsync(ctx);
            return;
        }
        if (metaOnly)
        {
            await Api.JsonAsync(ctx, 200, new RollupsResult(rollups.Select(ToResult).ToList()), WireJson.Default.RollupsResult);
            return;
        }
        await StreamRollupsAsync(ctx, accountID, rollups, store);
    }

    /// <summary>
    /// Payloads may be tens of megabytes each: they are read one at a time, each with its own metadata (a rollup
    /// replaced or deleted since the listing is written as it is now, or left out), and written as they come,
    /// without gzip (base64 of ciphertext, ADR 0003). No database connection is held while the client reads.
    /// </summary>
    private static async Task StreamRollupsAsync(HttpContext ctx, string accountID, IReadOnlyList<RollupRecord> listed, OffenStore store)
    {
        Gzip.Skip(ctx);
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = Api.JsonContentType;
        // Over the response's PipeWriter: the serializer's own (synchronous) flush only hands buffers to the pipe;
        // the pipe is flushed to the client after each rollup.
        var pipe = ctx.Response.BodyWriter;
        await using var w = new Utf8JsonWriter(pipe, Api.CiphertextWriterOptions);
        w.WriteStartObject();
        w.WriteStartArray("rollups");
        foreach (var meta in listed)
        {
            if (await store.GetRollupAsync(accountID, meta.Key, ctx.RequestAborted) is not { } r) continue;
            JsonSerializer.Serialize(w, ToResult(r), WireJson.Default.RollupResult);
            await pipe.FlushAsync(ctx.RequestAborted);
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        await pipe.FlushAsync(ctx.RequestAborted);
    }

    private static async Task PutRollup(HttpContext ctx, string accountID, string key, OffenStore store, DelayingRateLimiter limiter)
    {
        if (!await limiter.PassAsync(ctx, $"putRollup-{accountID}", RollupWriteThreshold)) return;
        if (!await CanAccessAsync(ctx, accountID)) return;
        if (!IsRollupKey(key))
        {
            await Api.ErrorAsync(ctx, 400, KeyMessage);
            return;
        }
        // Before reading up to 48 MiB of body.
        if (!await IsActiveAsync(store, accountID, ctx.RequestAborted))
        {
            await NotFoundAsync(ctx);
            return;
        }
        var body = await Api.ReadBodyAsync(ctx, WireJson.Default.RollupRequest, "rollup", RollupMaxBodyBytes);
        if (body is null) return;
        if (ValidateRollup(body, out var eventCount) is { } invalid)
        {
            await Api.ErrorAsync(ctx, 400, invalid);
            return;
        }
        RollupPutResult result;
        try
        {
            result = await store.PutRollupAsync(accountID,
                new RollupRecord(key, body.FirstEventId, body.LastEventId, eventCount, body.AsOf, body.Payload), ctx.RequestAborted);
        }
        catch (UnknownAccountException)
        {
            await NotFoundAsync(ctx);
            return;
        }
        catch (ValueTooLargeException e)
        {
            await Api.ErrorAsync(ctx, 413, $"rollup: payload is larger than the database accepts (max_allowed_packet = {e.LimitBytes} bytes)");
            return;
        }
        switch (result.Outcome)
        {
            case RollupPutOutcome.CountMismatch:
                await Api.ErrorAsync(ctx, 409, "rollup: event count does not match the events in range");
                return;
            case RollupPutOutcome.Stale:
                await Api.ErrorAsync(ctx, 409, "rollup: stale, events in range changed after asOf");
                return;
            case RollupPutOutcome.Overlap:
                // The other key passed the same key rule when it was stored, so it is safe to echo.
                await Api.ErrorAsync(ctx, 409, $"rollup: range overlaps rollup {result.OverlappingKey}");
                return;
            default:
                Api.NoContent(ctx);
                return;
        }
    }

    private static async Task DeleteRollup(HttpContext ctx, string accountID, string key, OffenStore store, DelayingRateLimiter limiter)
    {
        if (!await limiter.PassAsync(ctx, $"deleteRollup-{accountID}", RollupWriteThreshold)) return;
        if (!await CanAccessAsync(ctx, accountID)) return;
        if (!IsRollupKey(key))
        {
            await Api.ErrorAsync(ctx, 400, KeyMessage);
            return;
        }
        try
        {
            await store.DeleteRollupAsync(accountID, key, ctx.RequestAborted);
        }
        catch (UnknownAccountException)
        {
            await NotFoundAsync(ctx);
            return;
        }
        Api.NoContent(ctx);
    }

    // ------------------------------------------------------------------ rules

    private const string KeyMessage = "rollup: key must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', ':' and '-'";

    /// <summary>null when valid, else the message of the first rule broken.</summary>
    internal static string? ValidateCachedSecrets(IReadOnlyDictionary<string, string> secrets)
    {
        if (secrets.Count > MaxCachedSecretsPerRequest) return $"cached secrets: at most {MaxCachedSecretsPerRequest} secrets per request";
        foreach (var (id, value) in secrets)
        {
            if (!IsSecretId(id)) return "cached secrets: a secret id must be 64 lowercase hex characters";
            if (value.Length is < 1 or > MaxCachedSecretLength || !IsPrintableAscii(value))
                return $"cached secrets: a value must be 1 to {MaxCachedSecretLength} printable ASCII characters";
        }
        return null;
    }

    internal static string? ValidateRollup(RollupRequest r, out long eventCount)
    {
        eventCount = 0;
        if (!Ulids.IsCanonical(r.FirstEventId)) return UlidMessage("firstEventId");
        if (!Ulids.IsCanonical(r.LastEventId)) return UlidMessage("lastEventId");
        if (!Ulids.IsCanonical(r.AsOf)) return UlidMessage("asOf");
        if (string.CompareOrdinal(r.FirstEventId, r.LastEventId) > 0) return "rollup: firstEventId must not be greater than lastEventId";
        if (r.EventCount.ValueKind != JsonValueKind.Number || !r.EventCount.TryGetInt64(out eventCount) || eventCount < 1)
            return "rollup: eventCount must be an integer >= 1";
        if (r.Payload.Length == 0 || !IsPrintableAscii(r.Payload)) return "rollup: payload must be non-empty printable ASCII";
        return null;

        static string UlidMessage(string field) => $"rollup: {field} must be a ULID (26 uppercase Crockford base32 characters)";
    }

    internal static bool IsRollupKey(string key) =>
        key.Length is >= 1 and <= MaxRollupKeyLength && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-');

    private static bool IsSecretId(string id) => id.Length == 64 && id.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    private static bool IsPrintableAscii(string value) => value.AsSpan().IndexOfAnyExceptInRange(' ', '~') < 0;

    // ------------------------------------------------------------------ helpers

    private static RollupResult ToResult(RollupRecord r) => new(r.Key, r.FirstEventId, r.LastEventId, r.EventCount, r.AsOf, r.Payload);

    private static async Task<bool> CanAccessAsync(HttpContext ctx, string accountID)
    {
        if (AuthenticatedUser.Of(ctx).CanAccessAccount(accountID)) return true;
        await Api.ErrorAsync(ctx, 403, "router: user is not allowed to access this account");
        return false;
    }

    private static async Task<bool> IsActiveAsync(OffenStore store, string accountID, CancellationToken ct) =>
        await store.GetAccountAsync(accountID, ct) is { Retired: false };

    private static Task NotFoundAsync(HttpContext ctx) => Api.ErrorAsync(ctx, 404, "router: account not found");
}
