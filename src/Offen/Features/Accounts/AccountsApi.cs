using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Offen.Auth;
using Offen.Features.AccountUsers;
using Offen.Features.Login;
using Offen.Hosting;
using Offen.Persistence;
using Offen.RateLimiting;
using Offen.Web;

namespace Offen.Features.Accounts;

/// <summary>GET/DELETE /api/accounts/:id, POST /api/accounts, PUT account styles (server.md §1.4, §5.7, §5.11).</summary>
public static class AccountsApi
{
    public static void MapAccountsApi(this RouteGroupBuilder authed)
    {
        authed.MapGet("/accounts/{accountID}", GetAccount);
        authed.MapDelete("/accounts/{accountID}", RetireAccount);
        authed.MapPost("/accounts", CreateAccount).AddEndpointFilter<Argon2BusyFilter>();
        authed.MapPut("/accounts/{accountID}/account-styles", PutStyles);
    }

    private static async Task GetAccount(HttpContext ctx, string accountID, OffenStore store, DelayingRateLimiter limiter, ServerSettings settings)
    {
        // §11.12: the key is per account, so all operators viewing one account share it.
        if (!await limiter.PassAsync(ctx, $"getAccount-{accountID}", TimeSpan.FromSeconds(1))) return;
        if (!AuthenticatedUser.Of(ctx).CanAccessAccount(accountID))
        {
            await Api.ErrorAsync(ctx, 403, "router: user is not allowed to access this account");
            return;
        }
        int? limit = null;
        if (ctx.Request.Query.TryGetValue("limit", out var limitValues))
        {
            // Our extension, never sent by upstream's clients (docs/adr/0003-http-surface.md): a plain decimal
            // integer in range, given once; anything else is refused rather than guessed at.
            if (limitValues.Count != 1 || ParseLimit(limitValues[0]) is not { } parsed)
            {
                await Api.ErrorAsync(ctx, 400, $"router: limit must be an integer between {MinLimit} and {MaxLimit}");
                return;
            }
            limit = parsed;
            // Pages of our vault's first loads are mostly ciphertext: not worth gzip's CPU (ADR 0003). Without
            // `limit` (upstream's clients) the response is compressed as before.
            Gzip.Skip(ctx);
        }
        // Our "uncovered" mode (docs/adr/0005-shared-caches.md), also never sent by upstream's clients.
        var query = ctx.Request.Query;
        var uncovered = false;
        if (query.TryGetValue("uncovered", out var uncoveredValues))
        {
            if (uncoveredValues.Count != 1)
            {
                await Api.ErrorAsync(ctx, 400, "router: uncovered must be given once");
                return;
            }
            if (uncoveredValues[0] is not ("0" or "1"))
            {
                await Api.ErrorAsync(ctx, 400, "router: uncovered must be 1 (or 0 for the usual response)");
                return;
            }
            uncovered = uncoveredValues[0] == "1";
        }
        string? after = null;
        if (query.TryGetValue("after", out var afterValues))
        {
            if (afterValues.Count != 1)
            {
                await Api.ErrorAsync(ctx, 400, "router: after must be given once");
                return;
            }
            if (!uncovered)
            {
                await Api.ErrorAsync(ctx, 400, "router: after is only allowed with uncovered=1");
                return;
            }
            if (!Ulids.IsCanonical(afterValues[0]))
            {
                await Api.ErrorAsync(ctx, 400, "router: after must be a ULID (26 uppercase Crockford base32 characters)");
                return;
            }
            after = afterValues[0];
        }
        if (uncovered)
        {
            if (query.ContainsKey("since"))
            {
                await Api.ErrorAsync(ctx, 400, "router: since cannot be combined with uncovered=1");
                return;
            }
            await GetUncoveredAsync(ctx, accountID, after, limit, store, settings);
            return;
        }
        var since = ctx.Request.Query["since"].ToString();
        var sinceOrNull = string.IsNullOrEmpty(since) ? null : since;
        var result = await store.GetAccountEventsAsync(accountID, sinceOrNull, limit, ctx.RequestAborted);
        if (result is null)
        {
            await Api.ErrorAsync(ctx, 404, "router: account not found");
            return;
        }
        var a = result.Account;
        var (events, secrets) = WireEvents(a.AccountId, result.Events, result.Secrets);
        var deleted = sinceOrNull is not null && result.DeletedEventIds.Count > 0 ? result.DeletedEventIds.ToList() : null;
        await Api.CiphertextJsonAsync(ctx, 200, new AccountResult(a.AccountId, a.Name, JsonNode.Parse(a.PublicKey), a.EncryptedPrivateKey,
            events, deleted, string.IsNullOrEmpty(result.Sequence) ? null : result.Sequence, secrets,
            string.IsNullOrEmpty(a.AccountStyles) ? null : a.AccountStyles, Api.Rfc3339(a.Created), settings.RetentionToken), WireJson.Default.AccountResult);
    }

    /// <summary>An account query's events and their secrets as the wire has them (each omitted when empty).</summary>
    private static (Dictionary<string, List<EventResult>>? Events, SortedDictionary<string, string>? Secrets) WireEvents(
        string accountId, IReadOnlyList<EventRecord> records, IReadOnlyDictionary<string, string> secrets)
    {
        Dictionary<string, List<EventResult>>? events = records.Count == 0 ? null : new()
        {
            [accountId] = records.Select(e => new EventResult(null, e.SecretId, e.EventId, e.Payload)).ToList(),
        };
        return (events, secrets.Count == 0 ? null : new SortedDictionary<string, string>(secrets.ToDictionary(), StringComparer.Ordinal));
    }

    /// <summary>
    /// GET /api/accounts/:id?uncovered=1[&amp;limit=N][&amp;after=id] (docs/adr/0005-shared-caches.md): the account, its
    /// rollups' metadata, the snapshot's latest sequence, and the events no rollup covers after <c>after</c>, in
    /// event id order; <c>next</c> when more follow.
    /// </summary>
    private static async Task GetUncoveredAsync(HttpContext ctx, string accountID, string? after, int? limit, OffenStore store, ServerSettings settings)
    {
        var result = await store.GetUncoveredEventsAsync(accountID, after, limit, ctx.RequestAborted);
        if (result is null)
        {
            await Api.ErrorAsync(ctx, 404, "router: account not found");
            return;
        }
        var a = result.Account;
        var (events, secrets) = WireEvents(a.AccountId, result.Events, result.Secrets);
        var rollups = result.Rollups.Select(r => new RollupResult(r.Key, r.FirstEventId, r.LastEventId, r.EventCount, r.AsOf, null)).ToList();
        await Api.CiphertextJsonAsync(ctx, 200, new UncoveredAccountResult(a.AccountId, a.Name, JsonNode.Parse(a.PublicKey), a.EncryptedPrivateKey,
            events, string.IsNullOrEmpty(result.Sequence) ? null : result.Sequence, secrets,
            string.IsNullOrEmpty(a.AccountStyles) ? null : a.AccountStyles, Api.Rfc3339(a.Created), settings.RetentionToken,
            rollups, result.Next), WireJson.Default.UncoveredAccountResult);
    }

    /// <summary>Bounds of the <c>limit</c> query parameter: a page of 200,000 events is about 120 MB of JSON.</summary>
    private const int MinLimit = 1000, MaxLimit = 200_000;

    private static int? ParseLimit(string? value)
    {
        // ASCII digits only: no sign, spaces, exponent or thousands separators; more than six digits is out of range anyway.
        if (string.IsNullOrEmpty(value) || value.Length > 6 || !value.All(char.IsAsciiDigit)) return null;
        var n = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        return n is >= MinLimit and <= MaxLimit ? n : null;
    }

    private static async Task RetireAccount(HttpContext ctx, string accountID, OffenStore store, DelayingRateLimiter limiter, AccountStylesCache styles)
    {
        if (!await limiter.PassAsync(ctx, $"deleteAccount-{accountID}", TimeSpan.FromSeconds(1))) return;
        var user = AuthenticatedUser.Of(ctx);
        if (!user.IsSuperAdmin || !user.CanAccessAccount(accountID))
        {
            await Api.ErrorAsync(ctx, 403, "router: user is not allowed to retire this account");
            return;
        }
        if (!await store.RetireAccountAsync(accountID, ctx.RequestAborted))
        {
            await Api.ErrorAsync(ctx, 404, "router: account not found");
            return;
        }
        styles.Invalidate(accountID);
        Api.NoContent(ctx);
    }

    private static async Task CreateAccount(HttpContext ctx, AccountUserService users, DelayingRateLimiter limiter, ILoggerFactory logs)
    {
        var body = await Api.ReadBodyAsync(ctx, WireJson.Default.CreateAccountRequest, "create account");
        if (body is null) return;
        if (!await limiter.PassAsync(ctx, $"postAccount-{body.EmailAddress}", TimeSpan.FromSeconds(5))) return;
        var caller = AuthenticatedUser.Of(ctx);
        if (!await LoginApi.ConfirmCallerAsync(ctx, users, caller, body.EmailAddress, body.Password)) return;
        if (!caller.IsSuperAdmin)
        {
            await Api.ErrorAsync(ctx, 403, "router: only super admins are allowed to create accounts");
            return;
        }
        try
        {
            await users.CreateAccountAsync(AccountNames.Sanitize(body.AccountName), body.EmailAddress, body.Password, ctx.RequestAborted);
        }
        catch (Exception e) when (e is AccountUserException or StoreException)
        {
            // §1.4: any error, a duplicate or empty name included, is a 500.
            logs.CreateLogger("Offen.Accounts").LogWarning("Creating an account failed: {Reason}", e.Message);
            await Api.ErrorAsync(ctx, 500, $"router: error creating account: {e.Message}");
            return;
        }
        await Api.NullAsync(ctx, 201);
    }

    private static async Task PutStyles(HttpContext ctx, string accountID, OffenStore store, DelayingRateLimiter limiter)
    {
        var body = await Api.ReadBodyAsync(ctx, WireJson.Default.AccountStylesRequest, "account styles");
        if (body is null) return;
        var user = AuthenticatedUser.Of(ctx);
        if (!user.CanAccessAccount(accountID))
        {
            await Api.ErrorAsync(ctx, 401, "router: user is not allowed to access this account");
            return;
        }
        if (!await limiter.PassAsync(ctx, $"putAccountStyles-{user.AccountUserId}", TimeSpan.FromSeconds(1), exponential: true)) return;
        if (AccountStyles.Validate(body.AccountStyles) is { } reason)
        {
            await Api.ErrorAsync(ctx, 400, $"router: invalid account styles: {reason}");
            return;
        }
        if (!string.IsNullOrEmpty(ctx.Request.Query["dryRun"].ToString()))
        {
            Api.NoContent(ctx);
            return;
        }
        await store.UpdateAccountStylesAsync(accountID, body.AccountStyles, ctx.RequestAborted);
        Api.NoContent(ctx);
    }
}

/// <summary>
/// server.md §1.6: the vault page's style lookup, cached 5 minutes (1 s in development or demo mode).
/// Unlike upstream, retiring an account drops its entry at once on this node.
/// </summary>
public sealed class AccountStylesCache(OffenStore store, ServerSettings settings, TimeProvider time, ILogger<AccountStylesCache> log)
{
    private readonly ConcurrentDictionary<string, (string Css, DateTimeOffset Until)> _cache = new();
    private TimeSpan Ttl => settings.Development || settings.DemoAccount is not null ? TimeSpan.FromSeconds(1) : TimeSpan.FromMinutes(5);

    /// <returns>the CSS, or null when the account is unknown or retired.</returns>
    public async Task<string?> GetAsync(string accountId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(accountId, out var hit) && hit.Until > now) return hit.Css;
        var account = await store.GetAccountAsync(accountId, ct);
        if (account is null || account.Retired) return null;
        var css = account.AccountStyles ?? "";
        if (css.Length > 0 && AccountStyles.Validate(css) is not null)
        {
            log.LogWarning("Stored account styles failed validation and are ignored");
            css = "";
        }
        _cache[accountId] = (css, now + Ttl);
        return css;
    }

    public void Invalidate(string accountId) => _cache.TryRemove(accountId, out _);
}
