using System.Net;
using System.Text.Json.Nodes;
using Offen.Persistence;

namespace Offen.Api.Tests;

/// <summary>Setup, login and account management (server.md §1.4) on every database.</summary>
public class OperatorApiTests
{
    public static IEnumerable<object[]> Dialects => TestDatabase.All;

    [Theory, MemberData(nameof(Dialects))]
    public async Task Setup_OnlyWhileEmpty(Dialect dialect)
    {
        await using var host = await TestHost.StartAsync(dialect);
        var client = host.Client();
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/api/setup")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/api/setup", "{not json")).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await client.PostAsync("/api/setup", new { accountName = "x", emailAddress = "a@b.test", password = "short" })).StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, (await client.PostAsync("/api/setup", new { accountName = "<b></b>", emailAddress = "a@b.test", password = "long enough" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/api/setup")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/setup", new { AccountName = "Tom &amp; <i>Jerry</i>", EMAILADDRESS = "a@b.test", password = "long enough" })).StatusCode);
        Assert.Empty(client.Cookies);
        var again = await client.GetAsync("/api/setup");
        Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
        Assert.Equal("null", await again.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.InternalServerError, (await client.PostAsync("/api/setup", new { accountName = "y", emailAddress = "c@d.test", password = "long enough" })).StatusCode);

        var login = await Intents.LoginAsync(client, "a@b.test", "long enough");
        Assert.Equal("Tom & Jerry", login["accounts"]![0]!["accountName"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Dialects))]
    public async Task Login_FailureAndSuccess_WithCookieAndShapes(Dialect dialect)
    {
        await using var host = await TestHost.StartAsync(dialect);
        var (op, accountId, login) = await Intents.SetupAndLoginAsync(host);
        Assert.Equal(["accountUserId", "adminLevel", "accounts"], login.AsObject().Select(kv => kv.Key).ToArray());
        Assert.Equal(1, login["adminLevel"]!.GetValue<int>());
        var kek = login["accounts"]![0]!["keyEncryptionKey"]!.AsObject();
        Assert.Equal(["k", "kty"], kek.Select(kv => kv.Key).ToArray());
        Assert.Equal("oct", kek["kty"]!.GetValue<string>());

        var stranger = host.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.PostAsync("/api/login", new { username = Intents.Email, password = "wrong password" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.PostAsync("/api/login", new { username = "nobody@example.test", password = Intents.Password })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await stranger.PostAsync("/api/login", new { username = 1, password = true })).StatusCode);

        var noCookie = await stranger.GetAsync("/api/login");
        Assert.Equal(HttpStatusCode.Unauthorized, noCookie.StatusCode);
        Assert.False(noCookie.Headers.Contains("Set-Cookie"));
        stranger.Cookies["auth"] = "forged";
        var forged = await stranger.GetAsync("/api/login");
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Contains(forged.Headers.GetValues("Set-Cookie"), c => c.StartsWith("auth=;", StringComparison.Ordinal));

        var reduced = await op.GetAsync("/api/login");
        Assert.Equal(HttpStatusCode.OK, reduced.StatusCode);
        var r = (await TestClient.JsonAsync(reduced))!;
        Assert.Equal(login["accountUserId"]!.GetValue<string>(), r["accountUserId"]!.GetValue<string>());
        Assert.Equal($$"""{"accountName":"","accountId":"{{accountId}}","keyEncryptionKey":null,"created":"0001-01-01T00:00:00Z"}""", r["accounts"]![0]!.ToJsonString());

        var logout = await op.PostAsync("/api/logout", null);
        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal("application/json; charset=utf-8", logout.Content.Headers.ContentType!.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await op.GetAsync("/api/login")).StatusCode);
    }

    [Theory, MemberData(nameof(Dialects))]
    public async Task Accounts_CreateRetireStylesAndAccessRules(Dialect dialect)
    {
        await using var host = await TestHost.StartAsync(dialect);
        var (op, accountId, _) = await Intents.SetupAndLoginAsync(host);
        var foreign = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.Forbidden, (await op.GetAsync($"/api/accounts/{foreign}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.DeleteAsync($"/api/accounts/{foreign}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await op.PutAsync($"/api/accounts/{foreign}/account-styles", new { accountStyles = "" })).StatusCode);

        // create: wrong password 401, success 201 with the literal body null, duplicate name 500
        Assert.Equal(HttpStatusCode.Unauthorized, (await op.PostAsync("/api/accounts", new { accountName = "Second", emailAddress = Intents.Email, password = "nope nope" })).StatusCode);
        var created = await op.PostAsync("/api/accounts", new { accountName = "Second", emailAddress = Intents.Email, password = Intents.Password });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("null", await created.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.InternalServerError, (await op.PostAsync("/api/accounts", new { accountName = "Second", emailAddress = Intents.Email, password = Intents.Password })).StatusCode);
        var relogin = await Intents.LoginAsync(op, Intents.Email, Intents.Password);
        Assert.Equal(2, relogin["accounts"]!.AsArray().Count);

        // styles: invalid 400, dry run stores nothing, valid is stored and served in the vault
        Assert.Equal(HttpStatusCode.BadRequest, (await op.PutAsync($"/api/accounts/{accountId}/account-styles", new { accountStyles = ".banner__root { background: url(x) }" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await op.SendAsync(HttpMethod.Put, $"/api/accounts/{accountId}/account-styles?dryRun=1", """{"accountStyles":".banner__root { color: red; }"}""")).StatusCode);
        var account = (await TestClient.JsonAsync(await op.GetAsync($"/api/accounts/{accountId}")))!;
        Assert.Null(account["accountStyles"]);
        Assert.Equal(HttpStatusCode.NoContent, (await op.PutAsync($"/api/accounts/{accountId}/account-styles", new { accountStyles = ".banner__root { color: red; }" })).StatusCode);
        account = (await TestClient.JsonAsync(await op.GetAsync($"/api/accounts/{accountId}")))!;
        Assert.Equal(".banner__root { color: red; }", account["accountStyles"]!.GetValue<string>());
        var vault = await host.Client().GetAsync($"/vault?accountId={accountId}");
        Assert.Contains("<style>.banner__root { color: red; }</style>", await vault.Content.ReadAsStringAsync());

        // retire: 204, then 404; the vault page for it fails with the HTML error page
        Assert.Equal(HttpStatusCode.NoContent, (await op.DeleteAsync($"/api/accounts/{accountId}")).StatusCode);
        var gone = await host.Client().GetAsync($"/vault?accountId={accountId}");
        Assert.Equal(HttpStatusCode.BadRequest, gone.StatusCode);
        Assert.StartsWith("<h1>An error occured:", await gone.Content.ReadAsStringAsync());
        // the relationship is gone, so the cookie user can no longer access it at all
        Assert.Equal(HttpStatusCode.Forbidden, (await op.DeleteAsync($"/api/accounts/{accountId}")).StatusCode);
    }

    [Theory, MemberData(nameof(Dialects))]
    public async Task ChangePasswordAndEmail_ClearTheCookie_AndNewCredentialsWork(Dialect dialect)
    {
        await using var host = await TestHost.StartAsync(dialect);
        var (op, accountId, _) = await Intents.SetupAndLoginAsync(host);
        Assert.Equal(HttpStatusCode.BadRequest, (await op.PostAsync("/api/change-password", new { currentPassword = "wrong one", changedPassword = "new password" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await op.PostAsync("/api/change-password", new { currentPassword = Intents.Password, changedPassword = "short" })).StatusCode);
        var changed = await op.PostAsync("/api/change-password", new { currentPassword = Intents.Password, changedPassword = "a new password" });
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        Assert.Contains(changed.Headers.GetValues("Set-Cookie"), c => c.StartsWith("auth=;", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, (await op.PostAsync("/api/login", new { username = Intents.Email, password = Intents.Password })).StatusCode);
        await Intents.LoginAsync(op, Intents.Email, "a new password");

        Assert.Equal(HttpStatusCode.BadRequest, (await op.PostAsync("/api/change-email", new { emailAddress = "new@example.test", emailCurrent = "other@example.test", password = "a new password" })).StatusCode);
        var email = await op.PostAsync("/api/change-email", new { emailAddress = "new@example.test", emailCurrent = Intents.Email, password = "a new password" });
        Assert.Equal(HttpStatusCode.NoContent, email.StatusCode);
        var login = await Intents.LoginAsync(op, "new@example.test", "a new password");
        Assert.Equal(accountId, login["accounts"]![0]!["accountId"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await op.PostAsync("/api/login", new { username = Intents.Email, password = "a new password" })).StatusCode);
    }

    [Theory, MemberData(nameof(Dialects))]
    public async Task ForgotAndResetPassword_MailedTokenSetsNewPassword(Dialect dialect)
    {
        await using var host = await TestHost.StartAsync(dialect);
        var (_, accountId, _) = await Intents.SetupAndLoginAsync(host);
        var client = host.Client();
        // unknown addresses are not revealed and get no mail
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/forgot-password", new { emailAddress = "nobody@example.test", urlTemplate = "https://x/reset-password/{token}/" })).StatusCode);
        Assert.Empty(host.Mailer.Sent);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/forgot-password", new { emailAddress = Intents.Email, urlTemplate = "https://x.test/reset-password/{token}/" })).StatusCode);
        var mail = Assert.Single(host.Mailer.Sent);
        Assert.Equal(Intents.Email, mail.To);
        var token = System.Text.RegularExpressions.Regex.Match(mail.Body, @"https://x\.test/reset-password/([^/\s]+)/").Groups[1].Value;
        Assert.NotEmpty(token);

        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/api/reset-password", new { emailAddress = Intents.Email, password = "reset password", token = token + "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/api/reset-password", new { emailAddress = "other@example.test", password = "reset password", token })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync("/api/reset-password", new { emailAddress = Intents.Email, password = "reset password", token })).StatusCode);
        var login = await Intents.LoginAsync(client, Intents.Email, "reset password");
        Assert.Equal(accountId, login["accounts"]![0]!["accountId"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Dialects))]
    public async Task ShareAndJoin_InviteeGetsAccessAfterJoining(Dialect dialect)
    {
        await using var host = await TestHost.StartAsync(dialect);
        var (op, accountId, _) = await Intents.SetupAndLoginAsync(host);
        var share = new { invitee = "invitee@example.test", emailAddress = Intents.Email, password = Intents.Password, urlTemplate = "https://x.test/join/{token}/", grantAdminPrivileges = false };
        Assert.Equal(HttpStatusCode.Unauthorized, (await op.PostAsync($"/api/share-account/{Guid.NewGuid()}", share)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await op.PostAsync($"/api/share-account/{accountId}", share with { password = "wrong pass" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await op.PostAsync($"/api/share-account/{accountId}", share)).StatusCode);
        var mail = Assert.Single(host.Mailer.Sent);
        Assert.Equal("invitee@example.test", mail.To);
        var token = System.Text.RegularExpressions.Regex.Match(mail.Body, @"https://x\.test/join/([^/\s]+)/").Groups[1].Value;
        Assert.NotEmpty(token);

        var invitee = host.Client();
        Assert.Equal(HttpStatusCode.BadRequest, (await invitee.PostAsync("/api/join", new { emailAddress = "someone@example.test", password = "invitee password", token })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await invitee.PostAsync("/api/join", new { emailAddress = "invitee@example.test", password = "invitee password", token })).StatusCode);
        var login = await Intents.LoginAsync(invitee, "invitee@example.test", "invitee password");
        Assert.Equal(0, login["adminLevel"]!.GetValue<int>());
        Assert.Equal(accountId, login["accounts"]![0]!["accountId"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await invitee.GetAsync($"/api/accounts/{accountId}")).StatusCode);

        // sharing again: nothing new to grant
        var again = await op.PostAsync($"/api/share-account/{accountId}", share);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        // a non-super-admin may not share (400), nor retire (403)
        var byInvitee = await invitee.PostAsync("/api/share-account", share with { emailAddress = "invitee@example.test", password = "invitee password", invitee = "third@example.test" });
        Assert.Equal(HttpStatusCode.BadRequest, byInvitee.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await invitee.DeleteAsync($"/api/accounts/{accountId}")).StatusCode);
        // a non-super-admin may not create accounts (403)
        Assert.Equal(HttpStatusCode.Forbidden, (await invitee.PostAsync("/api/accounts", new { accountName = "Mine", emailAddress = "invitee@example.test", password = "invitee password" })).StatusCode);
        // credentials of another user: 400
        Assert.Equal(HttpStatusCode.BadRequest, (await invitee.PostAsync("/api/accounts", new { accountName = "Mine", emailAddress = Intents.Email, password = Intents.Password })).StatusCode);
    }

    [Theory, MemberData(nameof(Dialects))]
    public async Task Share_WithoutAdminGrant_NeverDemotesAnAdmin(Dialect dialect)
    {
        await using var host = await TestHost.StartAsync(dialect);
        var (op, accountId, _) = await Intents.SetupAndLoginAsync(host);
        var second = await op.PostAsync("/api/accounts", new { accountName = "Second", emailAddress = Intents.Email, password = Intents.Password });
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        await Intents.LoginAsync(op, Intents.Email, Intents.Password);
        var share = new { invitee = "boss@example.test", emailAddress = Intents.Email, password = Intents.Password, urlTemplate = "https://x.test/join/{token}/", grantAdminPrivileges = true };
        Assert.Equal(HttpStatusCode.NoContent, (await op.PostAsync($"/api/share-account/{accountId}", share)).StatusCode);
        var token = System.Text.RegularExpressions.Regex.Match(host.Mailer.Sent[0].Body, @"/join/([^/\s]+)/").Groups[1].Value;
        var boss = host.Client();
        Assert.Equal(HttpStatusCode.NoContent, (await boss.PostAsync("/api/join", new { emailAddress = "boss@example.test", password = "boss password", token })).StatusCode);
        Assert.Equal(1, (await Intents.LoginAsync(boss, "boss@example.test", "boss password"))["adminLevel"]!.GetValue<int>());

        // D2: sharing the other account without the grant leaves the admin level alone
        Assert.Equal(HttpStatusCode.NoContent, (await op.PostAsync("/api/share-account", share with { grantAdminPrivileges = false })).StatusCode);
        Assert.Contains("Second", host.Mailer.Sent[^1].Body);
        var login = await Intents.LoginAsync(boss, "boss@example.test", "boss password");
        Assert.Equal(1, login["adminLevel"]!.GetValue<int>());
        Assert.Equal(2, login["accounts"]!.AsArray().Count);
    }

    [Fact]
    public async Task MailFailure_ForgotAndShare_Return500()
    {
        await using var host = await TestHost.StartAsync(Dialect.Sqlite);
        var (op, accountId, _) = await Intents.SetupAndLoginAsync(host);
        host.Mailer.Fail = true;
        var forgot = await host.Client().PostAsync("/api/forgot-password", new { emailAddress = Intents.Email, urlTemplate = "https://x.test/reset-password/{token}/" });
        Assert.Equal(HttpStatusCode.InternalServerError, forgot.StatusCode);
        Assert.Contains("\"status\":500", await forgot.Content.ReadAsStringAsync());
        var share = await op.PostAsync($"/api/share-account/{accountId}", new { invitee = "x@example.test", emailAddress = Intents.Email, password = Intents.Password, urlTemplate = "https://x.test/join/{token}/", grantAdminPrivileges = false });
        Assert.Equal(HttpStatusCode.InternalServerError, share.StatusCode);
    }
}
