using Dapper;
using Offen.Persistence.Tests.Infrastructure;

namespace Offen.Persistence.Tests;

/// <summary>
/// The shared encrypted caches (docs/adr/0005-shared-caches.md): the tables and their migration step, the rules a
/// rollup must pass, and that every deletion of events (purge, expiry, parking, retiring, bootstrap) takes the
/// cached values derived from them along, in the same transaction.
/// </summary>
public sealed class SharedCacheTests
{
    private const string MaxUlid = "7ZZZZZZZZZZZZZZZZZZZZZZZZZ";

    // ------------------------------------------------------------------ helpers

    /// <summary>Events received the given number of days ago (exact ULIDs, so ranges can be chosen), in order.</summary>
    private static async Task<string[]> EventsAsync(TestDb db, AccountRecord account, params (string User, double DaysAgo)[] events)
    {
        var now = DateTimeOffset.UtcNow;
        var ids = events.Select(e => Ulids.NewFor(now.AddDays(-e.DaysAgo))).ToArray();
        await db.Store.InsertEventsAsync(events.Select((e, i) => new NewEvent(account.AccountId, e.User, "p" + i, ids[i])).ToList());
        return ids;
    }

    private static async Task<string> SequenceAsync(TestDb db, AccountRecord account) =>
        (await db.Store.GetAccountEventsAsync(account.AccountId, null))!.Sequence!;

    private static RollupRecord Rollup(string key, string first, string last, long count, string asOf, string payload = "cGF5bG9hZA==") =>
        new(key, first, last, count, asOf, payload);

    private static async Task<RollupPutOutcome> PutAsync(OffenStore store, AccountRecord account, RollupRecord r) =>
        (await store.PutRollupAsync(account.AccountId, r)).Outcome;

    private static async Task<string[]> RollupKeysAsync(TestDb db) =>
        [.. (await db.QueryAsync<string>("SELECT rollup_key FROM rollups")).Order(StringComparer.Ordinal)];

    private static async Task<string[]> CachedAsync(TestDb db, AccountRecord account) =>
        [.. (await db.QueryAsync<string>("SELECT secret_id FROM cached_secrets WHERE account_id = @id", new { id = account.AccountId })).Order(StringComparer.Ordinal)];

    private static Task CacheAsync(TestDb db, AccountRecord account, params string[] users) =>
        db.Store.StoreCachedSecretsAsync(account.AccountId, users.ToDictionary(u => Seed.SecretIdOf(account, u), u => "value-of-" + u));

    /// <summary>A rollup row written under the store (no checks), for ranges the API would refuse.</summary>
    private static Task RawRollupAsync(TestDb db, AccountRecord account, string key, string first, string last) =>
        db.ExecuteAsync(
            "INSERT INTO rollups (account_id, rollup_key, first_event_id, last_event_id, event_count, as_of, payload) VALUES (@a, @key, @first, @last, 1, @first, 'x')",
            new { a = account.AccountId, key, first, last });

    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>The ULID right before (-1) or after (+1) the given one.</summary>
    private static string Step(string ulid, int delta)
    {
        var c = ulid.ToCharArray();
        for (var i = c.Length - 1; i >= 0; i--)
        {
            var v = Crockford.IndexOf(c[i]) + delta;
            if (v is >= 0 and < 32)
            {
                c[i] = Crockford[v];
                break;
            }
            c[i] = delta > 0 ? '0' : 'Z';
        }
        return new string(c);
    }

    // ------------------------------------------------------------------ migration, probe, bootstrap

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task Migrate_UpstreamDatabase_GainsCacheTables_KeepsEveryRow_SecondRunChangesNothing(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect, migrate: false);
        var data = await UpstreamFixtures.BuildAsync(db, legacy: false);
        var upstream = new[] { "accounts", "account_users", "account_user_relationships", "events", "secrets", "tombstones" };
        var before = await db.DumpAsync(upstream);
        await Assert.ThrowsAnyAsync<Exception>(() => db.CountAsync("rollups"));

        await db.Store.MigrateAsync();

        Assert.Equal(before, await db.DumpAsync(upstream));
        Assert.Equal(0, await db.CountAsync("rollups"));
        Assert.Equal(0, await db.CountAsync("cached_secrets"));
        Assert.Contains("offen-cs-002-shared-caches", await db.QueryAsync<string>("SELECT id FROM migrations"));
        // The new tables work on the upstream schema: a rollup over Go's events, a cached secret of Go's visitor.
        var account = (await db.Store.GetAccountAsync(data.AccountId))!;
        var asOf = await SequenceAsync(db, account);
        Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, account, Rollup("all", data.EventIds[0], data.EventIds[2], 3, asOf)));
        Assert.Equal(1, await db.Store.StoreCachedSecretsAsync(data.AccountId, new Dictionary<string, string> { [data.SecretId] = "v" }));
        var everything = await db.DumpAsync();

        await db.Store.MigrateAsync();
        await db.OpenStore().MigrateAsync();

        Assert.Equal(everything, await db.DumpAsync());
        Assert.Equal(10, await db.CountAsync("migrations"));
        // ...and deletion reaches them there too (GORM's foreign keys in place on PostgreSQL and MySQL).
        await db.Store.PurgeAsync(data.UserId);
        Assert.Equal(0, await db.CountAsync("rollups"));
        Assert.Equal(0, await db.CountAsync("cached_secrets"));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task Migrate_StepNotRecordedButTablesThere_RunsAgainWithoutLosingRows(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        // A step that failed half-way on MySQL (DDL commits at once) runs again from the start: tables and indexes
        // that exist are left alone.
        await db.ExecuteAsync("DELETE FROM migrations WHERE id = 'offen-cs-002-shared-caches'");
        var account = await db.Store.AccountAsync();
        await RawRollupAsync(db, account, "kept", "01ARZ3NDEKTSV4RRFFQ69G5FAV", "01ARZ3NDEKTSV4RRFFQ69G5FAV");

        await db.Store.MigrateAsync();

        Assert.Equal(["kept"], await RollupKeysAsync(db));
        Assert.Equal(10, await db.CountAsync("migrations"));
    }

    [Fact]
    public async Task Migrate_MySqlUpstreamWithAnotherCollation_CacheTablesFollowIt_DeletionJoinsWork()
    {
        await using var db = await TestDb.CreateAsync(Dialect.MySql, migrate: false);
        // An upstream database made under a default collation other than utf8mb4's own: GORM's tables take the
        // database default, and joins between them and ours must not fail with "Illegal mix of collations".
        await db.ExecuteAsync("ALTER DATABASE CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        var data = await UpstreamFixtures.BuildAsync(db, legacy: false);
        Assert.Equal("utf8mb4_unicode_ci", Assert.Single(await db.QueryAsync<string>(
            "SELECT TABLE_COLLATION FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'events'")));

        await db.Store.MigrateAsync();

        var collations = await db.QueryAsync<string>(
            "SELECT TABLE_COLLATION FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN ('rollups', 'cached_secrets')");
        Assert.Equal(["utf8mb4_unicode_ci", "utf8mb4_unicode_ci"], collations);
        Assert.Equal("utf8mb4_bin", Assert.Single(await db.QueryAsync<string>(
            "SELECT COLLATION_NAME FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'rollups' AND column_name = 'rollup_key'")));
        var account = (await db.Store.GetAccountAsync(data.AccountId))!;
        var asOf = await SequenceAsync(db, account);
        Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, account, Rollup("all", data.EventIds[0], data.EventIds[2], 3, asOf)));
        await db.Store.StoreCachedSecretsAsync(data.AccountId, new Dictionary<string, string> { [data.SecretId] = "v" });
        await db.Store.InsertEventAsync(new NewEvent(data.AccountId, data.UserId, "new"));
        await db.Store.PurgeAsync(data.UserId);
        Assert.Equal(0, await db.CountAsync("rollups"));
        Assert.Equal(0, await db.CountAsync("cached_secrets"));
        Assert.True(await db.Store.ExpireAsync(TimeSpan.FromDays(1)) >= 1);
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task RollupKeys_AreCaseSensitive_OnEveryDialect(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var account = await db.Store.AccountAsync();
        await db.Store.ExchangeAsync(account, "v");
        var ids = await EventsAsync(db, account, ("v", 3), ("v", 2));
        var asOf = await SequenceAsync(db, account);

        Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, account, Rollup("Day", ids[0], ids[0], 1, asOf)));
        Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, account, Rollup("day", ids[1], ids[1], 1, asOf)));

        Assert.Equal(["Day", "day"], (await db.Store.ListRollupsAsync(account.AccountId)).Select(r => r.Key));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task IsEmpty_LooksAtTheSixUpstreamTablesOnly_BootstrapClearsTheCaches(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var stray = Seed.Account();
        await RawRollupAsync(db, stray, "stray", "01ARZ3NDEKTSV4RRFFQ69G5FAV", "01ARZ3NDEKTSV4RRFFQ69G5FAV");
        await db.ExecuteAsync("INSERT INTO cached_secrets (account_id, secret_id, encrypted_value) VALUES (@a, 'x', 'y')", new { a = stray.AccountId });
        Assert.True(await db.Store.IsEmptyAsync());

        var old = await db.Store.AccountAsync("Old");
        await db.Store.ExchangeAsync(old, "v");
        var ids = await EventsAsync(db, old, ("v", 2));
        Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, old, Rollup("r", ids[0], ids[0], 1, await SequenceAsync(db, old))));
        await CacheAsync(db, old, "v");
        Assert.Equal(2, await db.CountAsync("rollups"));
        Assert.Equal(2, await db.CountAsync("cached_secrets"));
        var fresh = Seed.Account("Fresh");
        var admin = Seed.User();

        await db.Store.BootstrapAsync([fresh], [admin], [Seed.Relationship(admin.AccountUserId, fresh.AccountId)], force: true);

        Assert.Equal(0, await db.CountAsync("rollups"));
        Assert.Equal(0, await db.CountAsync("cached_secrets"));
    }

    // ------------------------------------------------------------------ rollup rules

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task PutRollup_StoresOnlyWhatDescribesTheCurrentEventsOfItsRange(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var account = await db.Store.AccountAsync();
        var other = await db.Store.AccountAsync();
        foreach (var u in new[] { "a", "b" }) await db.Store.ExchangeAsync(account, u);
        await db.Store.ExchangeAsync(other, "a");
        var e = await EventsAsync(db, account, ("a", 5), ("a", 4), ("b", 3), ("b", 2), ("", 1.5));
        // Another account's events in the same period count for nothing here.
        await EventsAsync(db, other, ("a", 4.5), ("a", 3.5));
        var asOf = await SequenceAsync(db, account);

        Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, account, Rollup("k1", e[0], e[1], 2, asOf)));
        // (a) the count must match
        Assert.Equal(RollupPutOutcome.CountMismatch, await PutAsync(db.Store, account, Rollup("k2", e[2], e[4], 2, asOf)));
        Assert.Equal(RollupPutOutcome.CountMismatch, await PutAsync(db.Store, account, Rollup("k2", e[2], e[3], 3, asOf)));
        // (c) no overlap with another key, not even in one id
        var overlap = await db.Store.PutRollupAsync(account.AccountId, Rollup("k2", e[1], e[3], 3, asOf));
        Assert.Equal(new RollupPutResult(RollupPutOutcome.Overlap, "k1"), overlap);
        Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, account, Rollup("k2", e[2], e[4], 3, asOf)));
        // the same key may be replaced, also with another range
        Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, account, Rollup("k1", e[0], e[0], 1, asOf, "bmV3")));
        Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, account, Rollup("k1", e[0], Step(e[2], -1), 2, asOf, "bmV3ZXI=")));
        // (b) stale: an event of the range written after asOf (a backdated insert between e1 and e2)
        var late = Ulids.NewFor(DateTimeOffset.UtcNow.AddDays(-1.75));
        await db.Store.InsertEventsAsync([new NewEvent(account.AccountId, "a", "late", late)]);
        var lateAsOf = await SequenceAsync(db, account);
        Assert.True(string.CompareOrdinal(late, e[3]) > 0 && string.CompareOrdinal(late, e[4]) < 0);
        // the insert itself took k2 away: the new id fell into its range
        Assert.Equal(["k1"], await RollupKeysAsync(db));
        Assert.Equal(RollupPutOutcome.Stale, await PutAsync(db.Store, account, Rollup("k2", e[2], e[4], 4, asOf)));
        Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, account, Rollup("k2", e[2], e[4], 4, lateAsOf)));

        var stored = await db.Store.ListRollupsAsync(account.AccountId);
        Assert.Equal(
            [new RollupRecord("k1", e[0], Step(e[2], -1), 2, asOf, null), new RollupRecord("k2", e[2], e[4], 4, lateAsOf, null)],
            stored);
        Assert.Equal("bmV3ZXI=", (await db.Store.GetRollupAsync(account.AccountId, "k1"))!.Payload);
        Assert.Null(await db.Store.GetRollupAsync(account.AccountId, "k3"));
        Assert.Empty(await db.Store.ListRollupsAsync(other.AccountId));
        Assert.True(await db.Store.DeleteRollupAsync(account.AccountId, "k1"));
        Assert.False(await db.Store.DeleteRollupAsync(account.AccountId, "k1"));
        Assert.Equal(["k2"], await RollupKeysAsync(db));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task PutRollup_TombstoneInRangeAfterAsOf_IsStaleEvenWhenTheCountMatches(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var account = await db.Store.AccountAsync();
        foreach (var u in new[] { "a", "b" }) await db.Store.ExchangeAsync(account, u);
        var e = await EventsAsync(db, account, ("a", 3), ("b", 2), ("a", 1));
        var asOf = await SequenceAsync(db, account);
        await db.Store.PurgeAsync("b");
        var afterPurge = (await db.Store.GetAccountEventsAsync(account.AccountId, asOf))!.Sequence!;

        // Two events are left in the range, as the rollup says, but one of the range's events was deleted after asOf.
        Assert.Equal(RollupPutOutcome.Stale, await PutAsync(db.Store, account, Rollup("r", e[0], e[2], 2, asOf)));
        Assert.Equal(0, await db.CountAsync("rollups"));
        // A tombstone outside the range does not matter.
        Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, account, Rollup("r", e[2], e[2], 1, asOf)));
        Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, account, Rollup("r", e[0], e[2], 2, afterPurge)));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task EveryCacheOperation_UnknownOrRetiredAccount_ThrowsUnknownAccount(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var retired = await db.Store.AccountAsync(retired: true);
        var r = Rollup("k", "01ARZ3NDEKTSV4RRFFQ69G5FAV", "01ARZ3NDEKTSV4RRFFQ69G5FAV", 1, "01ARZ3NDEKTSV4RRFFQ69G5FAV");
        foreach (var id in new[] { Seed.NewId(), retired.AccountId })
        {
            await Assert.ThrowsAsync<UnknownAccountException>(() => db.Store.GetCachedSecretsAsync(id));
            await Assert.ThrowsAsync<UnknownAccountException>(() => db.Store.StoreCachedSecretsAsync(id, new Dictionary<string, string>()));
            await Assert.ThrowsAsync<UnknownAccountException>(() => db.Store.ListRollupsAsync(id));
            await Assert.ThrowsAsync<UnknownAccountException>(() => db.Store.PutRollupAsync(id, r));
            await Assert.ThrowsAsync<UnknownAccountException>(() => db.Store.DeleteRollupAsync(id, "k"));
        }
        Assert.Equal(0, await db.CountAsync("rollups"));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task StoreCachedSecrets_KeepsOnlySecretsWithEventsInThisAccount_UpsertsValues(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var account = await db.Store.AccountAsync();
        var other = await db.Store.AccountAsync();
        foreach (var u in new[] { "with-events", "secret-only" }) await db.Store.ExchangeAsync(account, u);
        await db.Store.ExchangeAsync(other, "elsewhere");
        await EventsAsync(db, account, ("with-events", 1), ("", 1));
        await EventsAsync(db, other, ("elsewhere", 1));
        var withEvents = Seed.SecretIdOf(account, "with-events");
        var elsewhere = Seed.SecretIdOf(other, "elsewhere");

        var stored = await db.Store.StoreCachedSecretsAsync(account.AccountId, new Dictionary<string, string>
        {
            [withEvents] = "one",
            [Seed.SecretIdOf(account, "secret-only")] = "two",
            [elsewhere] = "three",
            [new string('a', 64)] = "four",
        });

        Assert.Equal(1, stored);
        Assert.Equal(new Dictionary<string, string> { [withEvents] = "one" }, await db.Store.GetCachedSecretsAsync(account.AccountId));
        Assert.Empty(await db.Store.GetCachedSecretsAsync(other.AccountId));
        Assert.Equal(1, await db.Store.StoreCachedSecretsAsync(account.AccountId, new Dictionary<string, string> { [withEvents] = "replaced" }));
        Assert.Equal("replaced", (await db.Store.GetCachedSecretsAsync(account.AccountId))[withEvents]);
        Assert.Equal(1, await db.CountAsync("cached_secrets"));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task StoreCachedSecrets_ManyAtOnce_AllStored(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var account = await db.Store.AccountAsync();
        var users = Enumerable.Range(0, 1200).Select(i => "v" + i).ToArray();
        foreach (var u in users) await db.Store.ExchangeAsync(account, u);
        await db.Store.InsertEventsAsync(users.Select(u => new NewEvent(account.AccountId, u, "p")).ToList());

        var stored = await db.Store.StoreCachedSecretsAsync(account.AccountId, users.ToDictionary(u => Seed.SecretIdOf(account, u), u => new string('x', 2048)));

        Assert.Equal(1200, stored);
        Assert.Equal(1200, (await db.Store.GetCachedSecretsAsync(account.AccountId)).Count);
    }

    // ------------------------------------------------------------------ deletion stays real

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task Purge_DropsExactlyTheRollupsHoldingPurgedEvents_AndThePurgedVisitorsCachedSecrets(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var a = await db.Store.AccountAsync();
        var b = await db.Store.AccountAsync();
        foreach (var u in new[] { "visitor", "neighbour" }) await db.Store.ExchangeAsync(a, u);
        await db.Store.ExchangeAsync(b, "visitor");
        var ea = await EventsAsync(db, a, ("visitor", 6), ("neighbour", 5), ("neighbour", 4), ("visitor", 3), ("neighbour", 2));
        var eb = await EventsAsync(db, b, ("visitor", 4), ("", 3));
        var asOfA = await SequenceAsync(db, a);
        var asOfB = await SequenceAsync(db, b);
        Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, a, Rollup("a-first", ea[0], ea[1], 2, asOfA)));
        Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, a, Rollup("a-neighbour", ea[2], ea[2], 1, asOfA)));
        Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, a, Rollup("a-last", ea[3], ea[4], 2, asOfA)));
        Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, b, Rollup("b-visitor", eb[0], eb[0], 1, asOfB)));
        Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, b, Rollup("b-anonymous", eb[1], eb[1], 1, asOfB)));
        await CacheAsync(db, a, "visitor", "neighbour");
        await CacheAsync(db, b, "visitor");

        await db.Store.PurgeAsync("visitor");

        Assert.Equal(["a-neighbour", "b-anonymous"], await RollupKeysAsync(db));
        Assert.Equal([Seed.SecretIdOf(a, "neighbour")], await CachedAsync(db, a));
        Assert.Empty(await CachedAsync(db, b));
        Assert.Equal(3, await db.CountAsync("tombstones"));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task Purge_ManyRollups_DropsExactlyThoseHoldingAnEventOfTheVisitor(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var a = await db.Store.AccountAsync();
        foreach (var u in new[] { "p", "q" }) await db.Store.ExchangeAsync(a, u);
        // 60 days, one event a day; p on days 0, 3, 6, ..., q on the others. Rollups of one, two or three days.
        var owners = Enumerable.Range(0, 60).Select(d => d % 3 == 0 ? "p" : "q").ToArray();
        var ids = await EventsAsync(db, a, owners.Select((u, d) => (u, 70.0 - d)).ToArray());
        var asOf = await SequenceAsync(db, a);
        var expected = new List<string>();
        for (int day = 0, width = 1; day < 60; day += width, width = width % 3 + 1)
        {
            var last = Math.Min(day + width, 60) - 1;
            var key = $"d{day:00}-{last:00}";
            Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, a, Rollup(key, ids[day], ids[last], last - day + 1, asOf)));
            if (!Enumerable.Range(day, last - day + 1).Any(d => owners[d] == "p")) expected.Add(key);
        }
        Assert.NotEmpty(expected);

        await db.Store.PurgeAsync("p");

        Assert.Equal(expected.Order(StringComparer.Ordinal), await RollupKeysAsync(db));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task Purge_FailureAfterTombstoning_KeepsRollupsAndCachedSecretsAsTheyWere(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var a = await db.Store.AccountAsync();
        await db.Store.ExchangeAsync(a, "visitor");
        var e = await EventsAsync(db, a, ("visitor", 2));
        Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, a, Rollup("r", e[0], e[0], 1, await SequenceAsync(db, a))));
        await CacheAsync(db, a, "visitor");
        var before = await db.DumpAsync();
        var steps = new List<string>();
        var failing = db.OpenStore(new OffenStoreOptions
        {
            StepHook = step =>
            {
                steps.Add(step);
                return step == "purge:tombstoned" && steps.Count == 1 ? throw new InvalidOperationException("induced") : Task.CompletedTask;
            },
        });

        await Assert.ThrowsAsync<InvalidOperationException>(() => failing.PurgeAsync("visitor"));

        // The rollup delete ran before the failing step (its tombstones existed), and was rolled back with them.
        Assert.Equal(["purge:tombstoned"], steps);
        Assert.Equal(before, await db.DumpAsync());
        await failing.PurgeAsync("visitor");
        Assert.Equal(0, await db.CountAsync("rollups"));
        Assert.Equal(0, await db.CountAsync("cached_secrets"));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task Expire_DropsRollupsHoldingExpiredEvents_AndCachedSecretsOfVisitorsLeftWithoutEvents(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var a = await db.Store.AccountAsync();
        var b = await db.Store.AccountAsync();
        foreach (var u in new[] { "gone", "stays" }) await db.Store.ExchangeAsync(a, u);
        await db.Store.ExchangeAsync(b, "x");
        var e = await EventsAsync(db, a, ("gone", 10), ("gone", 9), ("stays", 8), ("stays", 6), ("stays", 0.05));
        var eb = await EventsAsync(db, b, ("x", 8), ("x", 6));
        var asOf = await SequenceAsync(db, a);
        Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, a, Rollup("old", e[0], e[0], 1, asOf)));
        Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, a, Rollup("across", e[1], e[3], 3, asOf)));
        Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, a, Rollup("young", e[4], e[4], 1, asOf)));
        // Starts before the deadline, but the only event of its account in its range is younger than the retention.
        Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, b, Rollup("gap", Step(eb[0], 1), eb[1], 1, await SequenceAsync(db, b))));
        await CacheAsync(db, a, "gone", "stays");
        await CacheAsync(db, b, "x");

        Assert.Equal(4, await db.Store.ExpireAsync(TimeSpan.FromDays(7)));

        Assert.Equal(["gap", "young"], await RollupKeysAsync(db));
        Assert.Equal([Seed.SecretIdOf(a, "stays")], await CachedAsync(db, a));
        Assert.Equal([Seed.SecretIdOf(b, "x")], await CachedAsync(db, b));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task Parking_DropsRollupsHoldingTheOldIdsOrTheCopies_AndTheOldHashsCachedSecret(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var a = await db.Store.AccountAsync();
        foreach (var u in new[] { "visitor", "neighbour" }) await db.Store.ExchangeAsync(a, u);
        var e = await EventsAsync(db, a, ("visitor", 4), ("neighbour", 3), ("visitor", 2));
        var asOf = await SequenceAsync(db, a);
        Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, a, Rollup("visitor", e[0], e[0], 1, asOf)));
        Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, a, Rollup("neighbour", e[1], e[1], 1, asOf)));
        // The copy of e[2] keeps its millisecond but not its randomness: it lands in one of these two ranges, which
        // together hold that millisecond except e[2] itself.
        var ms = e[2][..10];
        await RawRollupAsync(db, a, "below", ms + "0000000000000000", Step(e[2], -1));
        await RawRollupAsync(db, a, "above", Step(e[2], 1), ms + "ZZZZZZZZZZZZZZZZ");
        await CacheAsync(db, a, "visitor", "neighbour");

        await db.Store.ExchangeAsync(a, "visitor", "{1,} new secret");

        var neighbourSecret = Seed.SecretIdOf(a, "neighbour");
        var copies = await db.QueryAsync<string>("SELECT event_id FROM events WHERE secret_id <> @n", new { n = neighbourSecret });
        var copy = Assert.Single(copies, id => id.StartsWith(ms, StringComparison.Ordinal));
        var spared = string.CompareOrdinal(copy, e[2]) < 0 ? "above" : "below";
        Assert.Equal(new[] { "neighbour", spared }.Order(StringComparer.Ordinal), await RollupKeysAsync(db));
        Assert.Equal([neighbourSecret], await CachedAsync(db, a));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task InsertEvent_IntoARollupsRange_DropsThatRollupOnly(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var a = await db.Store.AccountAsync();
        var b = await db.Store.AccountAsync();
        await db.Store.ExchangeAsync(a, "v");
        await db.Store.ExchangeAsync(b, "v");
        var ea = await EventsAsync(db, a, ("v", 3), ("v", 2));
        var eb = await EventsAsync(db, b, ("v", 2));
        Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, a, Rollup("past", ea[0], ea[0], 1, await SequenceAsync(db, a))));
        Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, a, Rollup("open-ended", ea[1], MaxUlid, 1, await SequenceAsync(db, a))));
        Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, b, Rollup("other-account", eb[0], MaxUlid, 1, await SequenceAsync(db, b))));

        await db.Store.EventAsync(a, "v");

        Assert.Equal(["other-account", "past"], await RollupKeysAsync(db));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task RetireAccount_DeletesItsRollupsAndCachedSecrets_OnlyIts(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var a = await db.Store.AccountAsync();
        var b = await db.Store.AccountAsync();
        foreach (var acc in new[] { a, b })
        {
            await db.Store.ExchangeAsync(acc, "v");
            var e = await EventsAsync(db, acc, ("v", 1));
            Assert.Equal(RollupPutOutcome.Stored, await PutAsync(db.Store, acc, Rollup("r-" + acc.Name, e[0], e[0], 1, await SequenceAsync(db, acc))));
            await CacheAsync(db, acc, "v");
        }

        Assert.True(await db.Store.RetireAccountAsync(a.AccountId));

        Assert.Equal(["r-" + b.Name], await RollupKeysAsync(db));
        Assert.Empty(await CachedAsync(db, a));
        Assert.Single(await CachedAsync(db, b));
    }

    // ------------------------------------------------------------------ concurrent cache writes and deletions

    /// <summary>A store whose operation stops at <paramref name="step"/> until released.</summary>
    private sealed class Pause
    {
        public readonly TaskCompletionSource Reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource Release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public OffenStoreOptions Options(string step) => new()
        {
            StepHook = async s =>
            {
                if (s != step) return;
                Reached.TrySetResult();
                await Release.Task;
            },
        };
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task RollupWrittenWhilePurgeRuns_NeverOutlivesThePurgedEvent(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var a = await db.Store.AccountAsync();
        foreach (var u in new[] { "visitor", "neighbour" }) await db.Store.ExchangeAsync(a, u);
        var e = await EventsAsync(db, a, ("visitor", 3), ("neighbour", 2));
        var asOf = await SequenceAsync(db, a);

        // The rollup's checks have passed and it is about to be written when the purge starts: the purge waits.
        var pause = new Pause();
        var writer = db.OpenStore(pause.Options("rollup:checked"));
        var put = Task.Run(() => writer.PutRollupAsync(a.AccountId, Rollup("r", e[0], e[1], 2, asOf)));
        await pause.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // Task.Run: on SQLite the competing BEGIN IMMEDIATE blocks its thread until the first writer commits.
        var purger = db.OpenStore();
        var purge = Task.Run(() => purger.PurgeAsync("visitor"));
        try
        {
            await Task.WhenAny(purge, Task.Delay(400));
            Assert.False(purge.IsCompleted, "the purge should wait for the rollup's transaction");
        }
        finally
        {
            pause.Release.TrySetResult();
        }
        Assert.Equal(RollupPutOutcome.Stored, (await put).Outcome);
        await purge;
        Assert.Equal(0, await db.CountAsync("rollups"));

        // The purge has tombstoned and is about to delete when the rollup comes: the rollup waits, then is refused.
        await db.Store.ExchangeAsync(a, "visitor");
        var e2 = await EventsAsync(db, a, ("visitor", 1));
        var asOf2 = await SequenceAsync(db, a);
        var pause2 = new Pause();
        var pausedPurger = db.OpenStore(pause2.Options("purge:tombstoned"));
        var purge2 = Task.Run(() => pausedPurger.PurgeAsync("visitor"));
        await pause2.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var second = db.OpenStore();
        var put2 = Task.Run(() => second.PutRollupAsync(a.AccountId, Rollup("r2", e[1], e2[0], 2, asOf2)));
        try
        {
            await Task.WhenAny(put2, Task.Delay(400));
            Assert.False(put2.IsCompleted, "the rollup should wait for the purge's transaction");
        }
        finally
        {
            pause2.Release.TrySetResult();
        }
        await purge2;
        Assert.NotEqual(RollupPutOutcome.Stored, (await put2).Outcome);
        Assert.Equal(0, await db.CountAsync("rollups"));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task CachedSecretWrittenWhilePurgeRuns_NeverOutlivesThePurgedVisitor(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var a = await db.Store.AccountAsync();
        await db.Store.ExchangeAsync(a, "visitor");
        await EventsAsync(db, a, ("visitor", 1));
        var pause = new Pause();
        var writer = db.OpenStore(pause.Options("cached-secrets:checked"));
        var store = Task.Run(() => writer.StoreCachedSecretsAsync(a.AccountId, new Dictionary<string, string> { [Seed.SecretIdOf(a, "visitor")] = "v" }));
        await pause.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var purger = db.OpenStore();
        var purge = Task.Run(() => purger.PurgeAsync("visitor"));
        try
        {
            await Task.WhenAny(purge, Task.Delay(400));
            Assert.False(purge.IsCompleted, "the purge should wait for the cache write's transaction");
        }
        finally
        {
            pause.Release.TrySetResult();
        }
        Assert.Equal(1, await store);
        await purge;

        Assert.Equal(0, await db.CountAsync("cached_secrets"));
        // ...and a browser that still uploads it afterwards stores nothing.
        Assert.Equal(0, await db.Store.StoreCachedSecretsAsync(a.AccountId, new Dictionary<string, string> { [Seed.SecretIdOf(a, "visitor")] = "v" }));
    }
}
