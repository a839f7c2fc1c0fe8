using Offen.Persistence.Tests.Infrastructure;

namespace Offen.Persistence.Tests;

/// <summary>The primitives behind server.md §5.9–§5.10 (the crypto lives in the server).</summary>
public sealed class AccountUserTests
{
    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task SaveAccountUser_InsertsThenUpdatesUserAndRelationships(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var account = await db.Store.AccountAsync();
        var invitee = Seed.User(adminLevel: 0, hashedPassword: "");
        var pending = Seed.Relationship(invitee.AccountUserId, account.AccountId, pending: true);

        await db.Store.SaveAccountUserAsync(invitee, [pending]);

        Assert.Equal(invitee, await db.Store.GetAccountUserAsync(invitee.AccountUserId));
        Assert.Equal([pending], await db.Store.ListRelationshipsAsync(invitee.AccountUserId));

        // Join: the user gets a password, the pending relationship its password-wrapped key.
        var joined = invitee with { HashedPassword = "{3,} bmV3 c2FsdA==", AdminLevel = 1 };
        var accepted = pending with { PasswordEncryptedKeyEncryptionKey = "{1,} d3JhcHBlZA== bm9uY2U=" };
        await db.Store.SaveAccountUserAsync(joined, [accepted]);

        Assert.Equal(joined, await db.Store.GetAccountUserAsync(invitee.AccountUserId));
        Assert.Equal([accepted], await db.Store.ListRelationshipsAsync(invitee.AccountUserId));
        Assert.Equal(1, await db.CountAsync("account_users"));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task ListRelationships_IncludesPendingInvitations_ListAccountUsers_ListsAll(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var a = await db.Store.AccountAsync();
        var b = await db.Store.AccountAsync();
        var user = Seed.User();
        var other = Seed.User(adminLevel: 0);
        var rels = new[] { Seed.Relationship(user.AccountUserId, a.AccountId), Seed.Relationship(user.AccountUserId, b.AccountId, pending: true) };
        await db.Store.SaveAccountUserAsync(user, rels);
        await db.Store.SaveAccountUserAsync(other, [Seed.Relationship(other.AccountUserId, a.AccountId)]);

        var listed = await db.Store.ListRelationshipsAsync(user.AccountUserId);

        Assert.Equal(rels.OrderBy(r => r.RelationshipId, StringComparer.Ordinal), listed);
        Assert.Single(listed, r => r.PasswordEncryptedKeyEncryptionKey == "");
        Assert.Empty(await db.Store.ListRelationshipsAsync(Seed.NewId()));
        Assert.Null(await db.Store.GetAccountUserAsync(Seed.NewId()));
        Assert.Equal(new[] { user, other }.OrderBy(u => u.AccountUserId, StringComparer.Ordinal), await db.Store.ListAccountUsersAsync());
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task SaveRelationships_UpsertsAllInOneTransaction(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var a = await db.Store.AccountAsync();
        var b = await db.Store.AccountAsync();
        var user = Seed.User();
        var r1 = Seed.Relationship(user.AccountUserId, a.AccountId);
        var r2 = Seed.Relationship(user.AccountUserId, b.AccountId);
        await db.Store.SaveAccountUserAsync(user, [r1, r2]);
        var before = await db.DumpAsync();

        // Forgot password: one-time keys on every relationship, all or nothing.
        var withKeys = new[] { r1 with { OneTimeEncryptedKeyEncryptionKey = "{1,} b3Q= bg==" }, r2 with { OneTimeEncryptedKeyEncryptionKey = "{1,} b3Q y bg==" } };
        var failing = db.OpenStore(new OffenStoreOptions
        {
            StepHook = step => step == "save-relationships:one" ? throw new InvalidOperationException("induced") : Task.CompletedTask,
        });
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing.SaveRelationshipsAsync(withKeys));
        Assert.Equal(before, await db.DumpAsync());

        await db.Store.SaveRelationshipsAsync(withKeys);

        Assert.Equal(withKeys.OrderBy(r => r.RelationshipId, StringComparer.Ordinal), await db.Store.ListRelationshipsAsync(user.AccountUserId));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task SaveAccountUser_FailureAfterUserRow_RollsBack(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var a = await db.Store.AccountAsync();
        var user = Seed.User();
        var failing = db.OpenStore(new OffenStoreOptions
        {
            StepHook = step => step == "save-user:user" ? throw new InvalidOperationException("induced") : Task.CompletedTask,
        });

        await Assert.ThrowsAsync<InvalidOperationException>(() => failing.SaveAccountUserAsync(user, [Seed.Relationship(user.AccountUserId, a.AccountId)]));

        Assert.Null(await db.Store.GetAccountUserAsync(user.AccountUserId));
        Assert.Equal(1, await db.CountAsync("account_user_relationships"));
    }
}
