using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Offen.Persistence;

using static Offen.Api.Tests.AccountJson;

namespace Offen.Api.Tests;

/// <summary>
/// Our "uncovered" mode of GET /api/accounts/{id} (docs/adr/0005-shared-caches.md): the account, its rollups, the
/// snapshot's latest sequence and only the events no rollup covers, in event id order, paged by `limit` and `after`.
/// Access, existence and rate limit as GET account; every validation rule; the usual response unchanged.
/// </summary>
public class UncoveredAccountApiTests
{
    public static IEnumerable<object[]> Dialects => TestDatabase.All;

    private const int Limit = 1000;

    /// <summary>The members of the usual response (with events, no since, no account styles).</summary>
    private static readonly string[] UsualMembers =
        ["accountId", "name", "publicKey", "encryptedPrivateKey", "events", "sequence", "secrets", "created", "retentionPeriod"];

    // ------------------------------------------------------------------ without rollups

    [Theory, MemberData(nameof(Dialects))]
    public async Task NoRollups_AllEventsInIdOrder_SequenceCoversANewerTombstone_PagesGiveEachEventOnce(Dialect dialect)
    {
        await using var host = await TestHost.StartAsync(dialect);
        var (op, accountId, _) = await Intents.SetupAndLoginAsync(host);
        var a = new Intents.Visitor(host, accountId);
        var b = new Intents.Visitor(host, accountId);
        Assert.Equal(HttpStatusCode.NoContent, (await a.ExchangeAsync()).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await b.ExchangeAsync()).StatusCode);
        const int seeded = 2600;
        await host.Store.InsertEventsAsync([.. Enumerable.Range(0, seeded).Select(i => OwnerOf(i) switch
        {
            'A' => new NewEvent(accountId, a.Client.Cookies["user"], a.Encrypt($"a{i}")),
            'B' => new NewEvent(accountId, b.Client.Cookies["user"], b.Encrypt($"b{i}")),
            _ => new NewEvent(accountId, "", $"anonymous {i}"),
        })]);

        var usualText = await GetTextAsync(op, Path(accountId));
        var usual = JsonNode.Parse(usualText)!;
        var whole = await GetOkAsync(op, Path(accountId, "uncovered=1"));
        Assert.Equal([.. UsualMembers, "rollups"], Members(whole));
        Assert.Equal("[]", whole["rollups"]!.ToJsonString());
        // Every event, in event id order, each exactly as the usual response has it; the same secrets and sequence.
        var events = Events(whole);
        Assert.Equal(seeded, events.Count);
        Assert.Equal(events.Select(Id).Order(StringComparer.Ordinal), events.Select(Id));
        var usualById = Events(usual).ToDictionary(Id, e => e.ToJsonString());
        Assert.Equal(events.Select(Id).Order(StringComparer.Ordinal), usualById.Keys.Order(StringComparer.Ordinal));
        Assert.All(events, e => Assert.Equal(usualById[Id(e)], e.ToJsonString()));
        Assert.Equal(usual["secrets"]!.ToJsonString(), whole["secrets"]!.ToJsonString());
        Assert.Equal(usual["sequence"]!.GetValue<string>(), whole["sequence"]!.GetValue<string>());
        foreach (var member in new[] { "accountId", "name", "publicKey", "encryptedPrivateKey", "created", "retentionPeriod" })
            Assert.Equal(usual[member]!.ToJsonString(), whole[member]!.ToJsonString());

        // Pages of 1000: 1000, 1000, 600; `next` is the last id of a page after which more follow.
        var pages = await PagesAsync(op, accountId);
        Assert.Equal([Limit, Limit, seeded - (2 * Limit)], pages.Select(p => Events(p).Count));
        Assert.Equal([true, true, false], pages.Select(p => p["next"] is not null));
        Assert.Equal(events.Select(e => e.ToJsonString()), pages.SelectMany(Events).Select(e => e.ToJsonString()));
        Assert.All(pages, p => Assert.Equal(whole["sequence"]!.GetValue<string>(), p["sequence"]!.GetValue<string>()));
        Assert.Equal([.. UsualMembers, "rollups", "next"], Members(pages[0]));

        // B purges: 2,000 events are left, and the newest change is a tombstone. The sequence is the snapshot's
        // latest over events and tombstones (what `since` would return), not the latest event's.
        Assert.Equal(HttpStatusCode.NoContent, (await b.Client.PostAsync("/api/purge", null)).StatusCode);
        var sinceBefore = await GetOkAsync(op, Path(accountId, $"since={usual["sequence"]!.GetValue<string>()}"));
        Assert.Equal(600, sinceBefore["deletedEvents"]!.AsArray().Count);
        var afterPurge = await GetOkAsync(op, Path(accountId));
        whole = await GetOkAsync(op, Path(accountId, "uncovered=1"));
        Assert.Equal(sinceBefore["sequence"]!.GetValue<string>(), whole["sequence"]!.GetValue<string>());
        Assert.True(string.CompareOrdinal(whole["sequence"]!.GetValue<string>(), afterPurge["sequence"]!.GetValue<string>()) > 0,
            "the tombstones are newer than every event");
        Assert.Null(whole["deletedEvents"]);
        Assert.Equal(2000, Events(whole).Count);

        // Two full pages: the second has as many events as the limit but nothing follows it, so no `next`.
        pages = await PagesAsync(op, accountId);
        Assert.Equal([Limit, Limit], pages.Select(p => Events(p).Count));
        Assert.Equal([true, false], pages.Select(p => p["next"] is not null));
        Assert.Equal(Events(whole).Select(Id), pages.SelectMany(Events).Select(Id));

        // uncovered=0 is the usual response, byte for byte; without the mode nothing changed.
        Assert.Equal(await GetTextAsync(op, Path(accountId)), await GetTextAsync(op, Path(accountId, "uncovered=0")));
        Assert.Equal(await GetTextAsync(op, Path(accountId, "limit=1000")), await GetTextAsync(op, Path(accountId, "uncovered=0&limit=1000")));
        Assert.Equal(UsualMembers, Members(afterPurge));

        // gzip as for the usual response: not with a limit, otherwise when the client takes it.
        var gzipped = await op.GetAsync(Path(accountId, "uncovered=1"), r => r.Headers.Add("Accept-Encoding", "gzip"));
        Assert.Contains("gzip", gzipped.Content.Headers.ContentEncoding);
        var paged = await op.GetAsync(Path(accountId, "uncovered=1&limit=1000"), r => r.Headers.Add("Accept-Encoding", "gzip"));
        Assert.Equal(HttpStatusCode.OK, paged.StatusCode);
        Assert.Empty(paged.Content.Headers.ContentEncoding);
        Assert.Equal(Limit, Events(JsonNode.Parse(await paged.Content.ReadAsStringAsync())!).Count);
    }

    // ------------------------------------------------------------------ with rollups

    [Theory, MemberData(nameof(Dialects))]
    public async Task WithRollups_OnlyTheEventsNoRollupCovers_TheStoredRollups_SecretsOfThoseEventsOnly(Dialect dialect)
    {
        await using var host = await TestHost.StartAsync(dialect, captureLogs: true);
        var (op, accountId, login) = await Intents.SetupAndLoginAsync(host);
        var visitors = new Dictionary<char, Intents.Visitor>();
        foreach (var v in "PQR")
        {
            visitors[v] = new Intents.Visitor(host, accountId);
            Assert.Equal(HttpStatusCode.NoContent, (await visitors[v].ExchangeAsync()).StatusCode);
            visitors[v].AllowConsent();
        }
        // Ids are made in the order of receipt: e0 ... e9. Q's events all lie in the first rollup.
        const string owners = "PRQQQPRRRP";
        for (var i = 0; i < owners.Length; i++)
            Assert.Equal(HttpStatusCode.Created, (await visitors[owners[i]].PostEventAsync(Intents.Visitor.Pageview($"/e{i}"))).StatusCode);
        var usual = await GetOkAsync(op, Path(accountId));
        var e = Events(usual).Select(Id).Order(StringComparer.Ordinal).ToArray();
        var secretOf = Events(usual).ToDictionary(Id, x => x["secretId"]!.GetValue<string>());
        var asOf = usual["sequence"]!.GetValue<string>();
        foreach (var (key, first, last) in new[] { ("late", 6, 7), ("early", 2, 4) })
        {
            var put = await op.SendAsync(HttpMethod.Put, $"/api/accounts/{accountId}/rollups/{key}",
                JsonSerializer.Serialize(new { firstEventId = e[first], lastEventId = e[last], eventCount = last - first + 1, asOf, payload = "c2VjcmV0LXJvbGx1cA==" }));
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        }

        var page = await GetOkAsync(op, Path(accountId, "uncovered=1"));
        // Before the first rollup, between the two, after the last.
        int[] uncovered = [0, 1, 5, 8, 9];
        Assert.Equal(uncovered.Select(i => e[i]), Events(page).Select(Id));
        var usualById = Events(usual).ToDictionary(Id, x => x.ToJsonString());
        Assert.All(Events(page), x => Assert.Equal(usualById[Id(x)], x.ToJsonString()));
        // The rollups exactly as stored (GET rollups?meta=1), by firstEventId.
        var stored = (await TestClient.JsonAsync(await op.GetAsync($"/api/accounts/{accountId}/rollups?meta=1")))!["rollups"]!;
        Assert.Equal(stored.ToJsonString(), page["rollups"]!.ToJsonString());
        Assert.Equal(["early", "late"], page["rollups"]!.AsArray().Select(r => r!["key"]!.GetValue<string>()));
        Assert.Equal(JsonSerializer.Serialize(new { key = "early", firstEventId = e[2], lastEventId = e[4], eventCount = 3, asOf }),
            page["rollups"]![0]!.ToJsonString());
        // Secrets of P and R only: Q's events are all covered.
        var expectedSecrets = uncovered.Select(i => secretOf[e[i]]).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, expectedSecrets.Count);
        Assert.DoesNotContain(secretOf[e[2]], expectedSecrets);
        Assert.Equal(expectedSecrets, page["secrets"]!.AsObject().Select(kv => kv.Key));
        Assert.All(expectedSecrets, id => Assert.Equal(usual["secrets"]![id]!.GetValue<string>(), page["secrets"]![id]!.GetValue<string>()));
        Assert.Equal(asOf, page["sequence"]!.GetValue<string>());
        Assert.Null(page["next"]);
        // The page is enough to decrypt its events, as a vault would.
        Assert.Equal(uncovered.Select(i => $"/e{i}"), Intents.DecryptAccountEvents(login, page).Select(p => JsonNode.Parse(p)!["href"]!.GetValue<string>()));

        // The usual response carries neither rollups nor next.
        Assert.Equal(UsualMembers, Members(await GetOkAsync(op, Path(accountId))));
        Assert.Equal(UsualMembers, Members(await GetOkAsync(op, Path(accountId, "limit=1000"))));

        // A cursor inside a rollup continues after it; after the last event nothing is left, the rollups still come.
        var rest = await GetOkAsync(op, Path(accountId, $"uncovered=1&limit=1000&after={e[3]}"));
        Assert.Equal([e[5], e[8], e[9]], Events(rest).Select(Id));
        Assert.Null(rest["next"]);
        var none = await GetOkAsync(op, Path(accountId, $"uncovered=1&after={e[9]}"));
        Assert.Equal(["accountId", "name", "publicKey", "encryptedPrivateKey", "sequence", "created", "retentionPeriod", "rollups"], Members(none));
        Assert.Equal(stored.ToJsonString(), none["rollups"]!.ToJsonString());

        // No event id, secret id or payload reaches a log; the access log masks the cursor.
        await Task.Delay(200);
        var lines = host.Log.Lines;
        Assert.Contains(lines, l => l.Contains($"/api/accounts/{accountId}?uncovered=1&limit=1000&after=- ", StringComparison.Ordinal));
        var identifying = e.Concat(secretOf.Values).Concat(Events(usual).Select(x => x["payload"]!.GetValue<string>())).ToList();
        Assert.DoesNotContain(lines, l => identifying.Any(s => l.Contains(s, StringComparison.Ordinal)));
    }

    // ------------------------------------------------------------------ validation, access, existence

    [Theory, MemberData(nameof(Dialects))]
    public async Task EveryRule_400WithItsMessage_401_403_404_RetiredAsGetAccount(Dialect dialect)
    {
        await using var host = await TestHost.StartAsync(dialect);
        var (op, accountId, _) = await Intents.SetupAndLoginAsync(host);
        var visitor = new Intents.Visitor(host, accountId);
        Assert.Equal(HttpStatusCode.NoContent, (await visitor.ExchangeAsync()).StatusCode);
        visitor.AllowConsent();
        Assert.Equal(HttpStatusCode.Created, (await visitor.PostEventAsync(Intents.Visitor.Pageview("/"))).StatusCode);
        const string u = "01ARZ3NDEKTSV4RRFFQ69G5FAV";

        var rules = new Dictionary<string, string[]>
        {
            ["router: uncovered must be 1 (or 0 for the usual response)"] =
                ["uncovered=2", "uncovered=", "uncovered", "uncovered=true", "uncovered=01", "uncovered=%201", "uncovered=1%20", "uncovered=-1"],
            ["router: uncovered must be given once"] = ["uncovered=1&uncovered=1", "uncovered=0&uncovered=1", "uncovered=1&uncovered=2"],
            ["router: after is only allowed with uncovered=1"] = [$"after={u}", $"uncovered=0&after={u}", "after=", "after=x", $"since=0&after={u}"],
            ["router: after must be a ULID (26 uppercase Crockford base32 characters)"] =
            [
                "uncovered=1&after=", $"uncovered=1&after={u.ToLowerInvariant()}", $"uncovered=1&after={u[..25]}", $"uncovered=1&after={u}0",
                "uncovered=1&after=01ARZ3NDEKTSV4RRFFQ69G5FAI", "uncovered=1&after=01ARZ3NDEKTSV4RRFFQ69G5FAU", "uncovered=1&after=81ARZ3NDEKTSV4RRFFQ69G5FAV",
                $"uncovered=1&after=%20{u[1..]}", $"uncovered=1&limit=1000&after={u}'--",
            ],
            ["router: after must be given once"] = [$"uncovered=1&after={u}&after={u}", $"after={u}&after={u}"],
            ["router: since cannot be combined with uncovered=1"] = [$"uncovered=1&since={u}", "uncovered=1&since=", $"since={u}&uncovered=1&after={u}"],
            ["router: limit must be an integer between 1000 and 200000"] = ["uncovered=1&limit=999", "uncovered=1&limit=1000&limit=1000", "uncovered=1&limit=x"],
        };
        foreach (var (message, queries) in rules)
        {
            foreach (var q in queries)
            {
                var res = await op.GetAsync(Path(accountId, q));
                Assert.True(res.StatusCode == HttpStatusCode.BadRequest, $"{q}: {res.StatusCode}");
                Assert.Equal(JsonSerializer.Serialize(new { error = message, status = 400 }), await res.Content.ReadAsStringAsync());
            }
        }
        // The bounds of limit are valid with the mode too.
        foreach (var q in new[] { "uncovered=1&limit=1000", "uncovered=1&limit=200000", $"uncovered=1&limit=1000&after={u}", "uncovered=1" })
            Assert.Single(Events(await GetOkAsync(op, Path(accountId, q))));

        // Without the cookie 401; another account 403, also before validation; access is checked before existence.
        await AssertErrorAsync(await host.Client().GetAsync(Path(accountId, "uncovered=1")), 401, "router: missing authentication token");
        var foreign = new AccountRecord(Guid.NewGuid().ToString(), "Foreign", """{"e":"AQAB","kty":"RSA","n":"abc"}""", "{1,} Y3Q= bm9uY2U=",
            "{1,} " + Convert.ToBase64String(new byte[16]), false, "", DateTimeOffset.UtcNow);
        await host.Store.CreateAccountAsync(foreign, new RelationshipRecord(Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), foreign.AccountId, "{1,} a b", "{1,} a b", ""));
        foreach (var q in new[] { "uncovered=1", "uncovered=2", $"uncovered=1&after={u}&limit=1000" })
            await AssertErrorAsync(await op.GetAsync(Path(foreign.AccountId, q)), 403, "router: user is not allowed to access this account");
        await AssertErrorAsync(await op.GetAsync(Path(Guid.NewGuid().ToString(), "uncovered=1")), 403, "router: user is not allowed to access this account");

        // A relationship to an account that does not exist: 404. One to a retired account: as GET account (served).
        var accountUserId = (await TestClient.JsonAsync(await op.GetAsync("/api/login")))!["accountUserId"]!.GetValue<string>();
        var relationships = await host.Store.ListRelationshipsAsync(accountUserId);
        Assert.True(await host.Store.RetireAccountAsync(accountId));
        var missing = Guid.NewGuid().ToString();
        await host.Store.SaveRelationshipsAsync([.. relationships, relationships[0] with { RelationshipId = Guid.NewGuid().ToString(), AccountId = missing }]);
        await AssertErrorAsync(await op.GetAsync(Path(missing, "uncovered=1")), 404, "router: account not found");
        await AssertErrorAsync(await op.GetAsync(Path(missing)), 404, "router: account not found");
        var retiredUsual = await op.GetAsync(Path(accountId));
        var retired = await op.GetAsync(Path(accountId, "uncovered=1"));
        Assert.Equal(HttpStatusCode.OK, retiredUsual.StatusCode);
        Assert.Equal(retiredUsual.StatusCode, retired.StatusCode);
        var retiredBody = JsonNode.Parse(await retired.Content.ReadAsStringAsync())!;
        Assert.Single(Events(retiredBody));
        Assert.Equal("[]", retiredBody["rollups"]!.ToJsonString());
    }

    [Fact]
    public async Task RateLimit_IsGetAccountsOwnKey()
    {
        await using var host = await TestHost.StartAsync(Dialect.Sqlite, s => s with { RateLimiting = true });
        var (op, accountId, _) = await Intents.SetupAndLoginAsync(host);

        Assert.Equal(HttpStatusCode.OK, (await op.GetAsync(Path(accountId))).StatusCode);
        var sw = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, (await op.GetAsync(Path(accountId, "uncovered=1"))).StatusCode);
        Assert.True(sw.ElapsedMilliseconds >= 800, $"an uncovered GET within a second of a GET account passed after {sw.ElapsedMilliseconds} ms");
        // Another key of the account (GET rollups) does not wait behind it.
        sw.Restart();
        Assert.Equal(HttpStatusCode.OK, (await op.GetAsync($"/api/accounts/{accountId}/rollups?meta=1")).StatusCode);
        Assert.True(sw.ElapsedMilliseconds < 700, $"GET rollups waited {sw.ElapsedMilliseconds} ms");
    }

    // ------------------------------------------------------------------ helpers

    // ------------------------------------------------------------------ escaping of ciphertext responses

    /// <summary>
    /// The account's events (both modes, paged or not) and the rollups are written with only what JSON requires
    /// escaped: base64's '+' as is, not as \u002B; every value still parses back to what was stored.
    /// </summary>
    [Fact]
    public async Task CiphertextResponses_WritePlusAsIs_AndEveryValueParsesBackUnchanged()
    {
        await using var host = await TestHost.StartAsync(Dialect.Sqlite);
        var (op, accountId, _) = await Intents.SetupAndLoginAsync(host);
        const string payload = "{1,} ab+c/d== +<&>'\"\\ \u2028 \u00e9 \t";
        await host.Store.InsertEventsAsync([new NewEvent(accountId, "", payload)]);
        foreach (var query in new string?[] { null, $"limit={Limit}", "uncovered=1", $"uncovered=1&limit={Limit}" })
        {
            var text = await GetTextAsync(op, Path(accountId, query));
            Assert.DoesNotContain("\\u002B", text, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("ab+c/d== +<&>'", text);
            Assert.Equal(payload, Events(JsonNode.Parse(text)!).Single()["payload"]!.GetValue<string>());
        }

        var usual = await GetOkAsync(op, Path(accountId));
        var eventId = Id(Events(usual).Single());
        var rollupPayload = Convert.ToBase64String([0xfb, 0xef, 0xbe, 0xfb, 0xef, 0xbe]);
        Assert.Contains('+', rollupPayload);
        var put = await op.SendAsync(HttpMethod.Put, $"/api/accounts/{accountId}/rollups/day",
            JsonSerializer.Serialize(new { firstEventId = eventId, lastEventId = eventId, eventCount = 1, asOf = usual["sequence"]!.GetValue<string>(), payload = rollupPayload }));
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        var rollups = await GetTextAsync(op, $"/api/accounts/{accountId}/rollups");
        Assert.Contains(rollupPayload, rollups);
        Assert.Equal(rollupPayload, JsonNode.Parse(rollups)!["rollups"]![0]!["payload"]!.GetValue<string>());
    }

    private static string Path(string accountId, string? query = null) => $"/api/accounts/{accountId}" + (query is null ? "" : "?" + query);

    /// <summary>Follows `next` from the first page of 1000 to the last.</summary>
    private static async Task<List<JsonNode>> PagesAsync(TestClient op, string accountId)
    {
        var pages = new List<JsonNode>();
        string? after = null;
        while (true)
        {
            var page = await GetOkAsync(op, Path(accountId, "uncovered=1&limit=1000" + (after is null ? "" : $"&after={after}")));
            pages.Add(page);
            AssertSecretsCoverExactlyThePage(page);
            Assert.Null(page["deletedEvents"]);
            if (page["next"] is not { } next) return pages;
            Assert.Equal(Id(Events(page)[^1]), next.GetValue<string>());
            after = next.GetValue<string>();
            Assert.True(pages.Count < 10, "paging does not end");
        }
    }

    private static string[] Members(JsonNode body) => [.. body.AsObject().Select(kv => kv.Key)];
}
