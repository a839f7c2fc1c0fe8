using Offen.Auth;
using Offen.Crypto;
using Offen.Features.AccountUsers;
using Offen.Features.Login;
using Offen.Hosting;
using Offen.Mail;
using Offen.RateLimiting;
using Offen.Web;

namespace Offen.Features.Sharing;

/// <summary>POST /api/share-account[/:accountID] and POST /api/join (server.md §1.4, §5.10, D2).</summary>
public static class SharingApi
{
    public static void MapSharingApi(this RouteGroupBuilder api, RouteGroupBuilder authed)
    {
        authed.MapPost("/share-account/{accountID}", (HttpContext ctx, string accountID, AccountUserService users, DelayingRateLimiter limiter,
            TokenSigner signer, TimeProvider time, IMailer mailer, ServerSettings settings, ILoggerFactory logs) =>
            Share(ctx, accountID, users, limiter, signer, time, mailer, settings, logs)).AddEndpointFilter<Argon2BusyFilter>();
        authed.MapPost("/share-account", (HttpContext ctx, AccountUserService users, DelayingRateLimiter limiter,
            TokenSigner signer, TimeProvider time, IMailer mailer, ServerSettings settings, ILoggerFactory logs) =>
            Share(ctx, null, users, limiter, signer, time, mailer, settings, logs)).AddEndpointFilter<Argon2BusyFilter>();
        api.MapPost("/join", Join).AddEndpointFilter<Argon2BusyFilter>();
    }

    private static async Task Share(HttpContext ctx, string? accountId, AccountUserService users, DelayingRateLimiter limiter,
        TokenSigner signer, TimeProvider time, IMailer mailer, ServerSettings settings, ILoggerFactory logs)
    {
        var caller = AuthenticatedUser.Of(ctx);
        var body = await Api.ReadBodyAsync(ctx, WireJson.Default.ShareAccountRequest, "share account");
        if (body is null) return;
        if (accountId is not null && !caller.CanAccessAccount(accountId))
        {
            await Api.ErrorAsync(ctx, 401, "router: user is not allowed to access this account");
            return;
        }
        if (!await limiter.PassAsync(ctx, $"postShareAccount-{caller.AccountUserId}", TimeSpan.FromSeconds(1), exponential: true)) return;
        if (!await LoginApi.ConfirmCallerAsync(ctx, users, caller, body.EmailAddress, body.Password)) return;
        if (!caller.IsSuperAdmin)
        {
            await Api.ErrorAsync(ctx, 400, "router: only super admins are allowed to share accounts");
            return;
        }
        ShareOutcome outcome;
        try
        {
            outcome = await users.ShareAccountAsync(body.Invitee, body.EmailAddress, body.Password, accountId, body.GrantAdminPrivileges, ctx.RequestAborted);
        }
        catch (AccountUserException e)
        {
            await Api.ErrorAsync(ctx, 400, $"router: error sharing account: {e.Message}");
            return;
        }
        if (outcome.AccountNames.Count == 0)
        {
            await Api.ErrorAsync(ctx, 400, "router: user already has access to all requested accounts");
            return;
        }
        (string Subject, string Body) mail;
        if (outcome.UserExistsWithPassword)
        {
            mail = EmailTemplates.Render(EmailKind.ExistingUserInvite, settings.Locale, null, outcome.AccountNames);
        }
        else
        {
            var token = signer.Sign(TokenNames.Join, body.Invitee, time.GetUtcNow());
            mail = EmailTemplates.Render(EmailKind.NewUserInvite, settings.Locale, body.UrlTemplate.Replace("{token}", token, StringComparison.Ordinal), null);
        }
        try
        {
            await mailer.SendAsync(new MailMessageData(settings.SmtpSender, body.Invitee, mail.Subject, mail.Body), ctx.RequestAborted);
        }
        catch (MailException e)
        {
            logs.CreateLogger("Offen.Mail").LogError("Sending the invitation email failed: {Reason}", e.Message);
            await Api.ErrorAsync(ctx, 500, "router: error sending email message");
            return;
        }
        Api.NoContent(ctx);
    }

    private static async Task Join(HttpContext ctx, AccountUserService users, DelayingRateLimiter limiter, TokenSigner signer,
        TimeProvider time, ILoggerFactory logs)
    {
        var body = await Api.ReadBodyAsync(ctx, WireJson.Default.JoinRequest, "join");
        if (body is null) return;
        if (!signer.TryVerify(TokenNames.Join, body.Token, ServerSettings.JoinTokenLifetime, time.GetUtcNow(), out var email))
        {
            await Api.ErrorAsync(ctx, 400, "router: error decoding signed token");
            return;
        }
        if (!ConstantTime.Equal(email, body.EmailAddress))
        {
            await Api.ErrorAsync(ctx, 400, "router: token does not match given email address");
            return;
        }
        if (!await limiter.PassAsync(ctx, $"postJoin-{email}", TimeSpan.FromSeconds(1), exponential: true) || !await limiter.PassAsync(ctx, "postJoin-*", TimeSpan.FromMilliseconds(500))) return;
        try
        {
            await users.JoinAsync(email, body.Password, ctx.RequestAborted);
        }
        catch (AccountUserException e)
        {
            logs.CreateLogger("Offen.Sharing").LogInformation("Joining failed: {Reason}", e.Message);
        }
        Api.NoContent(ctx);
    }
}
