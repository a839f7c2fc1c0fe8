using Offen.Persistence.Tests.Infrastructure;

namespace Offen.Persistence.Tests;

/// <summary>server.md §5.8 and README D4.</summary>
public sealed class PurgeAndExpiryTests
{
    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task Purge_DeletesTheUsersEventsInEveryAccountWithTombstones_KeepsOthersAndSecrets(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var a = await db.Store.AccountAsync();
        var b = await db.Store.AccountAsync();
        foreach (var acc in new[] { a, b }) await db.Store.ExchangeAsync(acc, "visitor");
        await db.Store.ExchangeAsync(a, "neighbour");
        var mine = new[] { await db.Store.EventAsync(a, "visitor"), await db.Store.EventAsync(b, "visitor"), await db.Store.EventAsync(a, "visitor") };
        var theirs = await db.Store.EventAsync(a, "neighbour");
        var anonymous = await db.Store.EventAsync(a, "");

        await db.Store.PurgeAsync("visitor");

        var left = await db.QueryAsync<string>("SELECT event_id FROM events");
        Assert.Equal(new[] { theirs, anonymous }.Order(StringComparer.Ordinal), left.Order(StringComparer.Ordinal));
        var tombstones = await db.QueryAsync<(string EventId, string AccountId, string SecretId, string Sequence)>(
            "SELECT event_id, account_id, secret_id, sequence FROM tombstones");
        Assert.Equal(mine.Order(StringComparer.Ordinal), tombstones.Select(t => t.EventId).Order(StringComparer.Ordinal));
        Assert.Single(tombstones.Select(t => t.Sequence).Distinct());
        Assert.Contains(tombstones, t => t.AccountId == b.AccountId && t.SecretId == Seed.SecretIdOf(b, "visitor"));
        Assert.Equal(3, await db.CountAsync("secrets"));
        // Purging again (or a user without events) is harmless.
        await db.Store.PurgeAsync("visitor");
        await db.Store.PurgeAsync("nobody");
        Assert.Equal(3, await db.CountAsync("tombstones"));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task Purge_FailureAfterTombstoning_RollsBackEverything(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var a = await db.Store.AccountAsync();
        await db.Store.ExchangeAsync(a, "visitor");
        await db.Store.EventAsync(a, "visitor");
        var before = await db.DumpAsync();
        var failing = db.OpenStore(new OffenStoreOptions
        {
            StepHook = step => step == "purge:tombstoned" ? throw new InvalidOperationException("induced") : Task.CompletedTask,
        });

        await Assert.ThrowsAsync<InvalidOperationException>(() => failing.PurgeAsync("visitor"));

        Assert.Equal(before, await db.DumpAsync());
        await failing.EventAsync(a, "visitor");
        Assert.Equal(2, await db.CountAsync("events"));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task Expire_DeletesEventsReceivedBeforeRetention_WithTombstones(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var account = await db.Store.AccountAsync();
        await db.Store.ExchangeAsync(account, "visitor");
        var now = DateTimeOffset.UtcNow;
        var old = new[] { Ulids.NewFor(now.AddDays(-10)), Ulids.NewFor(now.AddDays(-8)) };
        var young = new[] { Ulids.NewFor(now.AddDays(-6)), Ulids.NewFor(now.AddHours(-1)) };
        await db.Store.InsertEventsAsync(old.Concat(young).Select(id => new NewEvent(account.AccountId, "visitor", "p", id)).ToList());
        var cursor = (await db.Store.GetUserEventsAsync("visitor", null)).Sequence;

        var deleted = await db.Store.ExpireAsync(TimeSpan.FromDays(7));

        Assert.Equal(2, deleted);
        Assert.Equal(young.Order(StringComparer.Ordinal), (await db.QueryAsync<string>("SELECT event_id FROM events")).Order(StringComparer.Ordinal));
        var forVisitor = await db.Store.GetUserEventsAsync("visitor", cursor);
        Assert.Equal(old.Order(StringComparer.Ordinal), forVisitor.DeletedEventIds.Order(StringComparer.Ordinal));
        Assert.Equal(0, await db.Store.ExpireAsync(TimeSpan.FromDays(7)));
        Assert.Equal(2, await db.CountAsync("tombstones"));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task Expire_PrunesTombstonesOlderThanRetention(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var account = await db.Store.AccountAsync();
        var now = DateTimeOffset.UtcNow;
        const string insert = "INSERT INTO tombstones (event_id, account_id, secret_id, sequence) VALUES (@id, @account, NULL, @seq)";
        var oldTombstone = Ulids.NewFor(now.AddDays(-40));
        var recentTombstone = Ulids.NewFor(now.AddDays(-40));
        await db.ExecuteAsync(insert, new { id = oldTombstone, account = account.AccountId, seq = Ulids.NewFor(now.AddDays(-31)) });
        await db.ExecuteAsync(insert, new { id = recentTombstone, account = account.AccountId, seq = Ulids.NewFor(now.AddDays(-29)) });

        Assert.Equal(0, await db.Store.ExpireAsync(TimeSpan.FromDays(30)));

        Assert.Equal([recentTombstone], await db.QueryAsync<string>("SELECT event_id FROM tombstones"));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task Expire_FailureMidway_RollsBack(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var account = await db.Store.AccountAsync();
        await db.Store.InsertEventsAsync([new NewEvent(account.AccountId, "", "p", Ulids.NewFor(DateTimeOffset.UtcNow.AddDays(-9)))]);
        var before = await db.DumpAsync();
        var failing = db.OpenStore(new OffenStoreOptions
        {
            StepHook = step => step == "expire:tombstoned" ? throw new InvalidOperationException("induced") : Task.CompletedTask,
        });

        await Assert.ThrowsAsync<InvalidOperationException>(() => failing.ExpireAsync(TimeSpan.FromDays(1)));

        Assert.Equal(before, await db.DumpAsync());
        Assert.Equal(1, await db.Store.ExpireAsync(TimeSpan.FromDays(1)));
    }
}
