using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Offen.Persistence;

using static Offen.Api.Tests.AccountJson;

namespace Offen.Api.Tests;

/// <summary>
/// Our shared encrypted caches over HTTP (docs/adr/0005-shared-caches.md): GET/POST cached-secrets, GET rollups,
/// PUT/DELETE rollups/:key. Access as GET /api/accounts/:accountID; every validation rule's status and message;
/// the 409 rules; and that purge, parking and retiring take the cached values along.
/// </summary>
public class SharedCacheApiTests
{
    public static IEnumerable<object[]> Dialects => TestDatabase.All;

    private const string Payload = "QUJD+/==";

    // ------------------------------------------------------------------ helpers

    private sealed record Operator(TestHost Host, TestClient Client, string AccountId);

    private static async Task<Operator> OperatorAsync(TestHost host)
    {
        var (client, accountId, _) = await Intents.SetupAndLoginAsync(host);
        return new Operator(host, client, accountId);
    }

    /// <summary>A visitor with a secret who sent <paramref name="events"/> pageviews.</summary>
    private static async Task<Intents.Visitor> VisitorAsync(TestHost host, string accountId, int events)
    {
        var v = new Intents.Visitor(host, accountId);
        Assert.Equal(HttpStatusCode.NoContent, (await v.ExchangeAsync()).StatusCode);
        v.AllowConsent();
        for (var i = 0; i < events; i++) Assert.Equal(HttpStatusCode.Created, (await v.PostEventAsync(Intents.Visitor.Pageview("/p" + i))).StatusCode);
        return v;
    }

    /// <summary>The account's events in id order as (eventId, secretId), and the cursor (the latest sequence).</summary>
    private static async Task<(List<(string Id, string? Secret)> Events, string Sequence)> EventsAsync(Operator op)
    {
        var res = await op.Client.GetAsync($"/api/accounts/{op.AccountId}");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        var json = (await TestClient.JsonAsync(res))!;
        var events = (json["events"]?[op.AccountId]?.AsArray() ?? [])
            .Select(e => (e!["eventId"]!.GetValue<string>(), e["secretId"]?.GetValue<string>()))
            .OrderBy(e => e.Item1, StringComparer.Ordinal)
            .ToList();
        return (events, json["sequence"]!.GetValue<string>());
    }

    private static string RollupBody(string first, string last, object eventCount, string asOf, string payload = Payload) =>
        JsonSerializer.Serialize(new { firstEventId = first, lastEventId = last, eventCount, asOf, payload });

    private static Task<HttpResponseMessage> PutRollupAsync(TestClient c, string accountId, string key, string body) =>
        c.SendAsync(HttpMethod.Put, $"/api/accounts/{accountId}/rollups/{key}", body);

    private static async Task<string[]> RollupKeysAsync(Operator op)
    {
        var res = await op.Client.GetAsync($"/api/accounts/{op.AccountId}/rollups?meta=1");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        return [.. (await TestClient.JsonAsync(res))!["rollups"]!.AsArray().Select(r => r!["key"]!.GetValue<string>())];
    }

    private static async Task<JsonObject> CachedSecretsAsync(Operator op)
    {
        var res = await op.Client.GetAsync($"/api/accounts/{op.AccountId}/cached-secrets");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        return (await TestClient.JsonAsync(res))!["secrets"]!.AsObject();
    }

    private static string Hex64(char c) => new(c, 64);

    /// <summary>Every route of this API with a body that passes validation where there is one.</summary>
    private static IEnumerable<(HttpMethod Method, string Path, string? Body)> Routes(string accountId) =>
    [
        (HttpMethod.Get, $"/api/accounts/{accountId}/cached-secrets", null),
        (HttpMethod.Post, $"/api/accounts/{accountId}/cached-secrets", "{\"secrets\":{\"" + Hex64('a') + "\":\"v\"}}"),
        (HttpMethod.Get, $"/api/accounts/{accountId}/rollups", null),
        (HttpMethod.Get, $"/api/accounts/{accountId}/rollups?meta=1", null),
        (HttpMethod.Put, $"/api/accounts/{accountId}/rollups/k", RollupBody("01ARZ3NDEKTSV4RRFFQ69G5FAV", "01ARZ3NDEKTSV4RRFFQ69G5FAV", 1, "01ARZ3NDEKTSV4RRFFQ69G5FAV")),
        (HttpMethod.Delete, $"/api/accounts/{accountId}/rollups/k", null),
    ];

    /// <summary>Sends a request head that declares <paramref name="declaredLength"/> body bytes but only a few of them,
    /// and returns the status line's code: a route that refuses on the declared length alone answers at once.</summary>
    private static async Task<int> DeclaredLengthStatusAsync(TestHost host, TestClient op, string method, string path, long declaredLength)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host.BaseAddress.Host, host.BaseAddress.Port);
        var stream = tcp.GetStream();
        var cookie = string.Join("; ", op.Cookies.Select(c => $"{c.Key}={c.Value}"));
        var head = $"{method} {path} HTTP/1.1\r\nHost: {host.BaseAddress.Authority}\r\nCookie: {cookie}\r\nContent-Length: {declaredLength}\r\n\r\n{{\"payload\":\"";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var status = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotNull(status);
        return int.Parse(status.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    // ------------------------------------------------------------------ access

    [Theory, MemberData(nameof(Dialects))]
    public async Task Access_AsGetAccount_NoCookie401_OtherAccount403_RetiredOrUnknown404(Dialect dialect)
    {
        await using var host = await TestHost.StartAsync(dialect);
        var op = await OperatorAsync(host);
        var accountUserId = (await TestClient.JsonAsync(await op.Client.GetAsync("/api/login")))!["accountUserId"]!.GetValue<string>();

        var stranger = host.Client();
        foreach (var (method, path, body) in Routes(op.AccountId))
            await AssertErrorAsync(await stranger.SendAsync(method, path, body), 401, "router: missing authentication token");

        // An account the caller has no relationship with.
        var foreign = new AccountRecord(Guid.NewGuid().ToString(), "Foreign", """{"e":"AQAB","kty":"RSA","n":"abc"}""", "{1,} Y3Q= bm9uY2U=",
            "{1,} " + Convert.ToBase64String(new byte[16]), false, "", DateTimeOffset.UtcNow);
        await host.Store.CreateAccountAsync(foreign, new RelationshipRecord(Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), foreign.AccountId, "{1,} a b", "{1,} a b", ""));
        Assert.Equal(HttpStatusCode.Forbidden, (await op.Client.GetAsync($"/api/accounts/{foreign.AccountId}")).StatusCode);
        foreach (var (method, path, body) in Routes(foreign.AccountId))
            await AssertErrorAsync(await op.Client.SendAsync(method, path, body), 403, "router: user is not allowed to access this account");

        // D6 as everywhere under /api: a cross-origin write is refused before anything else.
        var crossOrigin = await op.Client.SendAsync(HttpMethod.Post, $"/api/accounts/{op.AccountId}/cached-secrets", "{}", r => r.Headers.Add("Origin", "https://evil.test"));
        await AssertErrorAsync(crossOrigin, 403, "router: cross-origin request refused");

        // The caller still holds a relationship to an account that is retired (retiring happened between login and
        // this request) or that does not exist: 404.
        var relationships = await host.Store.ListRelationshipsAsync(accountUserId);
        Assert.True(await host.Store.RetireAccountAsync(op.AccountId));
        var missing = Guid.NewGuid().ToString();
        await host.Store.SaveRelationshipsAsync([.. relationships, relationships[0] with { RelationshipId = Guid.NewGuid().ToString(), AccountId = missing }]);
        foreach (var id in new[] { op.AccountId, missing })
        {
            foreach (var (method, path, body) in Routes(id))
                await AssertErrorAsync(await op.Client.SendAsync(method, path, body), 404, "router: account not found");
        }
        Assert.Equal(HttpStatusCode.NotFound, (await op.Client.GetAsync($"/api/accounts/{missing}")).StatusCode);
    }

    // ------------------------------------------------------------------ validation

    [Theory, MemberData(nameof(Dialects))]
    public async Task PostCachedSecrets_EveryRule_400WithItsMessage_BodyLimit4MiB(Dialect dialect)
    {
        await using var host = await TestHost.StartAsync(dialect);
        var op = await OperatorAsync(host);
        var path = $"/api/accounts/{op.AccountId}/cached-secrets";
        Task<HttpResponseMessage> Post(string body) => op.Client.PostAsync(path, body);
        string One(string id, string value) => JsonSerializer.Serialize(new { secrets = new Dictionary<string, string> { [id] = value } });
        const string badId = "cached secrets: a secret id must be 64 lowercase hex characters";
        const string badValue = "cached secrets: a value must be 1 to 2048 printable ASCII characters";

        foreach (var id in new[] { Hex64('A'), new string('a', 63), new string('a', 65), new string('g', 64), "", " " + new string('a', 63) })
            await AssertErrorAsync(await Post(One(id, "v")), 400, badId);
        foreach (var value in new[] { "", new string('x', 2049), "caf\u00e9", "a\nb", "tab\there", "\u007f" })
            await AssertErrorAsync(await Post(One(Hex64('a'), value)), 400, badValue);
        await AssertErrorAsync(await Post("{\"secrets\":{\"" + Hex64('a') + "\":null}}"), 400, badValue);
        var tooMany = new Dictionary<string, string>();
        for (var i = 0; i < 20_001; i++) tooMany[i.ToString("x64", System.Globalization.CultureInfo.InvariantCulture)] = "v";
        await AssertErrorAsync(await Post(JsonSerializer.Serialize(new { secrets = tooMany })), 400, "cached secrets: at most 20000 secrets per request");
        await AssertErrorAsync(await Post("""{"secrets":{"x":1}}"""), 400, "router: error decoding cached secrets request payload");
        await AssertErrorAsync(await Post("""{"secrets":[]}"""), 400, "router: error decoding cached secrets request payload");

        // Exactly at the limits: 20,000 entries and 2,048 characters are fine (nothing stored: no such visitors).
        tooMany.Remove(tooMany.Keys.First());
        var ok = await Post(JsonSerializer.Serialize(new { secrets = tooMany }));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("""{"stored":0}""", await ok.Content.ReadAsStringAsync());
        Assert.Equal("""{"stored":0}""", await (await Post(One(Hex64('b'), new string('~', 2048)))).Content.ReadAsStringAsync());
        Assert.Equal("""{"stored":0}""", await (await Post("""{"secrets":null}""")).Content.ReadAsStringAsync());
        Assert.Equal("""{"stored":0}""", await (await Post("{}")).Content.ReadAsStringAsync());

        // This route takes up to 4 MiB (the general limit is 1 MiB), one byte more is a 413.
        var big = new Dictionary<string, string>();
        for (var i = 0; i < 1500; i++) big[i.ToString("x64", System.Globalization.CultureInfo.InvariantCulture)] = new string('x', 2048);
        var bigBody = JsonSerializer.Serialize(new { secrets = big });
        Assert.InRange(bigBody.Length, Offen.Web.Api.MaxBodyBytes + 1, 4 << 20);
        Assert.Equal(HttpStatusCode.OK, (await Post(bigBody)).StatusCode);
        const string prefix = "{\"secrets\":{},\"pad\":\"";
        var limit = prefix + new string(' ', (4 << 20) - prefix.Length - 2) + "\"}";
        Assert.Equal(4 << 20, Encoding.UTF8.GetByteCount(limit));
        Assert.Equal(HttpStatusCode.OK, (await Post(limit)).StatusCode);
        await AssertErrorAsync(await Post(limit + " "), 413, "router: request body exceeds 4194304 bytes");
    }

    [Theory, MemberData(nameof(Dialects))]
    public async Task PutRollup_EveryRule_400WithItsMessage(Dialect dialect)
    {
        await using var host = await TestHost.StartAsync(dialect);
        var op = await OperatorAsync(host);
        const string u1 = "01ARZ3NDEKTSV4RRFFQ69G5FAV", u2 = "01ARZ3NDEKTSV4RRFFQ69G5FAW";
        const string keyMessage = "rollup: key must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', ':' and '-'";
        var good = RollupBody(u1, u2, 1, u2);

        foreach (var key in new[] { new string('k', 65), "a%20b", "caf%C3%A9", "a*b", "a%2Bb", "a,b", "%7E" })
        {
            await AssertErrorAsync(await PutRollupAsync(op.Client, op.AccountId, key, good), 400, keyMessage);
            await AssertErrorAsync(await op.Client.DeleteAsync($"/api/accounts/{op.AccountId}/rollups/{key}"), 400, keyMessage);
        }
        foreach (var notUlid in new[] { "", "x", u1.ToLowerInvariant(), u1[..25], u1 + "0", "01ARZ3NDEKTSV4RRFFQ69G5FAI", "01ARZ3NDEKTSV4RRFFQ69G5FAU", "81ARZ3NDEKTSV4RRFFQ69G5FAV" })
        {
            await AssertErrorAsync(await PutRollupAsync(op.Client, op.AccountId, "k", RollupBody(notUlid, u2, 1, u2)), 400,
                "rollup: firstEventId must be a ULID (26 uppercase Crockford base32 characters)");
            await AssertErrorAsync(await PutRollupAsync(op.Client, op.AccountId, "k", RollupBody(u1, notUlid, 1, u2)), 400,
                "rollup: lastEventId must be a ULID (26 uppercase Crockford base32 characters)");
            await AssertErrorAsync(await PutRollupAsync(op.Client, op.AccountId, "k", RollupBody(u1, u2, 1, notUlid)), 400,
                "rollup: asOf must be a ULID (26 uppercase Crockford base32 characters)");
        }
        await AssertErrorAsync(await PutRollupAsync(op.Client, op.AccountId, "k", RollupBody(u2, u1, 1, u2)), 400,
            "rollup: firstEventId must not be greater than lastEventId");
        foreach (var count in new object[] { 0, -1, 1.5, "1", true })
            await AssertErrorAsync(await PutRollupAsync(op.Client, op.AccountId, "k", RollupBody(u1, u2, count, u2)), 400, "rollup: eventCount must be an integer >= 1");
        foreach (var body in new[] { $$"""{"firstEventId":"{{u1}}","lastEventId":"{{u2}}","asOf":"{{u2}}","payload":"a"}""",
                                     $$"""{"firstEventId":"{{u1}}","lastEventId":"{{u2}}","eventCount":null,"asOf":"{{u2}}","payload":"a"}""",
                                     $$"""{"firstEventId":"{{u1}}","lastEventId":"{{u2}}","eventCount":1e0,"asOf":"{{u2}}","payload":"a"}""" })
            await AssertErrorAsync(await PutRollupAsync(op.Client, op.AccountId, "k", body), 400, "rollup: eventCount must be an integer >= 1");
        foreach (var payload in new[] { "", "caf\u00e9", "a\nb", "\u0000" })
            await AssertErrorAsync(await PutRollupAsync(op.Client, op.AccountId, "k", RollupBody(u1, u2, 1, u2, payload)), 400,
                "rollup: payload must be non-empty printable ASCII");
        await AssertErrorAsync(await PutRollupAsync(op.Client, op.AccountId, "k", "{"), 400, "router: error decoding rollup request payload");
        await AssertErrorAsync(await op.Client.GetAsync($"/api/accounts/{op.AccountId}/rollups?meta=yes"), 400, "rollup: meta must be 0 or 1");

        // Every rule passed: only the events decide (none here, so the count does not match). Longest key, every
        // key character, first == last, printable ASCII payload with JSON specials.
        var longest = "Az09._:-" + new string('k', 56);
        await AssertErrorAsync(await PutRollupAsync(op.Client, op.AccountId, longest, RollupBody(u1, u1, 1, u2, " !\"#\\~")), 409,
            "rollup: event count does not match the events in range");
        Assert.Equal(HttpStatusCode.NoContent, (await op.Client.DeleteAsync($"/api/accounts/{op.AccountId}/rollups/{longest}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await op.Client.DeleteAsync($"/api/accounts/{op.AccountId}/rollups/{longest}")).StatusCode);
    }

    [Theory, MemberData(nameof(Dialects))]
    public async Task PutRollup_TakesBodiesPastKestrelsDefaultLimit_Refuses48MiBPlusOne(Dialect dialect)
    {
        await using var host = await TestHost.StartAsync(dialect);
        var op = await OperatorAsync(host);
        await VisitorAsync(host, op.AccountId, 1);
        var (events, sequence) = await EventsAsync(op);
        var payload = new string('A', 31_000_000);

        var res = await PutRollupAsync(op.Client, op.AccountId, "big", RollupBody(events[0].Id, events[0].Id, 1, sequence, payload));

        if (dialect == Dialect.MySql)
        {
            // MariaDB's default max_allowed_packet (16 MiB) cannot carry it: a clear 413, nothing stored.
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, res.StatusCode);
            Assert.Matches("""^\{"error":"rollup: payload is larger than the database accepts \(max_allowed_packet = \d+ bytes\)","status":413\}$""",
                await res.Content.ReadAsStringAsync());
            Assert.Empty(await RollupKeysAsync(op));
        }
        else
        {
            Assert.Equal(HttpStatusCode.NoContent, res.StatusCode);
            var all = (await TestClient.JsonAsync(await op.Client.GetAsync($"/api/accounts/{op.AccountId}/rollups")))!["rollups"]!.AsArray();
            Assert.Equal(payload, Assert.Single(all)!["payload"]!.GetValue<string>());
        }
        Assert.Equal(413, await DeclaredLengthStatusAsync(host, op.Client, "PUT", $"/api/accounts/{op.AccountId}/rollups/big", (48 << 20) + 1));
        Assert.Equal(413, await DeclaredLengthStatusAsync(host, op.Client, "POST", $"/api/accounts/{op.AccountId}/cached-secrets", (4 << 20) + 1));
    }

    // ------------------------------------------------------------------ round trips

    [Theory, MemberData(nameof(Dialects))]
    public async Task CachedSecrets_RoundTrip_OnlyVisitorsWithEventsAreStored(Dialect dialect)
    {
        await using var host = await TestHost.StartAsync(dialect, captureLogs: true);
        var op = await OperatorAsync(host);
        await VisitorAsync(host, op.AccountId, 2);
        await VisitorAsync(host, op.AccountId, 1);
        await VisitorAsync(host, op.AccountId, 0);
        var (events, _) = await EventsAsync(op);
        var withEvents = events.Select(e => e.Secret!).Distinct().Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(2, withEvents.Length);
        Assert.Empty(await CachedSecretsAsync(op));

        var secrets = new Dictionary<string, string>
        {
            [withEvents[0]] = "{1,} first-cached-value",
            [withEvents[1]] = "{1,} second-cached-value",
            [Hex64('c')] = "{1,} no-such-visitor",
        };
        var res = await op.Client.PostAsync($"/api/accounts/{op.AccountId}/cached-secrets", new { secrets });
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("application/json; charset=utf-8", res.Content.Headers.ContentType!.ToString());
        Assert.Equal("""{"stored":2}""", await res.Content.ReadAsStringAsync());

        var get = await op.Client.GetAsync($"/api/accounts/{op.AccountId}/cached-secrets");
        Assert.Equal("no-store", get.Headers.CacheControl!.ToString());
        Assert.Equal(JsonSerializer.Serialize(new { secrets = new SortedDictionary<string, string>(secrets.Where(kv => kv.Key != Hex64('c')).ToDictionary(), StringComparer.Ordinal) }),
            await get.Content.ReadAsStringAsync());
        res = await op.Client.PostAsync($"/api/accounts/{op.AccountId}/cached-secrets", new { secrets = new Dictionary<string, string> { [withEvents[1]] = "replaced" } });
        Assert.Equal("""{"stored":1}""", await res.Content.ReadAsStringAsync());
        Assert.Equal("replaced", (await CachedSecretsAsync(op))[withEvents[1]]!.GetValue<string>());

        // Nothing of what was stored reaches a log.
        await Task.Delay(200);
        Assert.NotEmpty(host.Log.Lines);
        Assert.DoesNotContain(host.Log.Lines, l => l.Contains("cached-value", StringComparison.Ordinal) || l.Contains("replaced", StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Dialects))]
    public async Task Rollups_RoundTrip_OrderedByFirstEventId_MetaLeavesPayloadsOut_DeleteIsIdempotent(Dialect dialect)
    {
        await using var host = await TestHost.StartAsync(dialect, captureLogs: true);
        var op = await OperatorAsync(host);
        await VisitorAsync(host, op.AccountId, 2);
        await VisitorAsync(host, op.AccountId, 2);
        var (e, sequence) = await EventsAsync(op);
        Assert.Equal(HttpStatusCode.OK, (await op.Client.GetAsync($"/api/accounts/{op.AccountId}/rollups")).StatusCode);
        Assert.Equal("""{"rollups":[]}""", await (await op.Client.GetAsync($"/api/accounts/{op.AccountId}/rollups")).Content.ReadAsStringAsync());

        // Written in the opposite order of their ranges.
        var late = await PutRollupAsync(op.Client, op.AccountId, "day:2", RollupBody(e[2].Id, e[3].Id, 2, sequence, "c2Vjb25k-payload"));
        Assert.Equal(HttpStatusCode.NoContent, late.StatusCode);
        Assert.Equal(0, late.Content.Headers.ContentLength ?? 0);
        Assert.Equal(HttpStatusCode.NoContent, (await PutRollupAsync(op.Client, op.AccountId, "day:1", RollupBody(e[0].Id, e[1].Id, 2, sequence, "Zmlyc3Q=-payload"))).StatusCode);

        var full = await op.Client.GetAsync($"/api/accounts/{op.AccountId}/rollups");
        Assert.Equal(HttpStatusCode.OK, full.StatusCode);
        Assert.Equal("application/json; charset=utf-8", full.Content.Headers.ContentType!.ToString());
        Assert.Equal(
            JsonSerializer.Serialize(new
            {
                rollups = new[]
                {
                    new { key = "day:1", firstEventId = e[0].Id, lastEventId = e[1].Id, eventCount = 2, asOf = sequence, payload = "Zmlyc3Q=-payload" },
                    new { key = "day:2", firstEventId = e[2].Id, lastEventId = e[3].Id, eventCount = 2, asOf = sequence, payload = "c2Vjb25k-payload" },
                },
            }),
            await full.Content.ReadAsStringAsync());
        // Payloads are ciphertext: not gzipped even when the client would take it (ADR 0003).
        var asked = await op.Client.GetAsync($"/api/accounts/{op.AccountId}/rollups", r => r.Headers.Add("Accept-Encoding", "gzip"));
        Assert.Empty(asked.Content.Headers.ContentEncoding);
        Assert.Equal(await full.Content.ReadAsStringAsync(), await asked.Content.ReadAsStringAsync());
        var meta = await op.Client.GetAsync($"/api/accounts/{op.AccountId}/rollups?meta=1");
        Assert.Equal(
            JsonSerializer.Serialize(new
            {
                rollups = new[]
                {
                    new { key = "day:1", firstEventId = e[0].Id, lastEventId = e[1].Id, eventCount = 2, asOf = sequence },
                    new { key = "day:2", firstEventId = e[2].Id, lastEventId = e[3].Id, eventCount = 2, asOf = sequence },
                },
            }),
            await meta.Content.ReadAsStringAsync());
        Assert.Equal(2, (await TestClient.JsonAsync(await op.Client.GetAsync($"/api/accounts/{op.AccountId}/rollups?meta=0")))!["rollups"]!.AsArray()
            .Count(r => r!["payload"] is not null));

        // Replacing under the same key, with another range.
        Assert.Equal(HttpStatusCode.NoContent, (await PutRollupAsync(op.Client, op.AccountId, "day:1", RollupBody(e[0].Id, e[0].Id, 1, sequence, "bmV3"))).StatusCode);
        var replaced = (await TestClient.JsonAsync(await op.Client.GetAsync($"/api/accounts/{op.AccountId}/rollups")))!["rollups"]![0]!;
        Assert.Equal((e[0].Id, 1, "bmV3"), (replaced["lastEventId"]!.GetValue<string>(), replaced["eventCount"]!.GetValue<int>(), replaced["payload"]!.GetValue<string>()));

        Assert.Equal(HttpStatusCode.NoContent, (await op.Client.DeleteAsync($"/api/accounts/{op.AccountId}/rollups/day:2")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await op.Client.DeleteAsync($"/api/accounts/{op.AccountId}/rollups/day:2")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await op.Client.DeleteAsync($"/api/accounts/{op.AccountId}/rollups/never")).StatusCode);
        Assert.Equal(["day:1"], await RollupKeysAsync(op));

        await Task.Delay(200);
        Assert.NotEmpty(host.Log.Lines);
        Assert.DoesNotContain(host.Log.Lines, l => l.Contains("Zmlyc3Q", StringComparison.Ordinal) || l.Contains("c2Vjb25k", StringComparison.Ordinal)
            || l.Contains("bmV3", StringComparison.Ordinal));
    }

    // ------------------------------------------------------------------ 409

    [Theory, MemberData(nameof(Dialects))]
    public async Task PutRollup_409_CountMismatch_StaleByNewerEvent_StaleByNewerTombstone_Overlap(Dialect dialect)
    {
        await using var host = await TestHost.StartAsync(dialect);
        var op = await OperatorAsync(host);
        var stays = await VisitorAsync(host, op.AccountId, 2);
        var leaves = await VisitorAsync(host, op.AccountId, 1);
        var (e, asOf) = await EventsAsync(op);
        var leaving = e.Single(x => x.Secret == e.GroupBy(y => y.Secret).Single(g => g.Count() == 1).Key).Id;
        const string open = "7ZZZZZZZZZZZZZZZZZZZZZZZZZ";

        await AssertErrorAsync(await PutRollupAsync(op.Client, op.AccountId, "r", RollupBody(e[0].Id, e[2].Id, 2, asOf)), 409,
            "rollup: event count does not match the events in range");
        await AssertErrorAsync(await PutRollupAsync(op.Client, op.AccountId, "r", RollupBody(e[0].Id, e[2].Id, 4, asOf)), 409,
            "rollup: event count does not match the events in range");

        // A newer event in the range: an open-ended range takes in an event sent after asOf.
        Assert.Equal(HttpStatusCode.Created, (await stays.PostEventAsync(Intents.Visitor.Pageview("/later"))).StatusCode);
        await AssertErrorAsync(await PutRollupAsync(op.Client, op.AccountId, "r", RollupBody(e[0].Id, open, 4, asOf)), 409,
            "rollup: stale, events in range changed after asOf");

        // A newer tombstone in the range: the count of what is left matches, but an event was deleted after asOf.
        Assert.Equal(HttpStatusCode.NoContent, (await leaves.Client.PostAsync("/api/purge", null)).StatusCode);
        var (afterPurge, _) = await EventsAsync(op);
        Assert.DoesNotContain(afterPurge, x => x.Id == leaving);
        // The cursor that covers the tombstone too (GET account with since returns it).
        var latest = (await TestClient.JsonAsync(await op.Client.GetAsync($"/api/accounts/{op.AccountId}?since={asOf}")))!["sequence"]!.GetValue<string>();
        await AssertErrorAsync(await PutRollupAsync(op.Client, op.AccountId, "r", RollupBody(e[0].Id, e[2].Id, 2, asOf)), 409,
            "rollup: stale, events in range changed after asOf");

        // With the cursor after both changes it is accepted; another key over any of its ids is refused.
        Assert.Equal(HttpStatusCode.NoContent, (await PutRollupAsync(op.Client, op.AccountId, "first:part", RollupBody(e[0].Id, e[2].Id, 2, latest))).StatusCode);
        await AssertErrorAsync(await PutRollupAsync(op.Client, op.AccountId, "other", RollupBody(e[2].Id, open, 1, latest)), 409,
            "rollup: range overlaps rollup first:part");
        Assert.Equal(["first:part"], await RollupKeysAsync(op));
    }

    // ------------------------------------------------------------------ deletion stays real

    [Theory, MemberData(nameof(Dialects))]
    public async Task PurgeAndReExchange_DropTheCoveringRollupsAndTheVisitorsCachedSecret_OthersSurvive(Dialect dialect)
    {
        await using var host = await TestHost.StartAsync(dialect);
        var op = await OperatorAsync(host);
        var first = await VisitorAsync(host, op.AccountId, 2);
        var second = await VisitorAsync(host, op.AccountId, 2);
        var third = await VisitorAsync(host, op.AccountId, 1);
        var (e, asOf) = await EventsAsync(op);
        var bySecret = e.GroupBy(x => x.Secret!).ToDictionary(g => g.Key, g => g.Select(x => x.Id).ToArray());
        var secretOfThird = bySecret.Single(kv => kv.Value.Length == 1).Key;
        // Which visitor has which secret id: the first one's events come first.
        var secretOfFirst = e[0].Secret!;
        var secretOfSecond = bySecret.Keys.Single(k => k != secretOfFirst && k != secretOfThird);
        foreach (var (key, secret) in new[] { ("first", secretOfFirst), ("second", secretOfSecond), ("third", secretOfThird) })
        {
            var ids = bySecret[secret];
            Assert.Equal(HttpStatusCode.NoContent, (await PutRollupAsync(op.Client, op.AccountId, key, RollupBody(ids[0], ids[^1], ids.Length, asOf))).StatusCode);
        }
        var cached = await op.Client.PostAsync($"/api/accounts/{op.AccountId}/cached-secrets",
            new { secrets = bySecret.Keys.ToDictionary(k => k, k => "cached-" + k[..8]) });
        Assert.Equal("""{"stored":3}""", await cached.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.NoContent, (await first.Client.PostAsync("/api/purge", null)).StatusCode);

        Assert.Equal(["second", "third"], await RollupKeysAsync(op));
        Assert.Equal(new[] { secretOfSecond, secretOfThird }.Order(StringComparer.Ordinal), (await CachedSecretsAsync(op)).Select(kv => kv.Key).Order(StringComparer.Ordinal));

        // The second visitor comes back with a new key (cleared storage): parking moves their events under a new
        // secret id; the rollup over the old ids and the cached secret of the reused id go.
        Assert.Equal(HttpStatusCode.NoContent, (await second.ExchangeAsync()).StatusCode);
        Assert.Equal(["third"], await RollupKeysAsync(op));
        Assert.Equal([secretOfThird], (await CachedSecretsAsync(op)).Select(kv => kv.Key));
        // A browser still holding the purged visitor's secret cannot put it back.
        var late = await op.Client.PostAsync($"/api/accounts/{op.AccountId}/cached-secrets", new { secrets = new Dictionary<string, string> { [secretOfFirst] = "late" } });
        Assert.Equal("""{"stored":0}""", await late.Content.ReadAsStringAsync());
        Assert.Single(await CachedSecretsAsync(op));
    }

    [Theory, MemberData(nameof(Dialects))]
    public async Task RetireAccount_DeletesItsCaches_ThenAccessIsRefused(Dialect dialect)
    {
        await using var host = await TestHost.StartAsync(dialect);
        var op = await OperatorAsync(host);
        await VisitorAsync(host, op.AccountId, 1);
        var (e, asOf) = await EventsAsync(op);
        Assert.Equal(HttpStatusCode.NoContent, (await PutRollupAsync(op.Client, op.AccountId, "all", RollupBody(e[0].Id, e[0].Id, 1, asOf))).StatusCode);
        await op.Client.PostAsync($"/api/accounts/{op.AccountId}/cached-secrets", new { secrets = new Dictionary<string, string> { [e[0].Secret!] = "v" } });
        Assert.Single(await CachedSecretsAsync(op));

        Assert.Equal(HttpStatusCode.NoContent, (await op.Client.DeleteAsync($"/api/accounts/{op.AccountId}")).StatusCode);

        await AssertErrorAsync(await op.Client.GetAsync($"/api/accounts/{op.AccountId}/rollups"), 403, "router: user is not allowed to access this account");
        await using var raw = await RawAsync(host);
        Assert.Equal(0L, await raw.ScalarAsync("SELECT count(*) FROM rollups"));
        Assert.Equal(0L, await raw.ScalarAsync("SELECT count(*) FROM cached_secrets"));
    }

    // ------------------------------------------------------------------ rate limit keys

    [Fact]
    public async Task RateLimit_PerAccount_WithKeysOfTheirOwn()
    {
        await using var host = await TestHost.StartAsync(Dialect.Sqlite, s => s with { RateLimiting = true });
        var op = await OperatorAsync(host);
        var rollups = $"/api/accounts/{op.AccountId}/rollups";

        Assert.Equal(HttpStatusCode.OK, (await op.Client.GetAsync($"/api/accounts/{op.AccountId}")).StatusCode);
        var sw = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, (await op.Client.GetAsync(rollups)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await op.Client.GetAsync($"/api/accounts/{op.AccountId}/cached-secrets")).StatusCode);
        Assert.True(sw.ElapsedMilliseconds < 700, $"first calls of their own keys waited {sw.ElapsedMilliseconds} ms");
        sw.Restart();
        Assert.Equal(HttpStatusCode.OK, (await op.Client.GetAsync(rollups + "?meta=1")).StatusCode);
        Assert.True(sw.ElapsedMilliseconds >= 800, $"the second GET rollups within a second passed after {sw.ElapsedMilliseconds} ms");
    }

    // ------------------------------------------------------------------ raw database access

    private static async Task<RawConnection> RawAsync(TestHost host)
    {
        System.Data.Common.DbConnection c = host.Database.Dialect switch
        {
            Dialect.Sqlite => new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={host.Database.ConnectionString}"),
            Dialect.Postgres => new Npgsql.NpgsqlConnection(host.Database.ConnectionString),
            _ => new MySqlConnector.MySqlConnection(host.Database.ConnectionString),
        };
        await c.OpenAsync();
        return new RawConnection(c);
    }

    private sealed class RawConnection(System.Data.Common.DbConnection c) : IAsyncDisposable
    {
        public async Task<long> ScalarAsync(string sql)
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }

        public ValueTask DisposeAsync() => c.DisposeAsync();
    }
}
