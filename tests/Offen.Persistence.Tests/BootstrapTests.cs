using Offen.Persistence.Tests.Infrastructure;

namespace Offen.Persistence.Tests;

/// <summary>server.md §5.3 (empty probe) and §5.4 (bootstrap), §11.37.</summary>
public sealed class BootstrapTests
{
    private static (AccountRecord[] Accounts, AccountUserRecord[] Users, RelationshipRecord[] Relationships) Setup()
    {
        var accounts = new[] { Seed.Account("One"), Seed.Account("Two") };
        var users = new[] { Seed.User(1), Seed.User(0) };
        var rels = new[]
        {
            Seed.Relationship(users[0].AccountUserId, accounts[0].AccountId),
            Seed.Relationship(users[0].AccountUserId, accounts[1].AccountId),
            Seed.Relationship(users[1].AccountUserId, accounts[1].AccountId),
        };
        return (accounts, users, rels);
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task IsEmpty_MissingTables_IsFalse_MigratedEmpty_IsTrue_AnyRow_IsFalse(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect, migrate: false);
        Assert.False(await db.Store.IsEmptyAsync());

        await db.Store.MigrateAsync();
        Assert.True(await db.Store.IsEmptyAsync());

        // §11.37: tombstones alone make the database non-empty.
        await db.ExecuteAsync("INSERT INTO tombstones (event_id, account_id, secret_id, sequence) VALUES ('x', 'y', NULL, 'z')");
        Assert.False(await db.Store.IsEmptyAsync());
        await db.ExecuteAsync("DELETE FROM tombstones");
        await db.Store.SaveAccountUserAsync(Seed.User(), []);
        Assert.False(await db.Store.IsEmptyAsync());
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task Bootstrap_UnmigratedEmptyDatabase_MigratesAndInsertsRows(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect, migrate: false);
        var (accounts, users, rels) = Setup();

        await db.Store.BootstrapAsync(accounts, users, rels, force: false);

        Assert.Equal(accounts.OrderBy(a => a.AccountId, StringComparer.Ordinal).Select(a => a.AccountId), (await db.Store.ListAccountsAsync()).Select(a => a.AccountId));
        Assert.Equal(users.OrderBy(u => u.AccountUserId, StringComparer.Ordinal), await db.Store.ListAccountUsersAsync());
        Assert.Equal(2, (await db.Store.ListRelationshipsAsync(users[0].AccountUserId)).Count);
        Assert.Equal(10, await db.CountAsync("migrations"));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task Bootstrap_NonEmptyWithoutForce_ThrowsWouldOverwrite_ChangesNothing(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        await db.Store.AccountAsync("Existing");
        var before = await db.DumpAsync();
        var (accounts, users, rels) = Setup();

        await Assert.ThrowsAsync<WouldOverwriteException>(() => db.Store.BootstrapAsync(accounts, users, rels, force: false));

        Assert.Equal(before, await db.DumpAsync());
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task Bootstrap_Force_ReplacesEverythingButTombstones(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var old = await db.Store.AccountAsync("Old");
        await db.Store.ExchangeAsync(old, "visitor");
        await db.Store.EventAsync(old, "visitor");
        await db.Store.EventAsync(old, "visitor");
        await db.Store.PurgeAsync("visitor");
        await db.Store.EventAsync(old, "visitor");
        await db.Store.SaveAccountUserAsync(Seed.User(), []);
        var (accounts, users, rels) = Setup();

        await db.Store.BootstrapAsync(accounts, users, rels, force: true);

        Assert.Equal(2, await db.CountAsync("tombstones"));
        Assert.Equal(0, await db.CountAsync("events"));
        Assert.Equal(0, await db.CountAsync("secrets"));
        Assert.Equal(["One", "Two"], (await db.Store.ListAccountsAsync()).Select(a => a.Name).Order(StringComparer.Ordinal));
        Assert.Equal(2, (await db.Store.ListAccountUsersAsync()).Count);
        Assert.Equal(3, await db.CountAsync("account_user_relationships"));
        Assert.Equal(10, await db.CountAsync("migrations"));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task Bootstrap_BadRow_RollsBackEverything_StoreKeepsWorking(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var old = await db.Store.AccountAsync("Old");
        await db.Store.ExchangeAsync(old, "visitor");
        await db.Store.EventAsync(old, "visitor");
        var before = await db.DumpAsync();
        var (accounts, users, rels) = Setup();
        var duplicateId = new[] { accounts[0], accounts[1] with { AccountId = accounts[0].AccountId } };

        await Assert.ThrowsAnyAsync<Exception>(() => db.Store.BootstrapAsync(duplicateId, users, rels, force: true));

        Assert.Equal(before, await db.DumpAsync());
        await db.Store.EventAsync(old, "visitor");
        await db.Store.BootstrapAsync(accounts, users, rels, force: true);
        Assert.Equal(2, (await db.Store.ListAccountsAsync()).Count);
    }
}
