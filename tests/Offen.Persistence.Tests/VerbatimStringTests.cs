using Offen.Persistence.Tests.Infrastructure;

namespace Offen.Persistence.Tests;

/// <summary>Every string field is a bound parameter: SQL metacharacters and any Unicode are stored verbatim.</summary>
public sealed class VerbatimStringTests
{
    private const string Nasty = "'; DROP TABLE events; -- \" ` \\ \\' %_ ? $1 @p0 :name {1,} \r\n\t ünïcødé 🍪 '' \"\"";

    private static string N(string tag) => tag + Nasty;

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task StringFields_WithSqlMetacharacters_AreStoredVerbatim(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        // Ids must fit their varchar(36) columns; the rest may be anything.
        var account = Seed.Account() with
        {
            AccountId = "a'b\"c;--`\\%_?$1 🍪",
            Name = N("name"),
            PublicKey = N("pk"),
            EncryptedPrivateKey = N("epk"),
            AccountStyles = N("css"),
        };
        var user = new AccountUserRecord("u'\"\\;--`%_🍪", N("email"), N("password"), N("salt"), 0);
        var rel = new RelationshipRecord("r'\"\\;--`%_🍪", user.AccountUserId, account.AccountId, N("pw-kek"), N("email-kek"), N("ot-kek"));
        await db.Store.SaveAccountUserAsync(user, []);
        await db.Store.CreateAccountAsync(account, rel);
        var userId = N("cookie");
        await db.Store.AssociateUserSecretAsync(account.AccountId, userId, N("secret"));
        var eventId = await db.Store.InsertEventAsync(new NewEvent(account.AccountId, userId, N("payload")));

        Assert.Equal(account with { Created = default }, (await db.Store.GetAccountAsync(account.AccountId))! with { Created = default });
        Assert.Equal(user, await db.Store.GetAccountUserAsync(user.AccountUserId));
        Assert.Equal([rel], await db.Store.ListRelationshipsAsync(user.AccountUserId));
        var view = (await db.Store.GetAccountEventsAsync(account.AccountId, N("since")))!;
        var mine = await db.Store.GetUserEventsAsync(userId, null);
        var e = Assert.Single(mine.EventsByAccount[account.AccountId]);
        Assert.Equal(eventId, e.EventId);
        Assert.Equal(N("payload"), e.Payload);
        Assert.Equal(N("secret"), (await db.Store.GetAccountEventsAsync(account.AccountId, null))!.Secrets[e.SecretId!]);
        Assert.Empty(view.Events);
        Assert.True(await db.Store.UpdateAccountStylesAsync(account.AccountId, N("css2")));
        Assert.Equal(N("css2"), (await db.Store.GetAccountAsync(account.AccountId))!.AccountStyles);
        await Assert.ThrowsAsync<DuplicateAccountNameException>(() =>
            db.Store.CreateAccountAsync(Seed.Account(N("name")), Seed.Relationship(user.AccountUserId, Seed.NewId())));
        await db.Store.PurgeAsync(userId);
        Assert.Equal(7, await db.CountAsync("accounts") + await db.CountAsync("account_users") + await db.CountAsync("account_user_relationships")
            + await db.CountAsync("secrets") + await db.CountAsync("tombstones") + await db.CountAsync("migrations") - 8);
    }
}
