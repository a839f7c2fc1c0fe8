using Offen.Features.Accounts;
using Offen.Features.AccountUsers;
using Offen.Features.Login;
using Offen.Persistence;
using Offen.RateLimiting;
using Offen.Web;

namespace Offen.Features.Setup;

/// <summary>GET/POST /api/setup (server.md §1.4, §5.3, §5.4; sharp edges 2 and 3).</summary>
public static class SetupApi
{
    public static void MapSetupApi(this RouteGroupBuilder api)
    {
        api.MapGet("/setup", GetSetup);
        api.MapPost("/setup", PostSetup).AddEndpointFilter<Argon2BusyFilter>();
    }

    private static async Task GetSetup(HttpContext ctx, OffenStore store)
    {
        if (await store.IsEmptyAsync(ctx.RequestAborted)) Api.NoContent(ctx);
        else await Api.NullAsync(ctx, 403);
    }

    private static async Task PostSetup(HttpContext ctx, AccountUserService users, DelayingRateLimiter limiter, ILoggerFactory logs)
    {
        var body = await Api.ReadBodyAsync(ctx, WireJson.Default.SetupRequest, "setup");
        if (body is null) return;
        if (!await limiter.PassAsync(ctx, "postSetup-*", TimeSpan.FromSeconds(5))) return;
        try
        {
            // A random id, not OFFEN_APP_ROOTACCOUNT (§1.4).
            var accountId = Guid.NewGuid().ToString();
            await users.BootstrapAsync(
                [new BootstrapAccount(accountId, AccountNames.Sanitize(body.AccountName))],
                [new BootstrapUser(body.EmailAddress, body.Password, 1, [accountId])],
                force: false, ctx.RequestAborted);
        }
        catch (Exception e) when (e is AccountUserException or StoreException)
        {
            // §11.3: every failure, including a non-empty database, is a 500.
            logs.CreateLogger("Offen.Setup").LogWarning("Setup failed: {Reason}", e.Message);
            await Api.ErrorAsync(ctx, 500, $"router: error setting up instance: {e.Message}");
            return;
        }
        Api.NoContent(ctx);
    }
}
