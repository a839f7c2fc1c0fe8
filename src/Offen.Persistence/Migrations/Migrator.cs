namespace Offen.Persistence.Migrations;

/// <summary>
/// server.md §5.2, the way gormigrate runs upstream's list: an empty (or missing) <c>migrations</c> table means
/// "init schema": create all tables from the current models and record every upstream id. Otherwise each missing
/// upstream step runs in order with its real effect and its id is recorded. Then our own steps run, under our own
/// ids (gormigrate ignores ids it does not know, so Go Offen can still open the database). Every step is written
/// to be safe to repeat, because MySQL commits DDL implicitly and cannot roll a half-done step back.
/// </summary>
internal static class Migrator
{
    public const string SchemaInit = "SCHEMA_INIT";

    /// <summary>Upstream's ids, in order (server.md §5.2).</summary>
    public static readonly string[] UpstreamIds =
    [
        SchemaInit,
        "001_introduce_admin_level",
        "002_mysql_set_column_sizes",
        "003_version_salts",
        "004_add_tombstones_event_revs",
        "005_update_secrets_table",
        "006_gorm_upgrade",
        "007_account_customStyles",
    ];

    /// <summary>Our own step: secondary indexes (docs/adr/0002-persistence.md).</summary>
    public const string IndexesId = "offen-cs-001-indexes";

    /// <summary>Our own step: the tables of the shared encrypted caches (docs/adr/0005-shared-caches.md).</summary>
    public const string SharedCachesId = "offen-cs-002-shared-caches";

    /// <summary>
    /// Indexes of the cache tables. (account_id, first_event_id) orders GET rollups and serves the overlap check;
    /// (account_id, last_event_id) lets the event insert find a rollup its new ids fall into with an empty index
    /// range in the common case (no rollup reaches up to the ids being inserted).
    /// </summary>
    public static readonly (string Name, string Table, string Columns)[] CacheIndexes =
    [
        ("idx_rollups_account_id_first_event_id", "rollups", "account_id, first_event_id"),
        ("idx_rollups_account_id_last_event_id", "rollups", "account_id, last_event_id"),
        (TombstoneOperationIndex, "tombstones", "sequence, account_id, event_id"),
    ];

    /// <summary>
    /// Lets purge, expiry and parking find the rollups holding an id they tombstoned with one index range per rollup
    /// (docs/adr/0005-shared-caches.md). Not on MySQL: InnoDB ends every secondary index in the primary key, so
    /// idx_tombstones_account_id_sequence already is (account_id, sequence, event_id) there, and a third
    /// varchar(191) column could pass the 767-byte key limit of older row formats.
    /// </summary>
    public const string TombstoneOperationIndex = "idx_tombstones_sequence_account_id_event_id";

    private static readonly (string Id, Func<Session, Task> Run)[] UpstreamSteps =
    [
        ("001_introduce_admin_level", IntroduceAdminLevel),
        ("002_mysql_set_column_sizes", SetColumnSizes),
        ("003_version_salts", VersionSalts),
        ("004_add_tombstones_event_revs", AddTombstonesAndSequences),
        ("005_update_secrets_table", UpdateSecretsTable),
        ("006_gorm_upgrade", GormUpgrade),
        ("007_account_customStyles", AddAccountStyles),
    ];

    /// <summary>
    /// (name, table, columns) of the indexes our step adds (server.md §5.1 allows them; docs/adr/0002-persistence.md).
    /// events(account_id, sequence, event_id) serves every account_id lookup and both the full and the incremental
    /// (D3: sequence &gt; since) account query as one index range, so events needs no separate sequence index:
    /// every index costs the 10,000 inserts a second the server aims for.
    /// </summary>
    public static readonly (string Name, string Table, string Columns)[] Indexes =
    [
        ("idx_events_account_id_sequence", "events", "account_id, sequence, event_id"),
        ("idx_events_secret_id", "events", "secret_id"),
        ("idx_tombstones_account_id_sequence", "tombstones", "account_id, sequence"),
        ("idx_tombstones_secret_id", "tombstones", "secret_id"),
        ("idx_tombstones_sequence", "tombstones", "sequence"),
    ];

    public static async Task RunAsync(Session s)
    {
        if (s.Sql.Kind == Dialect.Postgres)
        {
            // Two processes migrating one PostgreSQL database at once take turns (released at commit).
            await s.ExecuteAsync("SELECT pg_advisory_xact_lock(7305016001)");
        }
        await s.ExecuteAsync(s.Sql.CreateMigrationsTable);
        var done = (await s.QueryAsync<string>("SELECT id FROM migrations")).ToHashSet(StringComparer.Ordinal);
        if (done.Count == 0)
        {
            foreach (var ddl in s.Sql.CreateTables) await s.ExecuteAsync(ddl);
            foreach (var id in UpstreamIds) await RecordAsync(s, id);
            done.UnionWith(UpstreamIds);
        }
        else
        {
            foreach (var (id, run) in UpstreamSteps)
            {
                if (done.Contains(id)) continue;
                await run(s);
                await RecordAsync(s, id);
                await s.StepAsync("migrate:" + id);
            }
        }
        if (!done.Contains(IndexesId))
        {
            foreach (var (name, table, columns) in Indexes)
            {
                if (await s.ScalarAsync<long>(s.Sql.IndexExists, new { index = name }) == 0)
                    await s.ExecuteAsync($"CREATE INDEX {name} ON {table} ({columns})");
            }
            await RecordAsync(s, IndexesId);
        }
        if (!done.Contains(SharedCachesId))
        {
            // Runs after init-schema too, so an empty database gets the tables the same way an upstream one does.
            string? collation = null;
            if (s.Sql.Kind == Dialect.MySql)
            {
                collation = await s.ScalarAsync<string?>(
                    "SELECT COLLATION_NAME FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'events' AND column_name = 'event_id'");
            }
            foreach (var ddl in s.Sql.CreateCacheTables(collation)) await s.ExecuteAsync(ddl);
            foreach (var (name, table, columns) in CacheIndexes)
            {
                if (name == TombstoneOperationIndex && s.Sql.Kind == Dialect.MySql) continue;
                if (await s.ScalarAsync<long>(s.Sql.IndexExists, new { index = name }) == 0)
                    await s.ExecuteAsync($"CREATE INDEX {name} ON {table} ({columns})");
            }
            await RecordAsync(s, SharedCachesId);
        }
    }

    private static Task RecordAsync(Session s, string id) => s.ExecuteAsync("INSERT INTO migrations (id) VALUES (@id)", new { id });

    // 001: add admin_level and make every existing user a super admin.
    private static async Task IntroduceAdminLevel(Session s)
    {
        await AddColumnIfMissingAsync(s, "account_users", "admin_level", s.Sql.BigIntType);
        await s.ExecuteAsync("UPDATE account_users SET admin_level = 1");
    }

    // 002: keys and payloads become TEXT. Only MySQL (varchar(255) under GORM v1) needs it; PostgreSQL already has text.
    private static async Task SetColumnSizes(Session s)
    {
        if (s.Sql.Kind != Dialect.MySql) return;
        foreach (var (table, column) in new[]
                 {
                     ("accounts", "public_key"), ("accounts", "encrypted_private_key"),
                     ("account_user_relationships", "password_encrypted_key_encryption_key"),
                     ("account_user_relationships", "email_encrypted_key_encryption_key"),
                     ("account_user_relationships", "one_time_encrypted_key_encryption_key"),
                     ("events", "payload"),
                 })
        {
            await WidenMySqlColumnAsync(s, table, column, "text");
        }
    }

    // 003: salts become versioned strings "{1,} <b64>". Already versioned values are left alone so a repeat is a no-op.
    private static async Task VersionSalts(Session s)
    {
        foreach (var (table, key, column) in new[] { ("account_users", "account_user_id", "salt"), ("accounts", "account_id", "user_salt") })
        {
            var rows = await s.QueryAsync<(string Id, string? Salt)>($"SELECT {key}, {column} FROM {table}");
            foreach (var (id, salt) in rows)
            {
                if (salt is null || salt.StartsWith('{')) continue;
                await s.ExecuteAsync($"UPDATE {table} SET {column} = @salt WHERE {key} = @id", new { id, salt = "{1,} " + salt });
            }
        }
    }

    // 004: the tombstones table, and events.sequence filled with ONE fresh ULID for all existing rows.
    private static async Task AddTombstonesAndSequences(Session s)
    {
        await s.ExecuteAsync(s.Sql.CreateTables[5]);
        await AddColumnIfMissingAsync(s, "events", "sequence", s.Sql.SequenceType);
        await s.ExecuteAsync("UPDATE events SET sequence = @seq WHERE sequence IS NULL OR sequence = ''", new { seq = Ulids.New() });
    }

    // 005: MySQL only, secrets.encrypted_secret becomes TEXT.
    private static Task UpdateSecretsTable(Session s) =>
        s.Sql.Kind == Dialect.MySql ? WidenMySqlColumnAsync(s, "secrets", "encrypted_secret", "text") : Task.CompletedTask;

    // 006: GORM v2 column sizes. Behaviour only changes where GORM v1 left varchar(255) on MySQL for values that may
    // be longer (names, salts, hashes); the sized id columns of v2 are narrower and need no change to work.
    private static async Task GormUpgrade(Session s)
    {
        if (s.Sql.Kind != Dialect.MySql) return;
        foreach (var (table, column) in new[]
                 {
                     ("accounts", "name"), ("accounts", "user_salt"),
                     ("account_users", "hashed_email"), ("account_users", "hashed_password"), ("account_users", "salt"),
                 })
        {
            await WidenMySqlColumnAsync(s, table, column, "longtext");
        }
    }

    // 007: custom CSS of the consent banner.
    private static Task AddAccountStyles(Session s) => AddColumnIfMissingAsync(s, "accounts", "account_styles", s.Sql.TextType);

    private static async Task AddColumnIfMissingAsync(Session s, string table, string column, string type)
    {
        if (await s.ScalarAsync<long>(s.Sql.ColumnExists, new { table, column }) == 0)
            await s.ExecuteAsync($"ALTER TABLE {table} ADD COLUMN {column} {type}");
    }

    private static async Task WidenMySqlColumnAsync(Session s, string table, string column, string type)
    {
        var current = await s.ScalarAsync<string?>(
            "SELECT DATA_TYPE FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = @table AND column_name = @column",
            new { table, column });
        if (current is "varchar" or "char" or "tinytext")
            await s.ExecuteAsync($"ALTER TABLE {table} MODIFY COLUMN {column} {type}");
    }
}
