using Offen.Persistence.Tests.Infrastructure;

namespace Offen.Persistence.Tests;

/// <summary>server.md §5.11 and the account reads.</summary>
public sealed class AccountTests
{
    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task CreateAccount_StoresAccountAndCreatorRelationship_RoundTripsEveryField(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var created = new DateTimeOffset(2024, 2, 29, 23, 59, 58, 765, TimeSpan.FromHours(2));
        var account = Seed.Account("My site", created: created) with { AccountStyles = "p { color: red }" };
        var user = Seed.User();
        await db.Store.SaveAccountUserAsync(user, []);
        var rel = Seed.Relationship(user.AccountUserId, account.AccountId);

        await db.Store.CreateAccountAsync(account, rel);

        var read = await db.Store.GetAccountAsync(account.AccountId);
        Assert.Equal(account with { Created = default }, read! with { Created = default });
        Assert.Equal(created.UtcDateTime, read.Created.UtcDateTime);
        Assert.Equal(TimeSpan.Zero, read.Created.Offset);
        Assert.Equal([rel], await db.Store.ListRelationshipsAsync(user.AccountUserId));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task CreateAccount_NameOfAnyExistingAccount_ThrowsDuplicate_EvenIfRetired(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        await db.Store.AccountAsync("Taken");
        await db.Store.AccountAsync("Retired name", retired: true);
        var before = await db.DumpAsync();

        await Assert.ThrowsAsync<DuplicateAccountNameException>(() => db.Store.AccountAsync("Taken"));
        await Assert.ThrowsAsync<DuplicateAccountNameException>(() => db.Store.AccountAsync("Retired name"));

        Assert.Equal(before, await db.DumpAsync());
        // Exactly that name: another case or trailing space is a different name on every collation.
        await db.Store.AccountAsync("taken");
        await db.Store.AccountAsync("Taken ");
        Assert.Equal(4, (await db.Store.ListAccountsAsync()).Count);
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task CreateAccount_SameNameConcurrentlyFromTwoStores_OnlyOneWins(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var second = db.OpenStore();
        var attempts = Enumerable.Range(0, 8).Select(i => Task.Run(() => (i % 2 == 0 ? db.Store : second).AccountAsync("Race"))).ToList();

        try
        {
            await Task.WhenAll(attempts);
        }
        catch
        {
            // counted below
        }

        _ = Assert.Single(attempts, t => t.IsCompletedSuccessfully);
        Assert.All(attempts.Where(t => !t.IsCompletedSuccessfully), t => Assert.IsType<DuplicateAccountNameException>(t.Exception?.GetBaseException()));
        Assert.Equal(1, await db.CountAsync("accounts"));
        Assert.Equal(1, await db.CountAsync("account_user_relationships"));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task CreateAccount_FailureBeforeRelationship_LeavesNoAccount(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var failing = db.OpenStore(new OffenStoreOptions
        {
            StepHook = step => step == "create-account:inserted" ? throw new InvalidOperationException("induced") : Task.CompletedTask,
        });

        await Assert.ThrowsAsync<InvalidOperationException>(() => failing.AccountAsync("Half"));

        Assert.Equal(0, await db.CountAsync("accounts"));
        await db.Store.AccountAsync("Half");
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task RetireAccount_SetsFlagDeletesRelationships_KeepsEventsAndSecrets(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var account = await db.Store.AccountAsync();
        var keep = await db.Store.AccountAsync();
        var user = Seed.User();
        await db.Store.SaveAccountUserAsync(user, [Seed.Relationship(user.AccountUserId, account.AccountId), Seed.Relationship(user.AccountUserId, keep.AccountId, pending: true)]);
        await db.Store.ExchangeAsync(account, "visitor");
        await db.Store.EventAsync(account, "visitor");

        Assert.True(await db.Store.RetireAccountAsync(account.AccountId));

        Assert.True((await db.Store.GetAccountAsync(account.AccountId))!.Retired);
        Assert.Equal(0, await db.CountAsync("account_user_relationships", "account_id = @id", new { id = account.AccountId }));
        Assert.Equal([keep.AccountId], (await db.Store.ListRelationshipsAsync(user.AccountUserId)).Select(r => r.AccountId));
        Assert.Equal(1, await db.CountAsync("events"));
        Assert.Equal(1, await db.CountAsync("secrets"));
        Assert.False(await db.Store.RetireAccountAsync(account.AccountId));
        Assert.False(await db.Store.RetireAccountAsync(Seed.NewId()));
        Assert.Contains(await db.Store.ListAccountsAsync(), a => a.AccountId == account.AccountId && a.Retired);
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task RetireAccount_FailureAfterFlag_RollsBack(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var account = await db.Store.AccountAsync();
        var before = await db.DumpAsync();
        var failing = db.OpenStore(new OffenStoreOptions
        {
            StepHook = step => step == "retire:flagged" ? throw new InvalidOperationException("induced") : Task.CompletedTask,
        });

        await Assert.ThrowsAsync<InvalidOperationException>(() => failing.RetireAccountAsync(account.AccountId));

        Assert.Equal(before, await db.DumpAsync());
        Assert.True(await db.Store.RetireAccountAsync(account.AccountId));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task UpdateAccountStyles_AnyKnownAccount_True_Unknown_False(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var account = await db.Store.AccountAsync();
        var retired = await db.Store.AccountAsync(retired: true);

        Assert.True(await db.Store.UpdateAccountStylesAsync(account.AccountId, "a { color: blue }"));
        Assert.True(await db.Store.UpdateAccountStylesAsync(account.AccountId, "a { color: blue }"));
        Assert.True(await db.Store.UpdateAccountStylesAsync(retired.AccountId, ""));
        Assert.False(await db.Store.UpdateAccountStylesAsync(Seed.NewId(), "x"));

        Assert.Equal("a { color: blue }", (await db.Store.GetAccountAsync(account.AccountId))!.AccountStyles);
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task GetAccount_Unknown_ReturnsNull_ListAccounts_IncludesRetired(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var a = await db.Store.AccountAsync();
        var b = await db.Store.AccountAsync(retired: true);

        Assert.Null(await db.Store.GetAccountAsync(Seed.NewId()));
        Assert.Equal(new[] { a.AccountId, b.AccountId }.Order(StringComparer.Ordinal), (await db.Store.ListAccountsAsync()).Select(x => x.AccountId));
    }
}
