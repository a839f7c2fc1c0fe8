using System.Text.Json;
using System.Text.Json.Nodes;
using Offen.Auth;
using Offen.Crypto;
using Offen.Features.AccountUsers;
using Offen.Hosting;
using Offen.Mail;
using Offen.RateLimiting;
using Offen.Web;

namespace Offen.Features.Login;

/// <summary>Login, logout, credential changes and the password reset flow (server.md §1.4, §5.9).</summary>
public static class LoginApi
{
    public static void MapLoginApi(this RouteGroupBuilder api, RouteGroupBuilder authed)
    {
        api.MapPost("/login", PostLogin).AddEndpointFilter<Argon2BusyFilter>();
        authed.MapGet("/login", GetLogin);
        api.MapPost("/logout", Logout);
        authed.MapPost("/change-password", ChangePassword).AddEndpointFilter<Argon2BusyFilter>();
        authed.MapPost("/change-email", ChangeEmail).AddEndpointFilter<Argon2BusyFilter>();
        api.MapPost("/forgot-password", ForgotPassword).AddEndpointFilter<Argon2BusyFilter>();
        api.MapPost("/reset-password", ResetPassword).AddEndpointFilter<Argon2BusyFilter>();
    }

    private static async Task PostLogin(HttpContext ctx, AccountUserService users, DelayingRateLimiter limiter, TokenSigner signer, TimeProvider time)
    {
        var body = await Api.ReadBodyAsync(ctx, WireJson.Default.LoginRequest, "login");
        if (body is null) return;
        if (!await limiter.PassAsync(ctx, $"postLogin-{body.Username}", TimeSpan.FromSeconds(1), exponential: true) || !await limiter.PassAsync(ctx, "postLogin-*", TimeSpan.FromMilliseconds(500))) return;
        LoginOutcome outcome;
        try
        {
            outcome = await users.LoginAsync(body.Username, body.Password, ctx.RequestAborted);
        }
        catch (AccountUserException e)
        {
            await Api.ErrorAsync(ctx, 401, $"router: error logging in: {e.Message}");
            return;
        }
        Cookies.SetAuth(ctx, signer.Sign(Cookies.Auth, outcome.AccountUserId, time.GetUtcNow()));
        // server.md §1.4: `accounts` is null, not [], when the user has no accepted accounts.
        var accounts = outcome.Accounts.Count == 0 ? null : outcome.Accounts
            .Select(a => new LoginAccountResult(a.AccountName, a.AccountId, JsonNode.Parse(Jwk.Oct(a.KeyEncryptionKey)), Api.Rfc3339(a.Created)))
            .ToList();
        await Api.JsonAsync(ctx, 200, new LoginResult(outcome.AccountUserId, outcome.AdminLevel, accounts), WireJson.Default.LoginResult);
    }

    /// <summary>
    /// Create-account and share re-check the caller's credentials (server.md §1.4): a failed login is 401, and
    /// credentials of another user than the cookie's are 400. False after answering.
    /// </summary>
    internal static async Task<bool> ConfirmCallerAsync(HttpContext ctx, AccountUserService users, AuthenticatedUser caller, string email, string password)
    {
        LoginOutcome login;
        try
        {
            login = await users.LoginAsync(email, password, ctx.RequestAborted);
        }
        catch (AccountUserException e)
        {
            await Api.ErrorAsync(ctx, 401, $"router: error logging in: {e.Message}");
            return false;
        }
        if (login.AccountUserId == caller.AccountUserId) return true;
        await Api.ErrorAsync(ctx, 400, "router: given credentials belong to another user");
        return false;
    }

    private static Task GetLogin(HttpContext ctx)
    {
        var user = AuthenticatedUser.Of(ctx);
        var accounts = user.AccountIds.Select(id => new LoginAccountResult("", id, null, "0001-01-01T00:00:00Z")).ToList();
        return Api.JsonAsync(ctx, 200, new LoginResult(user.AccountUserId, user.AdminLevel, accounts), WireJson.Default.LoginResult);
    }

    private static Task Logout(HttpContext ctx)
    {
        Cookies.ClearAuth(ctx);
        // server.md §11.25: 204 with a JSON content type and no body.
        ctx.Response.ContentType = Api.JsonContentType;
        Api.NoContent(ctx);
        return Task.CompletedTask;
    }

    private static async Task ChangePassword(HttpContext ctx, AccountUserService users, DelayingRateLimiter limiter)
    {
        var user = AuthenticatedUser.Of(ctx);
        if (!await limiter.PassAsync(ctx, $"postChangePassword-{user.AccountUserId}", TimeSpan.FromSeconds(5))) return;
        var body = await Api.ReadBodyAsync(ctx, WireJson.Default.ChangePasswordRequest, "change password");
        if (body is null) return;
        try
        {
            await users.ChangePasswordAsync(user.AccountUserId, body.CurrentPassword, body.ChangedPassword, ctx.RequestAborted);
        }
        catch (AccountUserException e)
        {
            await Api.ErrorAsync(ctx, 400, $"router: error changing password: {e.Message}");
            return;
        }
        Cookies.ClearAuth(ctx);
        Api.NoContent(ctx);
    }

    private static async Task ChangeEmail(HttpContext ctx, AccountUserService users, DelayingRateLimiter limiter)
    {
        var user = AuthenticatedUser.Of(ctx);
        if (!await limiter.PassAsync(ctx, $"postChangeEmail-{user.AccountUserId}", TimeSpan.FromSeconds(5))) return;
        var body = await Api.ReadBodyAsync(ctx, WireJson.Default.ChangeEmailRequest, "change email");
        if (body is null) return;
        try
        {
            await users.ChangeEmailAsync(user.AccountUserId, body.EmailAddress, body.EmailCurrent, body.Password, ctx.RequestAborted);
        }
        catch (AccountUserException e)
        {
            await Api.ErrorAsync(ctx, 400, $"router: error changing email: {e.Message}");
            return;
        }
        Cookies.ClearAuth(ctx);
        Api.NoContent(ctx);
    }

    /// <summary>The reset token carries the one-time key and the email (server.md §3.4), signed, not encrypted.</summary>
    internal sealed record ResetCredentials(byte[] Token, string EmailAddress);

    private static async Task ForgotPassword(HttpContext ctx, AccountUserService users, DelayingRateLimiter limiter, TokenSigner signer,
        TimeProvider time, IMailer mailer, ServerSettings settings, ILoggerFactory logs)
    {
        var body = await Api.ReadBodyAsync(ctx, WireJson.Default.ForgotPasswordRequest, "forgot password");
        if (body is null) return;
        if (!await limiter.PassAsync(ctx, $"postForgotPassword-{body.EmailAddress}", TimeSpan.FromSeconds(5), exponential: true) || !await limiter.PassAsync(ctx, "postForgotPassword-*", TimeSpan.FromSeconds(1))) return;
        byte[] key;
        try
        {
            key = await users.GenerateOneTimeKeyAsync(body.EmailAddress, ctx.RequestAborted);
        }
        catch (AccountUserException e)
        {
            // §1.4: unknown addresses are not revealed.
            logs.CreateLogger("Offen.Login").LogInformation("Forgot password request did not generate a key: {Reason}", e.Message);
            Api.NoContent(ctx);
            return;
        }
        var payload = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["token"] = Convert.ToBase64String(key),
            ["emailAddress"] = body.EmailAddress,
        });
        var token = signer.Sign(TokenNames.Reset, payload, time.GetUtcNow());
        var url = body.UrlTemplate.Replace("{token}", token, StringComparison.Ordinal);
        var (subject, text) = EmailTemplates.Render(EmailKind.ResetPassword, settings.Locale, url, null);
        try
        {
            await mailer.SendAsync(new MailMessageData(settings.SmtpSender, body.EmailAddress, subject, text), ctx.RequestAborted);
        }
        catch (MailException e)
        {
            logs.CreateLogger("Offen.Mail").LogError("Sending the password reset email failed: {Reason}", e.Message);
            await Api.ErrorAsync(ctx, 500, "router: error sending email message");
            return;
        }
        Api.NoContent(ctx);
    }

    internal static bool TryReadResetToken(TokenSigner signer, string token, DateTimeOffset now, out byte[] key, out string email)
    {
        key = [];
        email = "";
        if (!signer.TryVerify(TokenNames.Reset, token, ServerSettings.ResetTokenLifetime, now, out var payload)) return false;
        try
        {
            var map = JsonSerializer.Deserialize<Dictionary<string, string>>(payload);
            if (map is null || !map.TryGetValue("token", out var k) || !map.TryGetValue("emailAddress", out var e)) return false;
            key = Convert.FromBase64String(k);
            email = e;
            return key.Length == 32;
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            return false;
        }
    }

    private static async Task ResetPassword(HttpContext ctx, AccountUserService users, DelayingRateLimiter limiter, TokenSigner signer,
        TimeProvider time, ILoggerFactory logs)
    {
        var body = await Api.ReadBodyAsync(ctx, WireJson.Default.ResetPasswordRequest, "reset password");
        if (body is null) return;
        if (!TryReadResetToken(signer, body.Token, time.GetUtcNow(), out var key, out var email))
        {
            await Api.ErrorAsync(ctx, 400, "router: error decoding signed token");
            return;
        }
        if (!await limiter.PassAsync(ctx, $"postResetPassword-{email}", TimeSpan.FromSeconds(5), exponential: true)) return;
        if (!ConstantTime.Equal(email, body.EmailAddress))
        {
            await Api.ErrorAsync(ctx, 400, "router: token does not match given email address");
            return;
        }
        try
        {
            await users.ResetPasswordAsync(email, body.Password, key, ctx.RequestAborted);
        }
        catch (AccountUserException e)
        {
            // §11.14: failures are only logged.
            logs.CreateLogger("Offen.Login").LogInformation("Resetting a password failed: {Reason}", e.Message);
        }
        Api.NoContent(ctx);
    }
}
