using System.Text.Json.Nodes;
using Offen.Auth;
using Offen.Hosting;
using Offen.Persistence;
using Offen.RateLimiting;
using Offen.Web;

namespace Offen.Features.Exchange;

/// <summary>GET/POST /api/exchange (server.md §1.4, §5.6).</summary>
public static class ExchangeApi
{
    public static void MapExchangeApi(this RouteGroupBuilder api)
    {
        api.MapGet("/exchange", GetPublicKey);
        api.MapPost("/exchange", PostUserSecret);
    }

    private static async Task GetPublicKey(HttpContext ctx, OffenStore store)
    {
        var accountId = ctx.Request.Query["accountId"].ToString();
        var account = string.IsNullOrEmpty(accountId) ? null : await store.GetAccountAsync(accountId, ctx.RequestAborted);
        if (account is null || account.Retired)
        {
            await Api.ErrorAsync(ctx, 400, "router: unknown account");
            return;
        }
        await Api.JsonAsync(ctx, 200,
            new AccountResult(account.AccountId, account.Name, JsonNode.Parse(account.PublicKey), null, null, null, null, null, null, Api.Rfc3339(account.Created), null),
            WireJson.Default.AccountResult);
    }

    private static async Task PostUserSecret(HttpContext ctx, OffenStore store, DelayingRateLimiter limiter, ServerSettings settings)
    {
        // An empty user id would be shared by every visitor sending `user=`, so a fresh one is minted instead.
        var userId = Cookies.Read(ctx, Cookies.User) is { Length: > 0 } existing ? existing : Guid.NewGuid().ToString();
        var body = await Api.ReadBodyAsync(ctx, WireJson.Default.ExchangeRequest, "user secret");
        if (body is null) return;
        if (!await limiter.PassAsync(ctx, $"postUserSecret-{userId}", TimeSpan.FromSeconds(1))) return;
        try
        {
            await store.AssociateUserSecretAsync(body.AccountId, userId, body.EncryptedSecret, ctx.RequestAborted);
        }
        catch (StoreException)
        {
            await Api.ErrorAsync(ctx, 400, "router: error associating user secret");
            return;
        }
        Cookies.SetUser(ctx, userId, settings.Retention);
        Api.NoContent(ctx);
    }
}
