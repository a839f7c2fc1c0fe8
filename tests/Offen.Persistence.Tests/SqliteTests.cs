using Offen.Persistence.Tests.Infrastructure;

namespace Offen.Persistence.Tests;

/// <summary>SQLite specifics: WAL and the one writer (server.md §5.1), and the many ways a time may sit in a text column.</summary>
public sealed class SqliteTests
{
    [Fact]
    public async Task Open_UsesWalJournal()
    {
        await using var db = await TestDb.CreateAsync(Dialect.Sqlite);
        Assert.Equal("wal", Assert.Single(await db.QueryAsync<string>("PRAGMA journal_mode")));
    }

    [Theory]
    [InlineData("2024-05-01 10:11:12.123456789+00:00", "2024-05-01T10:11:12.1234567+00:00")]
    [InlineData("2024-05-01 12:11:12.5+02:00", "2024-05-01T10:11:12.5+00:00")]
    [InlineData("2024-05-01 10:11:12", "2024-05-01T10:11:12+00:00")]
    [InlineData("2024-05-01T10:11:12Z", "2024-05-01T10:11:12+00:00")]
    [InlineData("2024-05-01T10:11:12.123-07:00", "2024-05-01T17:11:12.123+00:00")]
    [InlineData("2024-05-01 10:11:12.123456789 +0200 CEST m=+0.000123", "2024-05-01T08:11:12.1234567+00:00")]
    [InlineData("2024-05-01 10:11:12 +0000 UTC", "2024-05-01T10:11:12+00:00")]
    [InlineData("2024-05-01", "2024-05-01T00:00:00+00:00")]
    [InlineData("1714558272", "2024-05-01T10:11:12+00:00")]
    public async Task GetAccount_CreatedInAnyTextLayout_IsReadAsUtc(string stored, string expected)
    {
        await using var db = await TestDb.CreateAsync(Dialect.Sqlite);
        var account = await db.Store.AccountAsync();
        await db.ExecuteAsync("UPDATE accounts SET created = @stored", new { stored });

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), (await db.Store.GetAccountAsync(account.AccountId))!.Created);
    }

    [Fact]
    public async Task GetAccount_CreatedAsUnixNumbersOrNull_IsRead()
    {
        await using var db = await TestDb.CreateAsync(Dialect.Sqlite);
        var account = await db.Store.AccountAsync();
        var expected = new DateTimeOffset(2024, 5, 1, 10, 11, 12, TimeSpan.Zero);

        await db.ExecuteAsync("UPDATE accounts SET created = 1714558272");
        Assert.Equal(expected, (await db.Store.GetAccountAsync(account.AccountId))!.Created);
        await db.ExecuteAsync("UPDATE accounts SET created = 1714558272000");
        Assert.Equal(expected, (await db.Store.GetAccountAsync(account.AccountId))!.Created);
        await db.ExecuteAsync("UPDATE accounts SET created = julianday('2024-05-01 10:11:12')");
        Assert.Equal(expected, (await db.Store.GetAccountAsync(account.AccountId))!.Created);
        await db.ExecuteAsync("UPDATE accounts SET created = NULL, retired = 'true', account_styles = NULL");
        var read = (await db.Store.GetAccountAsync(account.AccountId))!;
        Assert.Equal(default, read.Created);
        Assert.True(read.Retired);
        Assert.Equal("", read.AccountStyles);
    }

    [Fact]
    public async Task CreateAccount_WritesCreatedTheWayGoSqlite3Does()
    {
        await using var db = await TestDb.CreateAsync(Dialect.Sqlite);
        var account = Seed.Account(created: new DateTimeOffset(2024, 5, 1, 12, 11, 12, 123, TimeSpan.FromHours(2)));
        await db.Store.CreateAccountAsync(account, Seed.Relationship(Seed.NewId(), account.AccountId));

        Assert.Equal("2024-05-01 10:11:12.123+00:00", Assert.Single(await db.QueryAsync<string>("SELECT created FROM accounts")));
    }

    [Fact]
    public async Task Writes_FromTwoStoresOnOneFile_WaitForEachOther()
    {
        await using var db = await TestDb.CreateAsync(Dialect.Sqlite);
        var account = await db.Store.AccountAsync();
        var other = db.OpenStore();

        var writes = Enumerable.Range(0, 200)
            .Select(i => (i % 2 == 0 ? db.Store : other).InsertEventAsync(new NewEvent(account.AccountId, "", $"p{i}")))
            .Concat(Enumerable.Range(0, 10).Select(i => (Task<string>)Task.Run(async () =>
            {
                await (i % 2 == 0 ? db.Store : other).ExpireAsync(TimeSpan.FromDays(1));
                return "";
            })))
            .ToList();
        await Task.WhenAll(writes);

        Assert.Equal(200, await db.CountAsync("events"));
    }

    [Fact]
    public async Task InMemoryDatabase_WorksThroughItsOneConnection()
    {
        await using var store = OffenStore.Open(Dialect.Sqlite, ":memory:");
        await store.MigrateAsync();
        var account = await store.AccountAsync();
        await store.EventAsync(account, "");
        Assert.Single((await store.GetAccountEventsAsync(account.AccountId, null))!.Events);
        Assert.False(await store.IsEmptyAsync());
    }
}
