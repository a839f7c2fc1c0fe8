using System.Net;
using System.Text.Json.Nodes;
using Offen.Persistence;

using static Offen.Api.Tests.AccountJson;

namespace Offen.Api.Tests;

/// <summary>
/// Our `limit` extension of GET /api/accounts/{id} (docs/adr/0003-http-surface.md): an account fetched page by
/// page gives exactly what one unpaged response gives, on every database, also when events are parked (one
/// sequence shared by many events, server.md §5.6) and purged between pages; without `limit` nothing changes.
/// </summary>
public class AccountPagingTests
{
    public static IEnumerable<object[]> Dialects => TestDatabase.All;

    private const int Limit = 1000;

    [Theory, MemberData(nameof(Dialects))]
    public async Task Pages_AddUpToTheUnpagedResponse_AcrossParkingAndPurge(Dialect dialect)
    {
        await using var host = await TestHost.StartAsync(dialect);
        var (op, accountId, _) = await Intents.SetupAndLoginAsync(host);
        var a = new Intents.Visitor(host, accountId);
        var b = new Intents.Visitor(host, accountId);
        Assert.Equal(HttpStatusCode.NoContent, (await a.ExchangeAsync()).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await b.ExchangeAsync()).StatusCode);

        // 2,600 events in one transaction (each with its own sequence), interleaved so every page mixes owners.
        const int seeded = 2600;
        var seed = Enumerable.Range(0, seeded).Select(i => OwnerOf(i) switch
        {
            'A' => new NewEvent(accountId, a.Client.Cookies["user"], a.Encrypt($"a{i}")),
            'B' => new NewEvent(accountId, b.Client.Cookies["user"], b.Encrypt($"b{i}")),
            _ => new NewEvent(accountId, "", $"anonymous {i}"),
        }).ToList();
        await host.Store.InsertEventsAsync(seed);

        // --- 1. static data: pages 1000, 1000, 600 concatenate to the unpaged list, in order
        var unpaged = await GetOkAsync(op, $"/api/accounts/{accountId}");
        var all = Events(unpaged);
        Assert.Equal(seeded, all.Count);
        var sequenceOf = (await host.Store.GetAccountEventsAsync(accountId, null))!.Events.ToDictionary(e => e.EventId, e => e.Sequence);

        var pages = new List<JsonNode>();
        string? since = null;
        while (true)
        {
            var page = await GetOkAsync(op, Url(accountId, since, Limit));
            pages.Add(page);
            AssertSecretsCoverExactlyThePage(page);
            Assert.Null(page["deletedEvents"]);
            var events = Events(page);
            if (events.Count < Limit) break;
            // A cut page ends at its last event's sequence, and the next page continues from there.
            since = page["sequence"]!.GetValue<string>();
            Assert.Equal(sequenceOf[Id(events[^1])], since);
            Assert.True(pages.Count < 10, "paging does not end");
        }
        Assert.Equal([Limit, Limit, seeded - (2 * Limit)], pages.Select(p => Events(p).Count));
        Assert.Equal(all.Select(e => e.ToJsonString()), pages.SelectMany(Events).Select(e => e.ToJsonString()));
        Assert.Equal(unpaged["sequence"]!.GetValue<string>(), pages[^1]["sequence"]!.GetValue<string>());
        foreach (var page in pages)
        {
            foreach (var (id, secret) in page["secrets"]!.AsObject()) Assert.Equal(unpaged["secrets"]![id]!.GetValue<string>(), secret!.GetValue<string>());
        }
        // A page that is not cut is byte for byte the response without limit (what upstream's clients get).
        Assert.Equal(await GetTextAsync(op, Url(accountId, since, null)), await GetTextAsync(op, Url(accountId, since, Limit)));
        Assert.Equal(await GetTextAsync(op, Url(accountId, null, null)), await GetTextAsync(op, Url(accountId, null, 200_000)));

        // --- 2. changes between pages: a client replays page by page and ends where an unpaged client ends
        var aIds = all.Where((_, i) => OwnerOf(i) == 'A').Select(Id).ToHashSet();
        var bIds = all.Where((_, i) => OwnerOf(i) == 'B').Select(Id).ToHashSet();
        var page1 = await GetOkAsync(op, Url(accountId, null, Limit));
        var held = Events(page1).Select(Id).ToHashSet();
        Assert.Equal(Limit, held.Count);
        var s1 = page1["sequence"]!.GetValue<string>();

        // A re-exchanges: all 1,200 of A's events are copied under a parked secret with ONE new sequence G (more
        // than a page) and tombstoned at G. Then 300 later anonymous events, then B purges (tombstones after G).
        Assert.Equal(HttpStatusCode.NoContent, (await a.ExchangeAsync()).StatusCode);
        await host.Store.InsertEventsAsync(Enumerable.Range(0, 300).Select(i => new NewEvent(accountId, "", $"late {i}")).ToList());
        Assert.Equal(HttpStatusCode.NoContent, (await b.Client.PostAsync("/api/purge", null)).StatusCode);
        var now = (await host.Store.GetAccountEventsAsync(accountId, null))!;
        var parked = now.Events.Where(e => e.SecretId is not null).ToList();
        Assert.Equal(aIds.Count, parked.Count);
        var g = Assert.Single(parked.Select(e => e.Sequence).Distinct());
        var parkedSecret = Assert.Single(parked.Select(e => e.SecretId).Distinct());

        // Page 2 reaches the limit inside the group at G and reads on to its end: every copy, cut right after.
        var page2 = await GetOkAsync(op, Url(accountId, s1, Limit));
        var events2 = Events(page2);
        var anonymousLeft = Enumerable.Range(Limit, seeded - Limit).Count(i => OwnerOf(i) == '-');
        Assert.Equal(anonymousLeft + parked.Count, events2.Count);
        Assert.Equal(parked.Select(e => e.EventId).Order(StringComparer.Ordinal),
            events2.Where(e => e["secretId"] is not null).Select(Id).Order(StringComparer.Ordinal));
        Assert.Equal(g, page2["sequence"]!.GetValue<string>());
        Assert.Equal([parkedSecret!], page2["secrets"]!.AsObject().Select(kv => kv.Key));
        AssertSecretsCoverExactlyThePage(page2);
        // Only the tombstones up to G: A's (made at G), not B's (made after G).
        var deleted2 = page2["deletedEvents"]!.AsArray().Select(d => d!.GetValue<string>()).ToList();
        Assert.Equal(aIds.Order(StringComparer.Ordinal), deleted2.Order(StringComparer.Ordinal));
        Apply(held, page2);

        // Page 3 is not cut: the 300 late events, B's tombstones, and byte for byte the unpaged response.
        var page3Text = await GetTextAsync(op, Url(accountId, g, Limit));
        Assert.Equal(await GetTextAsync(op, Url(accountId, g, null)), page3Text);
        var page3 = JsonNode.Parse(page3Text)!;
        Assert.Equal(300, Events(page3).Count);
        Assert.Null(page3["secrets"]);
        var deleted3 = page3["deletedEvents"]!.AsArray().Select(d => d!.GetValue<string>()).ToList();
        Assert.Equal(bIds.Order(StringComparer.Ordinal), deleted3.Order(StringComparer.Ordinal));
        Apply(held, page3);

        // Every tombstone the client needed came exactly once, and the replayed state is the unpaged one.
        Assert.Empty(deleted2.Intersect(deleted3));
        var unpagedNow = await GetOkAsync(op, $"/api/accounts/{accountId}");
        Assert.Equal(Events(unpagedNow).Select(Id).Order(StringComparer.Ordinal), held.Order(StringComparer.Ordinal));
        var unpagedSinceS1 = await GetOkAsync(op, Url(accountId, s1, null));
        Assert.Equal(unpagedSinceS1["sequence"]!.GetValue<string>(), page3["sequence"]!.GetValue<string>());
        Assert.True(string.CompareOrdinal(page3["sequence"]!.GetValue<string>(), g) > 0);
    }

    [Theory, MemberData(nameof(Dialects))]
    public async Task InvalidLimits_Are400_ValidBoundsAndNoLimitAre200(Dialect dialect)
    {
        await using var host = await TestHost.StartAsync(dialect);
        var (op, accountId, _) = await Intents.SetupAndLoginAsync(host);
        var visitor = new Intents.Visitor(host, accountId);
        await visitor.ExchangeAsync();
        visitor.AllowConsent();
        Assert.Equal(HttpStatusCode.Created, (await visitor.PostEventAsync(Intents.Visitor.Pageview("https://www.example.test/"))).StatusCode);

        foreach (var bad in new[] { "limit=0", "limit=999", "limit=200001", "limit=abc", "limit=1e3", "limit=", "limit=-1000",
                     "limit=%201000", "limit=1000.0", "limit=99999999999", "limit=1000&limit=2000", "since=0&limit=0x3E8" })
        {
            var res = await op.GetAsync($"/api/accounts/{accountId}?{bad}");
            Assert.True(res.StatusCode == HttpStatusCode.BadRequest, $"{bad}: {res.StatusCode}");
            var err = (await TestClient.JsonAsync(res))!;
            Assert.Equal(["error", "status"], err.AsObject().Select(kv => kv.Key).ToArray());
            Assert.Equal(400, err["status"]!.GetValue<int>());
            Assert.Equal("router: limit must be an integer between 1000 and 200000", err["error"]!.GetValue<string>());
        }
        // Access is checked first, as for every other request to a foreign account.
        Assert.Equal(HttpStatusCode.Forbidden, (await op.GetAsync($"/api/accounts/{Guid.NewGuid()}?limit=0")).StatusCode);

        // The bounds are valid; one event is under any limit, so those responses equal the unlimited one.
        var plain = await GetTextAsync(op, $"/api/accounts/{accountId}");
        Assert.Equal(plain, await GetTextAsync(op, $"/api/accounts/{accountId}?limit=1000"));
        Assert.Equal(plain, await GetTextAsync(op, $"/api/accounts/{accountId}?limit=200000"));
        var body = JsonNode.Parse(plain)!;
        Assert.Equal(["accountId", "name", "publicKey", "encryptedPrivateKey", "events", "sequence", "secrets", "created", "retentionPeriod"],
            body.AsObject().Select(kv => kv.Key).ToArray());
        Assert.Single(Events(body));
    }

    private static string Url(string accountId, string? since, int? limit)
    {
        var query = new List<string>();
        if (since is not null) query.Add($"since={Uri.EscapeDataString(since)}");
        if (limit is not null) query.Add($"limit={limit}");
        return $"/api/accounts/{accountId}" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
    }

    /// <summary>What a vault does with a page: drop the deleted events, add the new ones (no id may repeat).</summary>
    private static void Apply(HashSet<string> held, JsonNode page)
    {
        foreach (var d in page["deletedEvents"]?.AsArray() ?? []) held.Remove(d!.GetValue<string>());
        foreach (var e in Events(page)) Assert.True(held.Add(Id(e)), "an event came twice");
    }
}
