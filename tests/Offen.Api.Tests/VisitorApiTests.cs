using System.Net;
using System.Text.Json.Nodes;
using Offen.Persistence;

namespace Offen.Api.Tests;

/// <summary>The visitor side of the API (server.md §1.4 exchange, events, purge) on every database.</summary>
public class VisitorApiTests
{
    public static IEnumerable<object[]> Dialects => TestDatabase.All;

    [Theory, MemberData(nameof(Dialects))]
    public async Task FullRoundTrip_EventsEncryptedLikeABrowser_DecryptForOperator(Dialect dialect)
    {
        await using var host = await TestHost.StartAsync(dialect);
        var (op, accountId, login) = await Intents.SetupAndLoginAsync(host);
        var sent = new List<string>();
        for (var v = 0; v < 3; v++)
        {
            var visitor = new Intents.Visitor(host, accountId);
            Assert.Equal(HttpStatusCode.NoContent, (await visitor.ExchangeAsync()).StatusCode);
            Assert.True(visitor.Client.Cookies.ContainsKey("user"));
            visitor.AllowConsent();
            for (var i = 0; i < 2; i++)
            {
                var plain = Intents.Visitor.Pageview($"https://www.example.test/page-{v}-{i}/");
                var res = await visitor.PostEventAsync(plain);
                Assert.Equal(HttpStatusCode.Created, res.StatusCode);
                Assert.Equal("""{"ack":true}""", await res.Content.ReadAsStringAsync());
                sent.Add(plain);
            }
        }
        var account = await op.GetAsync($"/api/accounts/{accountId}");
        Assert.Equal(HttpStatusCode.OK, account.StatusCode);
        var body = (await TestClient.JsonAsync(account))!;
        Assert.Equal(["accountId", "name", "publicKey", "encryptedPrivateKey", "events", "sequence", "secrets", "created", "retentionPeriod"],
            body.AsObject().Select(kv => kv.Key).ToArray());
        Assert.Equal(3, body["secrets"]!.AsObject().Count);
        var decrypted = Intents.DecryptAccountEvents(login, body);
        Assert.Equal(sent.Order(), decrypted.Order());
    }

    [Theory, MemberData(nameof(Dialects))]
    public async Task PostEvents_ConsentAndCookieRules(Dialect dialect)
    {
        await using var host = await TestHost.StartAsync(dialect);
        var (_, accountId, _) = await Intents.SetupAndLoginAsync(host);
        var visitor = new Intents.Visitor(host, accountId);
        await visitor.ExchangeAsync();
        var payload = new { accountId, payload = "{1,} YWJj eHl6" };

        // no consent cookie: 204 and nothing stored, even without a user cookie
        var anonymous = host.Client();
        var noConsent = await anonymous.PostAsync("/api/events", payload);
        Assert.Equal(HttpStatusCode.NoContent, noConsent.StatusCode);
        anonymous.Cookies["consent"] = "deny";
        Assert.Equal(HttpStatusCode.NoContent, (await anonymous.PostAsync("/api/events", payload)).StatusCode);

        // consent but no user cookie: 400 with the error shape
        anonymous.Cookies["consent"] = "allow";
        var noUser = await anonymous.PostAsync("/api/events", payload);
        Assert.Equal(HttpStatusCode.BadRequest, noUser.StatusCode);
        var err = (await TestClient.JsonAsync(noUser))!;
        Assert.Equal(400, err["status"]!.GetValue<int>());
        Assert.Contains("user cookie", err["error"]!.GetValue<string>());

        // unknown secret: 400 (the vault re-exchanges and retries once)
        anonymous.Cookies["user"] = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.PostAsync("/api/events", payload)).StatusCode);

        // unknown account: 404
        visitor.AllowConsent();
        var unknown = await visitor.Client.PostAsync("/api/events", new { accountId = Guid.NewGuid().ToString(), payload = "{1,} YWJj eHl6" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        // success refreshes the user cookie
        var ok = await visitor.Client.PostAsync("/api/events", payload);
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        Assert.Contains(ok.Headers.GetValues("Set-Cookie"), c => c.StartsWith("user=", StringComparison.Ordinal));

        var events = (await TestClient.JsonAsync(await visitor.Client.GetAsync("/api/events")))!;
        Assert.Single(events["events"]![accountId]!.AsArray());
    }

    [Theory, MemberData(nameof(Dialects))]
    public async Task GetEvents_SinceAndPurge_ReturnTombstones(Dialect dialect)
    {
        await using var host = await TestHost.StartAsync(dialect);
        var (_, accountId, _) = await Intents.SetupAndLoginAsync(host);
        var visitor = new Intents.Visitor(host, accountId);
        await visitor.ExchangeAsync();
        visitor.AllowConsent();

        var empty = await visitor.Client.GetAsync("/api/events");
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Equal("no-store", empty.Headers.CacheControl!.ToString());
        Assert.Equal("""{"events":{},"retentionPeriod":"6months"}""", await empty.Content.ReadAsStringAsync());

        await visitor.PostEventAsync(Intents.Visitor.Pageview("https://a.test/1"));
        var first = (await TestClient.JsonAsync(await visitor.Client.GetAsync("/api/events")))!;
        var seq = first["sequence"]!.GetValue<string>();
        var firstId = first["events"]![accountId]![0]!["eventId"]!.GetValue<string>();
        Assert.Equal(accountId, first["events"]![accountId]![0]!["accountId"]!.GetValue<string>());
        Assert.Null(first["events"]![accountId]![0]!["secretId"]);

        await visitor.PostEventAsync(Intents.Visitor.Pageview("https://a.test/2"));
        var next = (await TestClient.JsonAsync(await visitor.Client.GetAsync($"/api/events?since={seq}")))!;
        Assert.Single(next["events"]![accountId]!.AsArray());
        Assert.Null(next["deletedEvents"]);

        var purge = await visitor.Client.PostAsync("/api/purge", null);
        Assert.Equal(HttpStatusCode.NoContent, purge.StatusCode);
        var afterPurge = (await TestClient.JsonAsync(await visitor.Client.GetAsync($"/api/events?since={seq}")))!;
        Assert.Equal("{}", afterPurge["events"]!.ToJsonString());
        Assert.Contains(firstId, afterPurge["deletedEvents"]!.AsArray().Select(n => n!.GetValue<string>()));

        // opting out clears the user cookie
        var optOut = await visitor.Client.PostAsync("/api/purge?user=1", null);
        Assert.Equal(HttpStatusCode.NoContent, optOut.StatusCode);
        Assert.Contains(optOut.Headers.GetValues("Set-Cookie"), c => c.StartsWith("user=;", StringComparison.Ordinal) && c.Contains("Expires=Thu, 01 Jan 1970 00:00:00 GMT"));
        Assert.False(visitor.Client.Cookies.ContainsKey("user"));
        Assert.Equal(HttpStatusCode.BadRequest, (await visitor.Client.GetAsync("/api/events")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await visitor.Client.PostAsync("/api/purge", null)).StatusCode);
    }


    [Theory, MemberData(nameof(Dialects))]
    public async Task Exchange_UnknownOrRetiredAccount_Returns400(Dialect dialect)
    {
        await using var host = await TestHost.StartAsync(dialect);
        var (op, accountId, _) = await Intents.SetupAndLoginAsync(host);
        var client = host.Client();
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/exchange")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/api/exchange?accountId={Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/api/exchange", new { accountId = Guid.NewGuid().ToString(), encryptedSecret = "x" })).StatusCode);

        var ok = await client.GetAsync($"/api/exchange?accountId={accountId}");
        var body = (await TestClient.JsonAsync(ok))!.AsObject();
        Assert.Equal(["accountId", "name", "publicKey", "created"], body.Select(kv => kv.Key).ToArray());
        Assert.Equal(["e", "kty", "n"], body["publicKey"]!.AsObject().Select(kv => kv.Key).ToArray());

        Assert.Equal(HttpStatusCode.NoContent, (await op.DeleteAsync($"/api/accounts/{accountId}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/api/exchange?accountId={accountId}")).StatusCode);
        var visitor = host.Client();
        visitor.Cookies["consent"] = "allow";
        visitor.Cookies["user"] = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.PostAsync("/api/events", new { accountId, payload = "x" })).StatusCode);
    }

    [Theory, MemberData(nameof(Dialects))]
    public async Task Exchange_SecondTime_ParksEventsAwayFromVisitorButKeepsThemForOperator(Dialect dialect)
    {
        await using var host = await TestHost.StartAsync(dialect);
        var (op, accountId, login) = await Intents.SetupAndLoginAsync(host);
        var visitor = new Intents.Visitor(host, accountId);
        await visitor.ExchangeAsync();
        visitor.AllowConsent();
        var before = Intents.Visitor.Pageview("https://a.test/before");
        await visitor.PostEventAsync(before);
        var seq = (await TestClient.JsonAsync(await visitor.Client.GetAsync("/api/events")))!["sequence"]!.GetValue<string>();

        // the visitor lost their key and exchanges a new one with the same user cookie
        Assert.Equal(HttpStatusCode.NoContent, (await visitor.ExchangeAsync()).StatusCode);
        var mine = (await TestClient.JsonAsync(await visitor.Client.GetAsync($"/api/events?since={seq}")))!;
        Assert.Equal("{}", mine["events"]!.ToJsonString());
        Assert.Single(mine["deletedEvents"]!.AsArray());

        var after = Intents.Visitor.Pageview("https://a.test/after");
        Assert.Equal(HttpStatusCode.Created, (await visitor.PostEventAsync(after)).StatusCode);
        var account = (await TestClient.JsonAsync(await op.GetAsync($"/api/accounts/{accountId}")))!;
        Assert.Equal(new[] { before, after }.Order(), Intents.DecryptAccountEvents(login, account).Order());
    }
}
