using System.Data;

namespace Offen.Persistence.Dialects;

/// <summary>
/// The small seam where the three databases differ: schema DDL types, upsert syntax, row locks, catalog probes
/// and how a <c>created</c> time is bound. Everything else is one SQL text for all dialects.
/// </summary>
internal abstract class SqlDialect
{
    public abstract Dialect Kind { get; }

    /// <summary>server.md §5.1: the tables as GORM creates them for this dialect (types only; no redundant UNIQUE, no FKs).</summary>
    public abstract IReadOnlyList<string> CreateTables { get; }

    /// <summary><c>migrations</c> as gormigrate creates it.</summary>
    public abstract string CreateMigrationsTable { get; }

    /// <summary>
    /// Our own tables for the shared encrypted caches (docs/adr/0005-shared-caches.md): <c>cached_secrets</c> and
    /// <c>rollups</c>. Keys are case-sensitive on every dialect; on MySQL <paramref name="mysqlCollation"/> is the
    /// collation of <c>events.event_id</c>, so joins against upstream's tables compare like with like.
    /// </summary>
    public abstract IReadOnlyList<string> CreateCacheTables(string? mysqlCollation);

    /// <summary>Appended to a SELECT that reads rows it is about to change, so concurrent writers (another
    /// server process on the same PostgreSQL/MySQL database) queue up. SQLite has one writer anyway.</summary>
    public virtual string ForUpdate => " FOR UPDATE";

    /// <summary>Appended to a SELECT that checks rows another transaction must not delete before this one commits.</summary>
    public abstract string ForShare { get; }

    /// <summary>How a list of keys bound as <c>@keys</c> is matched: Dapper expands <c>IN @keys</c>; PostgreSQL takes one array.</summary>
    public virtual string InKeys => "IN @keys";

    /// <summary>The value bound as <c>@keys</c> for <see cref="InKeys"/>.</summary>
    public virtual object KeysParameter(string[] keys) => keys;

    /// <summary>
    /// The account filter of a read that must go along the events' primary key (<c>event_id</c> ranges in id order,
    /// the "uncovered" account query of docs/adr/0005-shared-caches.md). PostgreSQL and MySQL keep statistics and
    /// choose between that range and <c>idx_events_account_id_sequence</c> by the account's share of the events.
    /// </summary>
    public virtual string AccountTermAlongEventIds => "account_id = @id";

    /// <summary>Isolation for multi-statement reads (account query pages, user query): one consistent snapshot.</summary>
    public virtual IsolationLevel SnapshotIsolation => IsolationLevel.RepeatableRead;

    /// <summary>SQL that keeps a concurrent transaction from inserting accounts until this one ends (duplicate name check, server.md §5.11).</summary>
    public abstract string? LockAccountsForInsert { get; }

    /// <summary>Appended to <c>INSERT ... VALUES/SELECT</c>: on a primary-key conflict, overwrite the given columns.</summary>
    public abstract string OnConflictUpdate(string key, IReadOnlyList<string> columns);

    /// <summary>Count of columns named @column in table @table (0 or 1).</summary>
    public abstract string ColumnExists { get; }

    /// <summary>Count of tables named @table.</summary>
    public abstract string TableExists { get; }

    /// <summary>Count of indexes named @index.</summary>
    public abstract string IndexExists { get; }

    /// <summary>Column type names for columns that migrations add.</summary>
    public abstract string TextType { get; }

    public abstract string SequenceType { get; }

    public abstract string BigIntType { get; }

    /// <summary>How a UTC time is bound for a <c>created</c> column.</summary>
    public abstract object TimeParameter(DateTimeOffset value);

    public static SqlDialect For(Dialect dialect) => dialect switch
    {
        Dialect.Sqlite => new SqliteDialect(),
        Dialect.Postgres => new PostgresDialect(),
        Dialect.MySql => new MySqlDialect(),
        _ => throw new ArgumentOutOfRangeException(nameof(dialect)),
    };
}

internal sealed class SqliteDialect : SqlDialect
{
    public override Dialect Kind => Dialect.Sqlite;

    // GORM's sqlite dialector: string -> text, bool -> numeric, int -> integer, time.Time -> datetime.
    public override IReadOnlyList<string> CreateTables { get; } =
    [
        """
        CREATE TABLE IF NOT EXISTS accounts (
          account_id text, name text, public_key text, encrypted_private_key text, user_salt text,
          retired numeric, account_styles text, created datetime,
          PRIMARY KEY (account_id))
        """,
        """
        CREATE TABLE IF NOT EXISTS account_users (
          account_user_id text, hashed_email text, hashed_password text, salt text, admin_level integer,
          PRIMARY KEY (account_user_id))
        """,
        """
        CREATE TABLE IF NOT EXISTS account_user_relationships (
          relationship_id text, account_user_id text, account_id text,
          password_encrypted_key_encryption_key text, email_encrypted_key_encryption_key text,
          one_time_encrypted_key_encryption_key text,
          PRIMARY KEY (relationship_id))
        """,
        """
        CREATE TABLE IF NOT EXISTS events (
          event_id text, sequence text, account_id text, secret_id text, payload text,
          PRIMARY KEY (event_id))
        """,
        """
        CREATE TABLE IF NOT EXISTS secrets (
          secret_id text, encrypted_secret text,
          PRIMARY KEY (secret_id))
        """,
        """
        CREATE TABLE IF NOT EXISTS tombstones (
          event_id text, account_id text, secret_id text, sequence text,
          PRIMARY KEY (event_id))
        """,
    ];

    public override string CreateMigrationsTable => "CREATE TABLE IF NOT EXISTS migrations (id text, PRIMARY KEY (id))";

    public override IReadOnlyList<string> CreateCacheTables(string? mysqlCollation) =>
    [
        """
        CREATE TABLE IF NOT EXISTS cached_secrets (
          account_id text NOT NULL, secret_id text NOT NULL, encrypted_value text,
          PRIMARY KEY (account_id, secret_id))
        """,
        """
        CREATE TABLE IF NOT EXISTS rollups (
          account_id text NOT NULL, rollup_key text NOT NULL, first_event_id text, last_event_id text,
          event_count integer, as_of text, payload text,
          PRIMARY KEY (account_id, rollup_key))
        """,
    ];

    public override string ForUpdate => "";

    public override string ForShare => "";

    // One JSON text instead of hundreds of expanded parameters: Microsoft.Data.Sqlite binds named parameters one
    // lookup at a time, which made the group commit's secret check the slowest part of a batch.
    public override string InKeys => "IN (SELECT value FROM json_each(@keys))";

    public override object KeysParameter(string[] keys) => System.Text.Json.JsonSerializer.Serialize(keys);

    // SQLite keeps no statistics (the store runs no ANALYZE), and its default estimates always take the account's
    // entries of idx_events_account_id_sequence plus a sort for `account_id = ? AND event_id > ? ... ORDER BY
    // event_id`: every event of the account, those inside rollup ranges included. With the unary + the term cannot
    // use an index, so the read is the primary key's range and stops at the LIMIT. The store takes this form unless
    // the account has few events (OffenStoreOptions.SqliteUncoveredIndexBudget).
    public override string AccountTermAlongEventIds => "+account_id = @id";

    public override IsolationLevel SnapshotIsolation => IsolationLevel.Serializable;

    // BEGIN IMMEDIATE already holds the one write lock.
    public override string? LockAccountsForInsert => null;

    public override string OnConflictUpdate(string key, IReadOnlyList<string> columns) =>
        $" ON CONFLICT ({key}) DO UPDATE SET {string.Join(", ", columns.Select(c => $"{c} = excluded.{c}"))}";

    public override string ColumnExists => "SELECT count(*) FROM pragma_table_info(@table) WHERE name = @column";

    public override string TableExists => "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = @table";

    public override string IndexExists => "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = @index";

    public override string TextType => "text";

    public override string SequenceType => "text";

    public override string BigIntType => "integer";

    // The layout go-sqlite3 writes for time.Time (the first of its SQLiteTimestampFormats), so Go Offen can read it back.
    public override object TimeParameter(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture) + "+00:00";
}

internal sealed class PostgresDialect : SqlDialect
{
    public override Dialect Kind => Dialect.Postgres;

    // GORM's postgres dialector: sized string -> varchar(n), string -> text, bool -> boolean, int -> bigint, time.Time -> timestamptz.
    public override IReadOnlyList<string> CreateTables { get; } =
    [
        """
        CREATE TABLE IF NOT EXISTS accounts (
          account_id varchar(36) NOT NULL, name text, public_key text, encrypted_private_key text, user_salt text,
          retired boolean, account_styles text, created timestamptz,
          PRIMARY KEY (account_id))
        """,
        """
        CREATE TABLE IF NOT EXISTS account_users (
          account_user_id varchar(36) NOT NULL, hashed_email text, hashed_password text, salt text, admin_level bigint,
          PRIMARY KEY (account_user_id))
        """,
        """
        CREATE TABLE IF NOT EXISTS account_user_relationships (
          relationship_id varchar(36) NOT NULL, account_user_id varchar(36), account_id varchar(36),
          password_encrypted_key_encryption_key text, email_encrypted_key_encryption_key text,
          one_time_encrypted_key_encryption_key text,
          PRIMARY KEY (relationship_id))
        """,
        """
        CREATE TABLE IF NOT EXISTS events (
          event_id varchar(26) NOT NULL, sequence varchar(26), account_id varchar(36), secret_id varchar(64), payload text,
          PRIMARY KEY (event_id))
        """,
        """
        CREATE TABLE IF NOT EXISTS secrets (
          secret_id varchar(64) NOT NULL, encrypted_secret text,
          PRIMARY KEY (secret_id))
        """,
        """
        CREATE TABLE IF NOT EXISTS tombstones (
          event_id text NOT NULL, account_id varchar(36), secret_id varchar(64), sequence varchar(26),
          PRIMARY KEY (event_id))
        """,
    ];

    public override string CreateMigrationsTable => "CREATE TABLE IF NOT EXISTS migrations (id varchar(255) NOT NULL, PRIMARY KEY (id))";

    public override IReadOnlyList<string> CreateCacheTables(string? mysqlCollation) =>
    [
        """
        CREATE TABLE IF NOT EXISTS cached_secrets (
          account_id varchar(36) NOT NULL, secret_id varchar(64) NOT NULL, encrypted_value text,
          PRIMARY KEY (account_id, secret_id))
        """,
        """
        CREATE TABLE IF NOT EXISTS rollups (
          account_id varchar(36) NOT NULL, rollup_key varchar(64) NOT NULL, first_event_id varchar(26), last_event_id varchar(26),
          event_count bigint, as_of varchar(26), payload text,
          PRIMARY KEY (account_id, rollup_key))
        """,
    ];

    public override string ForShare => " FOR SHARE";

    public override string InKeys => "= ANY(@keys)";

    public override string? LockAccountsForInsert => "LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE";

    public override string OnConflictUpdate(string key, IReadOnlyList<string> columns) =>
        $" ON CONFLICT ({key}) DO UPDATE SET {string.Join(", ", columns.Select(c => $"{c} = excluded.{c}"))}";

    public override string ColumnExists =>
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @table AND column_name = @column";

    public override string TableExists =>
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = @table";

    public override string IndexExists =>
        "SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = @index";

    public override string TextType => "text";

    public override string SequenceType => "varchar(26)";

    public override string BigIntType => "bigint";

    // Npgsql writes timestamptz only from UTC values.
    public override object TimeParameter(DateTimeOffset value) => value.UtcDateTime;
}

internal sealed class MySqlDialect : SqlDialect
{
    public override Dialect Kind => Dialect.MySql;

    // GORM's mysql dialector: sized string -> varchar(n), string -> longtext (varchar(191) as a key), bool -> boolean
    // (= tinyint(1)), int -> bigint, time.Time -> datetime(3). utf8mb4 so names and CSS keep every character.
    public override IReadOnlyList<string> CreateTables { get; } =
    [
        """
        CREATE TABLE IF NOT EXISTS accounts (
          account_id varchar(36) NOT NULL, name longtext, public_key text, encrypted_private_key text, user_salt longtext,
          retired tinyint(1), account_styles text, created datetime(3) NULL,
          PRIMARY KEY (account_id)) DEFAULT CHARSET=utf8mb4
        """,
        """
        CREATE TABLE IF NOT EXISTS account_users (
          account_user_id varchar(36) NOT NULL, hashed_email longtext, hashed_password longtext, salt longtext, admin_level bigint,
          PRIMARY KEY (account_user_id)) DEFAULT CHARSET=utf8mb4
        """,
        """
        CREATE TABLE IF NOT EXISTS account_user_relationships (
          relationship_id varchar(36) NOT NULL, account_user_id varchar(36), account_id varchar(36),
          password_encrypted_key_encryption_key text, email_encrypted_key_encryption_key text,
          one_time_encrypted_key_encryption_key text,
          PRIMARY KEY (relationship_id)) DEFAULT CHARSET=utf8mb4
        """,
        """
        CREATE TABLE IF NOT EXISTS events (
          event_id varchar(26) NOT NULL, sequence varchar(26), account_id varchar(36), secret_id varchar(64), payload text,
          PRIMARY KEY (event_id)) DEFAULT CHARSET=utf8mb4
        """,
        """
        CREATE TABLE IF NOT EXISTS secrets (
          secret_id varchar(64) NOT NULL, encrypted_secret text,
          PRIMARY KEY (secret_id)) DEFAULT CHARSET=utf8mb4
        """,
        """
        CREATE TABLE IF NOT EXISTS tombstones (
          event_id varchar(191) NOT NULL, account_id varchar(36), secret_id varchar(64), sequence varchar(26),
          PRIMARY KEY (event_id)) DEFAULT CHARSET=utf8mb4
        """,
    ];

    public override string CreateMigrationsTable =>
        "CREATE TABLE IF NOT EXISTS migrations (id varchar(255) NOT NULL, PRIMARY KEY (id)) DEFAULT CHARSET=utf8mb4";

    // The table collation follows events.event_id: MySQL refuses to compare columns of one charset with different
    // collations ("Illegal mix of collations"), and the purge/expiry/parking statements join rollups and
    // cached_secrets against events and tombstones, which an upstream database may have made with any default.
    // rollup_key is binary, so "Day" and "day" are two keys as on SQLite and PostgreSQL.
    public override IReadOnlyList<string> CreateCacheTables(string? mysqlCollation)
    {
        var collation = mysqlCollation is { Length: > 0 } c && IsSafeName(c) ? c : null;
        var charset = collation is null ? "utf8mb4" : collation[..collation.IndexOf('_')];
        var table = collation is null ? "DEFAULT CHARSET=utf8mb4" : $"DEFAULT CHARSET={charset} COLLATE={collation}";
        return
        [
            $"""
            CREATE TABLE IF NOT EXISTS cached_secrets (
              account_id varchar(36) NOT NULL, secret_id varchar(64) NOT NULL, encrypted_value text,
              PRIMARY KEY (account_id, secret_id)) {table}
            """,
            $"""
            CREATE TABLE IF NOT EXISTS rollups (
              account_id varchar(36) NOT NULL, rollup_key varchar(64) COLLATE {charset}_bin NOT NULL,
              first_event_id varchar(26), last_event_id varchar(26), event_count bigint, as_of varchar(26), payload longtext,
              PRIMARY KEY (account_id, rollup_key)) {table}
            """,
        ];
    }

    private static bool IsSafeName(string name) => name.Contains('_') && name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_');

    // MariaDB has no FOR SHARE; LOCK IN SHARE MODE works on MariaDB and MySQL 8.
    public override string ForShare => " LOCK IN SHARE MODE";

    // Writes run at READ COMMITTED, where InnoDB takes no gap locks, so locking the (maybe empty) accounts table
    // would not stop a concurrent insert. Instead account creators queue on one row lock: the SCHEMA_INIT row of
    // gormigrate's table, which every migrated database has.
    public override string? LockAccountsForInsert => "SELECT id FROM migrations WHERE id = 'SCHEMA_INIT' FOR UPDATE";

    public override string OnConflictUpdate(string key, IReadOnlyList<string> columns) =>
        $" ON DUPLICATE KEY UPDATE {string.Join(", ", columns.Select(c => $"{c} = VALUES({c})"))}";

    public override string ColumnExists =>
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = @table AND column_name = @column";

    public override string TableExists =>
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = @table";

    public override string IndexExists =>
        "SELECT count(*) FROM information_schema.statistics WHERE table_schema = DATABASE() AND index_name = @index";

    public override string TextType => "text";

    public override string SequenceType => "varchar(26)";

    public override string BigIntType => "bigint";

    // datetime(3) has no zone; the store always writes and reads it as UTC (go-sql-driver's default loc=UTC).
    public override object TimeParameter(DateTimeOffset value) => value.UtcDateTime;
}
