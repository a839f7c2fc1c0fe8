using Offen.Crypto;
using Offen.Features.AccountUsers;
using Offen.Hosting;
using Offen.Web;

namespace Offen.Auth;

/// <summary>The reduced login result attached by the account-user middleware (server.md §1.3).</summary>
public sealed record AuthenticatedUser(string AccountUserId, long AdminLevel, IReadOnlyList<string> AccountIds)
{
    private static readonly object Key = new();
    public bool CanAccessAccount(string accountId) => AccountIds.Contains(accountId);
    public bool IsSuperAdmin => AdminLevel == 1;
    public static AuthenticatedUser Of(HttpContext ctx) => (AuthenticatedUser)ctx.Items[Key]!;
    public static void Set(HttpContext ctx, AuthenticatedUser u) => ctx.Items[Key] = u;
}

/// <summary>
/// server.md §1.3 account-user middleware: no cookie gives 401 without Set-Cookie; a bad signature, an expired
/// token (D1: 24 h) or an unknown user clears the cookie and gives 401.
/// </summary>
public sealed class AccountUserFilter(TokenSigner signer, AccountUserService users, TimeProvider time) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var ctx = context.HttpContext;
        var token = Cookies.Read(ctx, Cookies.Auth);
        if (token is null)
        {
            await Api.ErrorAsync(ctx, 401, "router: missing authentication token");
            return Results.Empty;
        }
        if (!signer.TryVerify(Cookies.Auth, token, ServerSettings.AuthTokenLifetime, time.GetUtcNow(), out var accountUserId))
        {
            Cookies.ClearAuth(ctx);
            await Api.ErrorAsync(ctx, 401, "router: error decoding auth cookie");
            return Results.Empty;
        }
        var found = await users.LookupAsync(accountUserId, ctx.RequestAborted);
        if (found is null)
        {
            Cookies.ClearAuth(ctx);
            await Api.ErrorAsync(ctx, 401, "router: user not found");
            return Results.Empty;
        }
        AuthenticatedUser.Set(ctx, new AuthenticatedUser(found.Value.User.AccountUserId, found.Value.User.AdminLevel, found.Value.AccountIds));
        return await next(context);
    }
}
