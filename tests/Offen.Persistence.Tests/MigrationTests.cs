using Offen.Persistence.Tests.Infrastructure;

namespace Offen.Persistence.Tests;

/// <summary>server.md §5.2: upstream's migration ids, upgrades of old databases, our index step.</summary>
public sealed class MigrationTests
{
    private static readonly string[] OurIds = ["offen-cs-001-indexes", "offen-cs-002-shared-caches"];

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task Migrate_FreshDatabase_CreatesSixTablesAndRecordsUpstreamIds(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);

        var ids = await db.QueryAsync<string>("SELECT id FROM migrations");
        Assert.Equal(UpstreamFixtures.AllUpstreamIds.Concat(OurIds).Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
        foreach (var table in new[] { "accounts", "account_users", "account_user_relationships", "events", "secrets", "tombstones" })
            Assert.Equal(0, await db.CountAsync(table));
        Assert.True(await db.Store.IsEmptyAsync());
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task Migrate_RunAgain_ChangesNothing(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var account = await db.Store.AccountAsync();
        await db.Store.ExchangeAsync(account, "u");
        await db.Store.EventAsync(account, "u");
        var before = await db.DumpAsync();

        await db.Store.MigrateAsync();
        await using var second = db.OpenStore();
        await second.MigrateAsync();

        Assert.Equal(before, await db.DumpAsync());
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task Migrate_AddsSecondaryIndexesUnderOwnId(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);

        var sql = dialect switch
        {
            Dialect.Sqlite => "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_%'",
            Dialect.Postgres => "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname LIKE 'idx_%'",
            _ => "SELECT DISTINCT index_name FROM information_schema.statistics WHERE table_schema = DATABASE() AND index_name LIKE 'idx_%'",
        };
        var names = (await db.QueryAsync<string>(sql)).Order(StringComparer.Ordinal);
        string[] expected =
        [
            "idx_events_account_id_sequence", "idx_events_secret_id", "idx_rollups_account_id_first_event_id", "idx_rollups_account_id_last_event_id",
            "idx_tombstones_account_id_sequence", "idx_tombstones_secret_id", "idx_tombstones_sequence",
        ];
        // Not on MySQL, where idx_tombstones_account_id_sequence already ends in the primary key (ADR 0005).
        if (dialect != Dialect.MySql) expected = [.. expected, "idx_tombstones_sequence_account_id_event_id"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), names);
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task Migrate_UpstreamDatabase_OpensInPlaceWithoutChangingRows(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect, migrate: false);
        var data = await UpstreamFixtures.BuildAsync(db, legacy: false);
        var before = await db.DumpAsync("accounts", "account_users", "account_user_relationships", "events", "secrets", "tombstones");

        await db.Store.MigrateAsync();

        Assert.Equal(before, await db.DumpAsync("accounts", "account_users", "account_user_relationships", "events", "secrets", "tombstones"));
        var ids = await db.QueryAsync<string>("SELECT id FROM migrations");
        Assert.Equal(UpstreamFixtures.AllUpstreamIds.Concat(OurIds).Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
        Assert.False(await db.Store.IsEmptyAsync());

        // Reads: what Go wrote comes back as Go wrote it.
        var account = await db.Store.GetAccountAsync(data.AccountId);
        Assert.NotNull(account);
        Assert.Equal("Upstream site", account.Name);
        Assert.Equal("{1,} " + data.RawSalt, account.UserSalt);
        Assert.False(account.Retired);
        Assert.Equal(data.Created, account.Created);
        var retired = await db.Store.GetAccountAsync(data.RetiredAccountId);
        Assert.True(retired!.Retired);
        Assert.Equal(new DateTimeOffset(2023, 1, 2, 3, 4, 5, TimeSpan.Zero), retired.Created);
        Assert.Equal("body{}", retired.AccountStyles);
        var users = await db.Store.ListAccountUsersAsync();
        Assert.Equal(2, users.Count);
        Assert.Equal(1, users.Single(u => u.AccountUserId == data.AccountUserId).AdminLevel);
        Assert.Contains(await db.Store.ListRelationshipsAsync(data.PendingUserId), r => r.PasswordEncryptedKeyEncryptionKey == "");

        var mine = await db.Store.GetUserEventsAsync(data.UserId, null);
        Assert.Equal(data.EventIds, mine.EventsByAccount[data.AccountId].Select(e => e.EventId));
        var operatorView = await db.Store.GetAccountEventsAsync(data.AccountId, null);
        Assert.Equal(4, operatorView!.Events.Count);
        Assert.Equal("{1,} visitor-secret", operatorView.Secrets[data.SecretId]);

        // Writes, on the upstream schema (with GORM's foreign keys on PostgreSQL and MySQL): insert, re-exchange
        // (parking), purge, create, retire, expire.
        var newEvent = await db.Store.InsertEventAsync(new NewEvent(data.AccountId, data.UserId, "new"));
        await db.Store.AssociateUserSecretAsync(data.AccountId, data.UserId, "{1,} fresh");
        Assert.Empty((await db.Store.GetUserEventsAsync(data.UserId, null)).EventsByAccount);
        Assert.Equal(5, (await db.Store.GetAccountEventsAsync(data.AccountId, null))!.Events.Count);
        await db.Store.InsertEventAsync(new NewEvent(data.AccountId, data.UserId, "after"));
        await db.Store.PurgeAsync(data.UserId);
        Assert.Equal(1, await db.CountAsync("tombstones", "event_id = @newEvent", new { newEvent }));
        var created = Seed.Account("Second site");
        await db.Store.CreateAccountAsync(created, Seed.Relationship(data.AccountUserId, created.AccountId));
        Assert.True(await db.Store.RetireAccountAsync(created.AccountId));
        Assert.True(await db.Store.ExpireAsync(TimeSpan.FromDays(1)) >= 4);
        // A forced setup on the upstream schema clears it in an order its foreign keys accept.
        var fresh = Seed.Account("Fresh");
        var admin = Seed.User();
        await db.Store.BootstrapAsync([fresh], [admin], [Seed.Relationship(admin.AccountUserId, fresh.AccountId)], force: true);
        Assert.Equal([fresh.AccountId], (await db.Store.ListAccountsAsync()).Select(a => a.AccountId));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task Migrate_DatabaseAtMigration002_VersionsSaltsAddsTombstonesSequencesAndStyles(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect, migrate: false);
        var data = await UpstreamFixtures.BuildAsync(db, legacy: true);
        var payloadsBefore = await db.DumpAsync("account_user_relationships", "secrets");

        await db.Store.MigrateAsync();

        var ids = await db.QueryAsync<string>("SELECT id FROM migrations");
        Assert.Equal(UpstreamFixtures.AllUpstreamIds.Concat(OurIds).Order(StringComparer.Ordinal), ids.Order(StringComparer.Ordinal));
        Assert.Equal(payloadsBefore, await db.DumpAsync("account_user_relationships", "secrets"));
        // 003: every salt is versioned, with the same bytes.
        var account = (await db.Store.GetAccountAsync(data.AccountId))!;
        Assert.Equal("{1,} " + data.RawSalt, account.UserSalt);
        Assert.All(await db.Store.ListAccountUsersAsync(), u => Assert.StartsWith("{1,} ", u.Salt));
        Assert.All(await db.Store.ListAccountsAsync(), a => Assert.StartsWith("{1,} ", a.UserSalt));
        // 001 had already run: levels stay as they were.
        Assert.Equal(0, (await db.Store.GetAccountUserAsync(data.PendingUserId))!.AdminLevel);
        // 004: one fresh ULID for all existing events.
        var sequences = (await db.QueryAsync<string>("SELECT sequence FROM events")).Distinct().ToList();
        var sequence = Assert.Single(sequences);
        Assert.True(Ulids.IsValid(sequence));
        Assert.Equal(0, await db.CountAsync("tombstones"));
        // 007: styles read as "" for rows that predate the column.
        Assert.Equal("", account.AccountStyles);
        Assert.Equal(dialect == Dialect.MySql ? data.Created.AddMilliseconds(-123) : data.Created, account.Created);

        // The visitor's hash is unchanged (same salt bytes), so their events are found, and the new tables work.
        var mine = await db.Store.GetUserEventsAsync(data.UserId, null);
        Assert.Equal(data.EventIds, mine.EventsByAccount[data.AccountId].Select(e => e.EventId));
        Assert.Equal(sequence, mine.Sequence);
        await db.Store.AssociateUserSecretAsync(data.AccountId, data.UserId, "{1,} a much longer secret than 255 characters " + new string('x', 600));
        var since = await db.Store.GetUserEventsAsync(data.UserId, sequence);
        Assert.Equal(data.EventIds.Order(StringComparer.Ordinal), since.DeletedEventIds.Order(StringComparer.Ordinal));
        await db.Store.EventAsync(account, data.UserId);
        Assert.True(await db.Store.UpdateAccountStylesAsync(data.AccountId, "p { color: red }"));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task Migrate_DatabaseAtMigration003_AddsTombstonesAndSequences_KeepsVersionedSalts(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect, migrate: false);
        var data = await UpstreamFixtures.BuildAsync(db, legacy: true, at003: true);
        var saltsBefore = (await db.Store.ListAccountUsersAsync()).Select(u => u.Salt).ToList();

        await db.Store.MigrateAsync();

        Assert.Equal(10, await db.CountAsync("migrations"));
        Assert.Equal("{1,} " + data.RawSalt, (await db.Store.GetAccountAsync(data.AccountId))!.UserSalt);
        Assert.Equal(saltsBefore, (await db.Store.ListAccountUsersAsync()).Select(u => u.Salt));
        var sequence = Assert.Single((await db.QueryAsync<string>("SELECT sequence FROM events")).Distinct());
        Assert.True(Ulids.IsValid(sequence));
        var cursor = (await db.Store.GetAccountEventsAsync(data.AccountId, null))!.Sequence;
        Assert.Equal(sequence, cursor);
        await db.Store.PurgeAsync(data.UserId);
        var view = (await db.Store.GetAccountEventsAsync(data.AccountId, cursor))!;
        Assert.Equal(data.EventIds.Order(StringComparer.Ordinal), view.DeletedEventIds.Order(StringComparer.Ordinal));
        Assert.Equal([data.AnonymousEventId], (await db.Store.GetAccountEventsAsync(data.AccountId, null))!.Events.Select(e => e.EventId));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task Migrate_DatabaseBeforeAdminLevel_MakesEveryUserSuperAdmin(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect, migrate: false);
        var data = await UpstreamFixtures.BuildAsync(db, legacy: true, beforeAdminLevel: true);

        await db.Store.MigrateAsync();

        var users = await db.Store.ListAccountUsersAsync();
        Assert.Equal(2, users.Count);
        Assert.All(users, u => Assert.Equal(1, u.AdminLevel));
        Assert.All(users, u => Assert.StartsWith("{1,} ", u.Salt));
        Assert.Equal(10, await db.CountAsync("migrations"));
        Assert.NotNull(await db.Store.GetAccountAsync(data.AccountId));
    }
}
