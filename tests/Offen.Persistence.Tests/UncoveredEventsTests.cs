using Offen.Persistence.Tests.Infrastructure;

namespace Offen.Persistence.Tests;

/// <summary>
/// The account query's "uncovered" mode (docs/adr/0005-shared-caches.md): in one snapshot the account's rollups, the
/// latest sequence of its events and tombstones, and exactly the events no rollup range holds, in event id order,
/// paged by <c>after</c>; the same on every dialect and on both of SQLite's read paths.
/// </summary>
public sealed class UncoveredEventsTests
{
    // ------------------------------------------------------------------ the ranges between rollups

    private static RollupRecord R(string first, string last) => new("k" + first, first, last, 1, first, null);

    [Fact]
    public void UncoveredRanges_AreTheComplementOfTheRollups_AfterTheCursor()
    {
        List<(string?, string?)> Ranges(string? after, params RollupRecord[] rollups) => [.. OffenStore.UncoveredRanges(rollups, after)];
        var two = new[] { R("E", "F"), R("B", "C") };

        Assert.Equal([(null, null)], Ranges(null));
        Assert.Equal([("A", null)], Ranges("A"));
        Assert.Equal([(null, "B"), ("C", "E"), ("F", null)], Ranges(null, two));
        Assert.Equal([("A", "B"), ("C", "E"), ("F", null)], Ranges("A", two));
        // A cursor on a rollup's first id, inside it, or on its last id continues after the rollup.
        Assert.Equal([("C", "E"), ("F", null)], Ranges("B", two));
        Assert.Equal([("C", "E"), ("F", null)], Ranges("BB", two));
        Assert.Equal([("C", "E"), ("F", null)], Ranges("C", two));
        Assert.Equal([("D", "E"), ("F", null)], Ranges("D", two));
        Assert.Equal([("G", null)], Ranges("G", two));
        // Overlapping or nested ranges (PUT refuses them) only merge.
        Assert.Equal([(null, "B"), ("E", null)], Ranges(null, R("B", "D"), R("C", "E")));
        Assert.Equal([(null, "B"), ("F", null)], Ranges(null, R("B", "F"), R("C", "D")));
    }

    // ------------------------------------------------------------------ the query

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task Uncovered_IsEveryEventOutsideTheRollups_InIdOrder_PagedByAfter_OnBothSqlitePaths(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var account = await db.Store.AccountAsync();
        var other = await db.Store.AccountAsync();
        foreach (var u in new[] { "a", "b", "gone" }) await db.Store.ExchangeAsync(account, u);
        await db.Store.ExchangeAsync(other, "a");
        var now = DateTimeOffset.UtcNow;
        // 40 events a day apart (oldest first); the other account's events lie between them.
        var ids = Enumerable.Range(0, 40).Select(i => Ulids.NewFor(now.AddDays(-40 + i))).ToArray();
        string UserOf(int i) => i == 35 ? "gone" : (i % 3) switch { 0 => "a", 1 => "b", _ => "" };
        await db.Store.InsertEventsAsync([.. ids.Select((id, i) => new NewEvent(account.AccountId, UserOf(i), "p" + i, id))]);
        await db.Store.InsertEventsAsync([.. Enumerable.Range(0, 20).Select(i => new NewEvent(other.AccountId, i % 2 == 0 ? "a" : "", "o" + i, Ulids.NewFor(now.AddDays(-39.5 + (2 * i)))))]);
        var asOf = (await db.Store.GetAccountEventsAsync(account.AccountId, null))!.Sequence!;

        // Rollups over 5–9 and 10–14 (adjacent: nothing between them) and 20–30.
        foreach (var (key, first, last) in new[] { ("b", 10, 14), ("a", 5, 9), ("c", 20, 30) })
        {
            var put = await db.Store.PutRollupAsync(account.AccountId, new RollupRecord(key, ids[first], ids[last], last - first + 1, asOf, "cGF5bG9hZA=="));
            Assert.Equal(RollupPutOutcome.Stored, put.Outcome);
        }
        // A purge after the rollups: its tombstone is newer than every event.
        await db.Store.PurgeAsync("gone");
        var latest = (await db.Store.GetAccountEventsAsync(account.AccountId, asOf))!;
        Assert.Equal([ids[35]], latest.DeletedEventIds);
        var all = (await db.Store.GetAccountEventsAsync(account.AccountId, null))!;
        Assert.True(string.CompareOrdinal(latest.Sequence, all.Sequence) > 0, "the tombstone is the newest change");

        static bool Covered(int i) => i is (>= 5 and <= 14) or (>= 20 and <= 30);
        var expected = Enumerable.Range(0, 40).Where(i => !Covered(i) && i != 35).Select(i => ids[i]).ToList();
        var byId = all.Events.ToDictionary(e => e.EventId);
        var rollups = await db.Store.ListRollupsAsync(account.AccountId);
        Assert.Equal(["a", "b", "c"], rollups.Select(r => r.Key));

        // SQLite reads the account's index entries when they are few (the default budget), the primary key's ranges
        // otherwise (budget 1); PostgreSQL and MySQL let their planner choose either way.
        foreach (var store in new[] { db.Store, db.OpenStore(new OffenStoreOptions { SqliteUncoveredIndexBudget = 1 }) })
        {
            var full = (await store.GetUncoveredEventsAsync(account.AccountId, null, null))!;
            Assert.Equal(expected, full.Events.Select(e => e.EventId));
            Assert.Equal(full.Events.Select(e => byId[e.EventId]), full.Events);
            Assert.Equal(rollups, full.Rollups);
            Assert.Equal(latest.Sequence, full.Sequence);
            Assert.Null(full.Next);
            Assert.Equal(account.AccountId, full.Account.AccountId);
            // Only the secrets of the returned events: "a" and "b" (the anonymous ones have none, "gone" is purged).
            var referenced = full.Events.Select(e => e.SecretId).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
            Assert.Equal(2, referenced.Count);
            Assert.Equal(referenced, full.Secrets.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(referenced.Select(id => all.Secrets[id]), referenced.Select(id => full.Secrets[id]));

            // Pages of 3: each id once, in order; `next` only while more follow (the last page is full: 18 = 6 x 3).
            Assert.Equal(18, expected.Count);
            var paged = new List<string>();
            string? after = null;
            for (var pages = 1; ; pages++)
            {
                var page = (await store.GetUncoveredEventsAsync(account.AccountId, after, 3))!;
                Assert.Equal(3, page.Events.Count);
                Assert.Equal(rollups, page.Rollups);
                Assert.Equal(latest.Sequence, page.Sequence);
                Assert.Equal(page.Events.Select(e => e.SecretId).OfType<string>().Distinct().Order(StringComparer.Ordinal), page.Secrets.Keys.Order(StringComparer.Ordinal));
                paged.AddRange(page.Events.Select(e => e.EventId));
                if (page.Next is null) break;
                Assert.Equal(page.Events[^1].EventId, page.Next);
                after = page.Next;
                Assert.True(pages < 6, "paging does not end");
            }
            Assert.Equal(expected, paged);
            // A limit above what is left gives all of it, without `next`.
            Assert.Null((await store.GetUncoveredEventsAsync(account.AccountId, null, 19))!.Next);
            Assert.Null((await store.GetUncoveredEventsAsync(account.AccountId, null, 18))!.Next);

            // A cursor inside a rollup continues after it; one past the last event gives nothing.
            Assert.Equal(expected.Where(id => string.CompareOrdinal(id, ids[30]) > 0),
                (await store.GetUncoveredEventsAsync(account.AccountId, ids[22], null))!.Events.Select(e => e.EventId));
            Assert.Equal(expected.Where(id => string.CompareOrdinal(id, ids[3]) > 0),
                (await store.GetUncoveredEventsAsync(account.AccountId, ids[3], null))!.Events.Select(e => e.EventId));
            var beyond = (await store.GetUncoveredEventsAsync(account.AccountId, ids[39], 1000))!;
            Assert.Empty(beyond.Events);
            Assert.Empty(beyond.Secrets);
            Assert.Null(beyond.Next);
            Assert.Equal(latest.Sequence, beyond.Sequence);

            // The other account: no rollups, all of its own events only, its own latest sequence.
            var theirs = (await store.GetUncoveredEventsAsync(other.AccountId, null, null))!;
            var theirAll = (await store.GetAccountEventsAsync(other.AccountId, null))!;
            Assert.Equal(theirAll.Events.Select(e => e.EventId).Order(StringComparer.Ordinal), theirs.Events.Select(e => e.EventId));
            Assert.Empty(theirs.Rollups);
            Assert.Equal(theirAll.Sequence, theirs.Sequence);

            Assert.Null(await store.GetUncoveredEventsAsync(Seed.NewId(), null, null));
        }

        // An account without events or tombstones has no sequence.
        var empty = (await db.Store.GetUncoveredEventsAsync((await db.Store.AccountAsync()).AccountId, null, 1000))!;
        Assert.Empty(empty.Events);
        Assert.Null(empty.Sequence);
        Assert.Null(empty.Next);
    }
}
