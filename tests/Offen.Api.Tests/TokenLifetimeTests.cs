using System.Net;
using Offen.Crypto;
using Offen.Persistence;

namespace Offen.Api.Tests;

/// <summary>D1: token lifetimes are enforced per type: auth 24 h, reset 24 h, join 7 days (server.md §3.4).</summary>
public class TokenLifetimeTests
{
    [Fact]
    public async Task AuthCookie_OlderThan24Hours_IsRefusedAndCleared()
    {
        await using var host = await TestHost.StartAsync(Dialect.Sqlite);
        var (op, _, login) = await Intents.SetupAndLoginAsync(host);
        var signer = new TokenSigner(host.Settings.Secret);
        var userId = login["accountUserId"]!.GetValue<string>();

        op.Cookies["auth"] = signer.Sign("auth", userId, DateTimeOffset.UtcNow.AddHours(-23));
        Assert.Equal(HttpStatusCode.OK, (await op.GetAsync("/api/login")).StatusCode);

        op.Cookies["auth"] = signer.Sign("auth", userId, DateTimeOffset.UtcNow.AddHours(-25));
        var expired = await op.GetAsync("/api/login");
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Contains(expired.Headers.GetValues("Set-Cookie"), c => c.StartsWith("auth=;", StringComparison.Ordinal));

        // a token for an unknown user, and a token of another kind, are refused too
        var stranger = host.Client();
        stranger.Cookies["auth"] = signer.Sign("auth", Guid.NewGuid().ToString(), DateTimeOffset.UtcNow);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("/api/login")).StatusCode);
        stranger.Cookies["auth"] = signer.Sign("join-credentials", userId, DateTimeOffset.UtcNow);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("/api/login")).StatusCode);
    }

    [Fact]
    public async Task JoinToken_ValidForSevenDays_ResetTokenFor24Hours()
    {
        await using var host = await TestHost.StartAsync(Dialect.Sqlite);
        var (op, accountId, _) = await Intents.SetupAndLoginAsync(host);
        var share = new { invitee = "late@example.test", emailAddress = Intents.Email, password = Intents.Password, urlTemplate = "https://x.test/join/{token}/", grantAdminPrivileges = false };
        Assert.Equal(HttpStatusCode.NoContent, (await op.PostAsync($"/api/share-account/{accountId}", share)).StatusCode);
        var signer = new TokenSigner(host.Settings.Secret);
        var client = host.Client();

        var eightDays = signer.Sign("join-credentials", "late@example.test", DateTimeOffset.UtcNow.AddDays(-8));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/api/join", new { emailAddress = "late@example.test", password = "late password", token = eightDays })).StatusCode);
        var sixDays = signer.Sign("join-credentials", "late@example.test", DateTimeOffset.UtcNow.AddDays(-6));
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/join", new { emailAddress = "late@example.test", password = "late password", token = sixDays })).StatusCode);
        await Intents.LoginAsync(client, "late@example.test", "late password");

        var payload = $$"""{"token":"{{Convert.ToBase64String(new byte[32])}}","emailAddress":"{{Intents.Email}}"}""";
        var oldReset = signer.Sign("reset-credentials", payload, DateTimeOffset.UtcNow.AddHours(-25));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/api/reset-password", new { emailAddress = Intents.Email, password = "whatever pw", token = oldReset })).StatusCode);
        // a join token is not a reset token
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/api/reset-password", new { emailAddress = "late@example.test", password = "whatever pw", token = sixDays })).StatusCode);
    }
}
