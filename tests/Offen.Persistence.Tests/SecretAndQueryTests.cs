using Offen.Persistence.Tests.Infrastructure;

namespace Offen.Persistence.Tests;

/// <summary>server.md §5.6 (secret association and parking) and §5.7 (queries and cursors, README D3).</summary>
public sealed class SecretAndQueryTests
{
    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task AssociateUserSecret_NewUser_StoresSecretUnderHashedUserId(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var account = await db.Store.AccountAsync();

        await db.Store.ExchangeAsync(account, "user-1", "{1,} encrypted");

        var stored = await db.QueryAsync<string>("SELECT encrypted_secret FROM secrets WHERE secret_id = @id", new { id = Seed.SecretIdOf(account, "user-1") });
        Assert.Equal("{1,} encrypted", Assert.Single(stored));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task AssociateUserSecret_UnknownOrRetiredAccount_ThrowsUnknownAccount(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var retired = await db.Store.AccountAsync(retired: true);

        await Assert.ThrowsAsync<UnknownAccountException>(() => db.Store.AssociateUserSecretAsync(Seed.NewId(), "u", "s"));
        await Assert.ThrowsAsync<UnknownAccountException>(() => db.Store.ExchangeAsync(retired, "u"));
        Assert.Equal(0, await db.CountAsync("secrets"));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task AssociateUserSecret_ExistingUser_ParksOldEvents(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var account = await db.Store.AccountAsync();
        await db.Store.ExchangeAsync(account, "visitor", "{1,} old secret");
        var old = new List<string>();
        for (var i = 0; i < 3; i++) old.Add(await db.Store.EventAsync(account, "visitor", $"old-{i}"));
        var userCursor = (await db.Store.GetUserEventsAsync("visitor", null)).Sequence;
        var operatorCursor = (await db.Store.GetAccountEventsAsync(account.AccountId, null))!.Sequence;

        await db.Store.ExchangeAsync(account, "visitor", "{1,} new secret");

        // The visitor no longer sees the old events: they arrive as deletions.
        var full = await db.Store.GetUserEventsAsync("visitor", null);
        Assert.Empty(full.EventsByAccount);
        var incremental = await db.Store.GetUserEventsAsync("visitor", userCursor);
        Assert.Empty(incremental.EventsByAccount);
        Assert.Equal(old.Order(StringComparer.Ordinal), incremental.DeletedEventIds.Order(StringComparer.Ordinal));
        Assert.True(string.CompareOrdinal(incremental.Sequence, userCursor) > 0);

        // The operator keeps them, re-filed under a parked secret, with ids that keep the original millisecond.
        var view = (await db.Store.GetAccountEventsAsync(account.AccountId, null))!;
        Assert.Equal(3, view.Events.Count);
        var parkedSecretId = Assert.Single(view.Events.Select(e => e.SecretId).Distinct());
        Assert.NotEqual(Seed.SecretIdOf(account, "visitor"), parkedSecretId);
        Assert.Equal("{1,} old secret", view.Secrets[parkedSecretId!]);
        Assert.Single(view.Secrets);
        Assert.Empty(old.Intersect(view.Events.Select(e => e.EventId)));
        Assert.Equal(
            old.Select(Ulids.TimeOf).Order(),
            view.Events.Select(e => Ulids.TimeOf(e.EventId)).Order());
        Assert.Equal(["old-0", "old-1", "old-2"], view.Events.Select(e => e.Payload).Order(StringComparer.Ordinal));
        Assert.Single(view.Events.Select(e => e.Sequence).Distinct());

        // D3: an incremental operator sync (sequence > since) receives the re-filed events and the old ids' tombstones.
        var operatorIncremental = (await db.Store.GetAccountEventsAsync(account.AccountId, operatorCursor))!;
        Assert.Equal(view.Events.Select(e => e.EventId), operatorIncremental.Events.Select(e => e.EventId));
        Assert.Equal(old.Order(StringComparer.Ordinal), operatorIncremental.DeletedEventIds.Order(StringComparer.Ordinal));

        // The new secret is in place: new events are accepted and only they are the visitor's.
        Assert.Equal("{1,} new secret", Assert.Single(await db.QueryAsync<string>(
            "SELECT encrypted_secret FROM secrets WHERE secret_id = @id", new { id = Seed.SecretIdOf(account, "visitor") })));
        var fresh = await db.Store.EventAsync(account, "visitor", "new");
        Assert.Equal([fresh], (await db.Store.GetUserEventsAsync("visitor", null)).EventsByAccount[account.AccountId].Select(e => e.EventId));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task AssociateUserSecret_FailureWhileParking_RollsBackAndStoreKeepsWorking(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var account = await db.Store.AccountAsync();
        await db.Store.ExchangeAsync(account, "visitor", "{1,} old");
        await db.Store.EventAsync(account, "visitor");
        await db.Store.EventAsync(account, "visitor");
        var before = await db.DumpAsync();
        var failing = db.OpenStore(new OffenStoreOptions
        {
            StepHook = step => step == "park:copied" ? throw new InvalidOperationException("induced") : Task.CompletedTask,
        });

        await Assert.ThrowsAsync<InvalidOperationException>(() => failing.ExchangeAsync(account, "visitor", "{1,} new"));

        Assert.Equal(before, await db.DumpAsync());
        // The same store (and its single SQLite writer) is not stuck in a transaction.
        await failing.EventAsync(account, "visitor");
        await failing.ExchangeAsync(account, "other");
        Assert.Equal(3, await db.CountAsync("events"));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task GetUserEvents_GroupsByAccount_IncludingRetiredAccounts(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var a = await db.Store.AccountAsync();
        var b = await db.Store.AccountAsync();
        foreach (var acc in new[] { a, b }) await db.Store.ExchangeAsync(acc, "visitor");
        await db.Store.ExchangeAsync(a, "someone-else");
        var inA = new[] { await db.Store.EventAsync(a, "visitor"), await db.Store.EventAsync(a, "visitor") };
        var inB = await db.Store.EventAsync(b, "visitor");
        await db.Store.EventAsync(a, "someone-else");
        await db.Store.EventAsync(a, "");
        Assert.True(await db.Store.RetireAccountAsync(b.AccountId));

        var result = await db.Store.GetUserEventsAsync("visitor", null);

        Assert.Equal(2, result.EventsByAccount.Count);
        Assert.Equal(inA, result.EventsByAccount[a.AccountId].Select(e => e.EventId));
        Assert.Equal(inB, Assert.Single(result.EventsByAccount[b.AccountId]).EventId);
        Assert.Empty(result.DeletedEventIds);
        var maxSequence = result.EventsByAccount.Values.SelectMany(v => v).Select(e => e.Sequence).Max(StringComparer.Ordinal);
        Assert.Equal(maxSequence, result.Sequence);
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task GetUserEvents_Since_ReturnsNewerEventsAndTombstonesOnly(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var a = await db.Store.AccountAsync();
        var b = await db.Store.AccountAsync();
        await db.Store.ExchangeAsync(a, "visitor");
        await db.Store.ExchangeAsync(b, "visitor");
        var first = await db.Store.EventAsync(a, "visitor");
        var cursor = (await db.Store.GetUserEventsAsync("visitor", null)).Sequence!;

        var later = await db.Store.EventAsync(b, "visitor");
        var unchanged = await db.Store.GetUserEventsAsync("visitor", (await db.Store.GetUserEventsAsync("visitor", null)).Sequence);
        var result = await db.Store.GetUserEventsAsync("visitor", cursor);

        Assert.Equal(later, Assert.Single(Assert.Single(result.EventsByAccount).Value).EventId);
        Assert.Empty(result.DeletedEventIds);
        Assert.Empty(unchanged.EventsByAccount);
        Assert.Null(unchanged.Sequence);

        await db.Store.PurgeAsync("visitor");
        var afterPurge = await db.Store.GetUserEventsAsync("visitor", result.Sequence);
        Assert.Empty(afterPurge.EventsByAccount);
        // Every purged event is tombstoned with the purge's sequence, so older ones are reported again.
        Assert.Equal(new[] { first, later }.Order(StringComparer.Ordinal), afterPurge.DeletedEventIds.Order(StringComparer.Ordinal));
        Assert.True(string.CompareOrdinal(afterPurge.Sequence, result.Sequence) > 0);
        // since is compared as a plain string: anything sorts somewhere.
        Assert.Equal(2, (await db.Store.GetUserEventsAsync("visitor", "")).DeletedEventIds.Count);
        Assert.Empty((await db.Store.GetUserEventsAsync("visitor", "zzz")).DeletedEventIds);
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task GetAccountEvents_UnknownAccount_ReturnsNull_RetiredAccount_IsReturned(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var account = await db.Store.AccountAsync();
        await db.Store.EventAsync(account, "");
        Assert.True(await db.Store.RetireAccountAsync(account.AccountId));

        Assert.Null(await db.Store.GetAccountEventsAsync(Seed.NewId(), null));
        var view = await db.Store.GetAccountEventsAsync(account.AccountId, null);
        Assert.NotNull(view);
        Assert.True(view.Account.Retired);
        Assert.Single(view.Events);
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task GetAccountEvents_ManyPages_ReturnsAllEventsAndOnlyReferencedSecrets(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect, options: new OffenStoreOptions(AccountQueryPageSize: 500));
        var account = await db.Store.AccountAsync();
        var other = await db.Store.AccountAsync();
        for (var u = 0; u < 5; u++) await db.Store.ExchangeAsync(account, $"user-{u}", $"secret-{u}");
        await db.Store.ExchangeAsync(account, "silent-user", "unused");
        await db.Store.ExchangeAsync(other, "user-0", "other-account-secret");
        var events = Enumerable.Range(0, 1234)
            .Select(i => new NewEvent(account.AccountId, i % 7 == 0 ? "" : $"user-{i % 5}", $"p{i}", Ulids.NewFor(DateTimeOffset.UtcNow.AddMinutes(-i))))
            .ToList();
        await db.Store.InsertEventsAsync(events);
        await db.Store.EventAsync(other, "user-0");

        var view = (await db.Store.GetAccountEventsAsync(account.AccountId, null))!;

        Assert.Equal(events.Select(e => e.EventId!).Order(StringComparer.Ordinal), view.Events.Select(e => e.EventId).Order(StringComparer.Ordinal));
        Assert.Equal(view.Events.Select(e => e.Sequence).Order(StringComparer.Ordinal), view.Events.Select(e => e.Sequence));
        Assert.Equal(Enumerable.Range(0, 5).Select(u => Seed.SecretIdOf(account, $"user-{u}")).Order(StringComparer.Ordinal), view.Secrets.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("secret-3", view.Secrets[Seed.SecretIdOf(account, "user-3")]);
        Assert.Empty(view.DeletedEventIds);
        Assert.Equal(view.Events.Select(e => e.Sequence).Max(StringComparer.Ordinal), view.Sequence);
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task GetAccountEvents_Since_FiltersEventsBySequenceAndReturnsTombstones(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var account = await db.Store.AccountAsync();
        await db.Store.ExchangeAsync(account, "a");
        await db.Store.ExchangeAsync(account, "b");
        var first = await db.Store.EventAsync(account, "a");
        var cursor = (await db.Store.GetAccountEventsAsync(account.AccountId, null))!.Sequence!;
        // D3: a backdated event id (demo) with a new sequence is still delivered incrementally.
        var backdated = Ulids.NewFor(DateTimeOffset.UtcNow.AddDays(-2));
        await db.Store.InsertEventsAsync([new NewEvent(account.AccountId, "b", "old-looking", backdated)]);
        var second = await db.Store.EventAsync(account, "b");
        await db.Store.PurgeAsync("a");

        var view = (await db.Store.GetAccountEventsAsync(account.AccountId, cursor))!;

        Assert.Equal(new[] { backdated, second }.Order(StringComparer.Ordinal), view.Events.Select(e => e.EventId));
        Assert.Equal([first], view.DeletedEventIds);
        Assert.Equal([Seed.SecretIdOf(account, "b")], view.Secrets.Keys);
        var empty = (await db.Store.GetAccountEventsAsync(account.AccountId, view.Sequence))!;
        Assert.Empty(empty.Events);
        Assert.Empty(empty.DeletedEventIds);
        Assert.Null(empty.Sequence);
        Assert.Empty(empty.Secrets);
    }
}
