using System.Security.Cryptography;

namespace Offen.Persistence.Tests.Infrastructure;

/// <summary>Intent helpers: create the rows a test needs through the store's public API.</summary>
public static class Seed
{
    public static string NewSalt() => "{1,} " + Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

    public static string NewId() => Guid.NewGuid().ToString();

    public static AccountRecord Account(string? name = null, string? id = null, DateTimeOffset? created = null) => new(
        id ?? NewId(),
        name ?? "account " + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)),
        """{"e":"AQAB","kty":"RSA","n":"abc"}""",
        "{1,} Y3Q= bm9uY2U=",
        NewSalt(),
        false,
        "",
        created ?? new DateTimeOffset(2024, 5, 1, 10, 11, 12, 123, TimeSpan.Zero));

    public static AccountUserRecord User(long adminLevel = 1, string? id = null, string hashedPassword = "{3,} cHc= c2FsdA==") =>
        new(id ?? NewId(), "{3,} ZW1haWw= c2FsdA==", hashedPassword, "{3,} " + Convert.ToBase64String(RandomNumberGenerator.GetBytes(8)), adminLevel);

    public static RelationshipRecord Relationship(string userId, string accountId, bool pending = false) =>
        new(NewId(), userId, accountId, pending ? "" : "{1,} cHdrZWs= bm9uY2U=", "{1,} ZW1rZWs= bm9uY2U=", "");

    /// <summary>Creates an account the way POST /api/accounts does (with a creator relationship).</summary>
    public static async Task<AccountRecord> AccountAsync(this OffenStore store, string? name = null, bool retired = false)
    {
        var account = Account(name);
        await store.CreateAccountAsync(account, Relationship(NewId(), account.AccountId));
        if (retired) Assert.True(await store.RetireAccountAsync(account.AccountId));
        return account;
    }

    /// <summary>POST /api/exchange: stores the user's encrypted secret (parking earlier events if there is one).</summary>
    public static Task ExchangeAsync(this OffenStore store, AccountRecord account, string userId, string encryptedSecret = "{1,} secret") =>
        store.AssociateUserSecretAsync(account.AccountId, userId, encryptedSecret);

    public static Task<string> EventAsync(this OffenStore store, AccountRecord account, string userId, string payload = "payload") =>
        store.InsertEventAsync(new NewEvent(account.AccountId, userId, payload));

    public static string SecretIdOf(AccountRecord account, string userId) => Offen.Crypto.SecretIds.Hash(userId, account.UserSalt);
}
