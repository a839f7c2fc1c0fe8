using Offen.Auth;
using Offen.Hosting;
using Offen.Persistence;
using Offen.RateLimiting;
using Offen.Web;

namespace Offen.Features.Events;

/// <summary>POST/GET /api/events and POST /api/purge (server.md §1.4, §5.5, §5.7, §5.8).</summary>
public static class EventsApi
{
    public static void MapEventsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/events", PostEvent);
        api.MapGet("/events", GetEvents);
        api.MapPost("/purge", Purge);
    }

    private static async Task PostEvent(HttpContext ctx, OffenStore store, DelayingRateLimiter limiter, ServerSettings settings)
    {
        // §11.5: the opt-in check comes first and silently drops the request.
        if (Cookies.Read(ctx, Cookies.Consent) != "allow")
        {
            Api.NoContent(ctx);
            return;
        }
        if (await UserIdAsync(ctx) is not { } userId) return;
        if (!await limiter.PassAsync(ctx, $"postEvents-{userId}", TimeSpan.FromMilliseconds(500))) return;
        var body = await Api.ReadBodyAsync(ctx, WireJson.Default.EventRequest, "event");
        if (body is null) return;
        try
        {
            await store.InsertEventAsync(new NewEvent(body.AccountId, userId, body.Payload), ctx.RequestAborted);
        }
        catch (UnknownAccountException)
        {
            await Api.ErrorAsync(ctx, 404, "router: error inserting event: unknown account");
            return;
        }
        catch (UnknownSecretException)
        {
            // The vault answers a 400 by re-exchanging its secret once and retrying (§1.2).
            await Api.ErrorAsync(ctx, 400, "router: error inserting event: unknown secret");
            return;
        }
        Cookies.SetUser(ctx, userId, settings.Retention);
        await Api.JsonAsync(ctx, 201, new AckResponse(true), WireJson.Default.AckResponse);
    }

    private static async Task GetEvents(HttpContext ctx, OffenStore store, DelayingRateLimiter limiter, ServerSettings settings)
    {
        if (await UserIdAsync(ctx) is not { } userId) return;
        if (!await limiter.PassAsync(ctx, $"getEvents-{userId}", TimeSpan.FromSeconds(1))) return;
        var since = ctx.Request.Query["since"].ToString();
        var sinceOrNull = string.IsNullOrEmpty(since) ? null : since;
        var result = await store.GetUserEventsAsync(userId, sinceOrNull, ctx.RequestAborted);
        var events = result.EventsByAccount.ToDictionary(
            kv => kv.Key,
            kv => kv.Value.Select(e => new EventResult(e.AccountId, null, e.EventId, e.Payload)).ToList());
        var deleted = sinceOrNull is not null && result.DeletedEventIds.Count > 0 ? result.DeletedEventIds.ToList() : null;
        await Api.JsonAsync(ctx, 200, new EventsResult(events, deleted, NullIfEmpty(result.Sequence), settings.RetentionToken), WireJson.Default.EventsResult);
    }

    private static async Task Purge(HttpContext ctx, OffenStore store, DelayingRateLimiter limiter)
    {
        if (await UserIdAsync(ctx) is not { } userId) return;
        if (!await limiter.PassAsync(ctx, $"purgeEvents-{userId}", TimeSpan.FromSeconds(1))) return;
        await store.PurgeAsync(userId, ctx.RequestAborted);
        if (!string.IsNullOrEmpty(ctx.Request.Query["user"].ToString())) Cookies.ClearUser(ctx);
        Api.NoContent(ctx);
    }

    /// <summary>The user-cookie middleware of §1.3: presence is what counts (an empty `user=` passes, §11.6).</summary>
    private static async Task<string?> UserIdAsync(HttpContext ctx)
    {
        if (Cookies.Read(ctx, Cookies.User) is { } userId) return userId;
        await Api.ErrorAsync(ctx, 400, "user cookie: received no or blank identifier");
        return null;
    }

    internal static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
