using System.Collections.Concurrent;
using Offen.Persistence.Dialects;

namespace Offen.Persistence;

/// <summary>
/// Every SQL statement the store runs (server.md §5). One text serves all three dialects; the few dialect bits
/// (IN-list binding, row locks, upsert clauses) are filled in once per store from <see cref="SqlDialect"/>.
/// Names are exactly upstream's (§5.1). ULIDs and sequences are compared as plain strings (§5.7).
/// </summary>
internal sealed class Queries
{
    /// <summary>Keys per IN list; larger sets run in chunks.</summary>
    public const int InListChunk = 500;

    /// <summary>Bound parameters per multi-row INSERT (SQLite allows 32766, PostgreSQL and MySQL 65535).</summary>
    public const int MaxParameters = 2000;

    public static readonly string[] AccountColumns =
        ["account_id", "name", "public_key", "encrypted_private_key", "user_salt", "retired", "account_styles", "created"];

    public static readonly string[] AccountUserColumns =
        ["account_user_id", "hashed_email", "hashed_password", "salt", "admin_level"];

    public static readonly string[] RelationshipColumns =
        ["relationship_id", "account_user_id", "account_id", "password_encrypted_key_encryption_key",
         "email_encrypted_key_encryption_key", "one_time_encrypted_key_encryption_key"];

    public static readonly string[] EventColumns = ["event_id", "sequence", "account_id", "secret_id", "payload"];

    public static readonly string[] TombstoneColumns = ["event_id", "account_id", "secret_id", "sequence"];

    public static readonly string[] SecretColumns = ["secret_id", "encrypted_secret"];

    /// <summary>The six tables of the empty probe (server.md §5.3).</summary>
    public static readonly string[] Tables =
        ["accounts", "account_users", "account_user_relationships", "events", "secrets", "tombstones"];

    /// <summary>Bootstrap clears these (server.md §5.4: not tombstones), rows that point at others first; our cache
    /// tables (docs/adr/0005-shared-caches.md) go with the events they describe.</summary>
    public static readonly string[] BootstrapCleared =
        ["rollups", "cached_secrets", "events", "account_user_relationships", "secrets", "accounts", "account_users"];

    public static readonly string[] CachedSecretColumns = ["account_id", "secret_id", "encrypted_value"];

    public static readonly string[] RollupColumns =
        ["account_id", "rollup_key", "first_event_id", "last_event_id", "event_count", "as_of", "payload"];

    public Queries(SqlDialect sql)
    {
        var inKeys = sql.InKeys;
        var forUpdate = sql.ForUpdate;
        var forShare = sql.ForShare;

        // -- accounts (server.md §5.11)
        AllAccounts = $"SELECT {string.Join(", ", AccountColumns)} FROM accounts ORDER BY account_id";
        AccountById = $"SELECT {string.Join(", ", AccountColumns)} FROM accounts WHERE account_id = @id";
        AccountsByIds = $"SELECT {string.Join(", ", AccountColumns)} FROM accounts WHERE account_id {inKeys}";
        AccountSalts = "SELECT account_id, user_salt FROM accounts";
        AccountRetiredForUpdate = $"SELECT account_id, retired FROM accounts WHERE account_id = @id{forUpdate}";
        // Writers of the shared caches lock their account row FOR UPDATE; everything that tombstones events takes the
        // rows of the accounts it may touch FOR SHARE first. So a cache write and a deletion never interleave: the
        // later one sees what the earlier committed (docs/adr/0005-shared-caches.md).
        AccountFlag = "SELECT account_id, retired FROM accounts WHERE account_id = @id";
        AccountByIdForShare = $"SELECT {string.Join(", ", AccountColumns)} FROM accounts WHERE account_id = @id{forShare}";
        AccountSaltsForShare = $"SELECT account_id, user_salt FROM accounts ORDER BY account_id{forShare}";
        AccountNames = "SELECT name FROM accounts";
        InsertAccount = Insert("accounts", AccountColumns);
        RetireAccount = "UPDATE accounts SET retired = @retired WHERE account_id = @id";
        DeleteRelationshipsOfAccount = "DELETE FROM account_user_relationships WHERE account_id = @id";
        UpdateAccountStyles = "UPDATE accounts SET account_styles = @css WHERE account_id = @id";

        // -- account users and relationships (server.md §5.9, §5.10)
        AllAccountUsers = $"SELECT {string.Join(", ", AccountUserColumns)} FROM account_users ORDER BY account_user_id";
        AccountUserById = $"SELECT {string.Join(", ", AccountUserColumns)} FROM account_users WHERE account_user_id = @id";
        RelationshipsOfUser =
            $"SELECT {string.Join(", ", RelationshipColumns)} FROM account_user_relationships WHERE account_user_id = @id ORDER BY relationship_id";
        UpsertAccountUser = Insert("account_users", AccountUserColumns) + sql.OnConflictUpdate("account_user_id", AccountUserColumns[1..]);
        InsertAccountUser = Insert("account_users", AccountUserColumns);
        UpsertRelationship = Insert("account_user_relationships", RelationshipColumns)
            + sql.OnConflictUpdate("relationship_id", RelationshipColumns[1..]);
        InsertRelationship = Insert("account_user_relationships", RelationshipColumns);

        // -- secrets (server.md §5.6); FOR SHARE / FOR UPDATE make event inserts and parking of one user queue up
        SecretsExistForShare = $"SELECT secret_id FROM secrets WHERE secret_id {inKeys}{forShare}";
        SecretForUpdate = $"SELECT secret_id, encrypted_secret FROM secrets WHERE secret_id = @id{forUpdate}";
        SecretsLockForUpdate = $"SELECT secret_id FROM secrets WHERE secret_id {inKeys}{forUpdate}";
        SecretsByIds = $"SELECT secret_id, encrypted_secret FROM secrets WHERE secret_id {inKeys}";
        InsertSecret = Insert("secrets", SecretColumns);
        UpsertSecret = Insert("secrets", SecretColumns) + sql.OnConflictUpdate("secret_id", ["encrypted_secret"]);
        DeleteSecret = "DELETE FROM secrets WHERE secret_id = @id";

        // -- events and tombstones (server.md §5.5-§5.8)
        TombstoneUpsertSuffix = sql.OnConflictUpdate("event_id", ["account_id", "secret_id", "sequence"]);
        EventsOfSecret = "SELECT event_id, sequence, account_id, secret_id, payload FROM events WHERE secret_id = @id";
        EventsOfSecrets = $"SELECT event_id, sequence, account_id, secret_id, payload FROM events WHERE secret_id {inKeys} ORDER BY event_id";
        EventsOfSecretsSince =
            $"SELECT event_id, sequence, account_id, secret_id, payload FROM events WHERE secret_id {inKeys} AND sequence > @since ORDER BY event_id";
        TombstonesOfSecretsSince = $"SELECT event_id, sequence FROM tombstones WHERE secret_id {inKeys} AND sequence > @since";
        TombstoneEventsOfSecret =
            "INSERT INTO tombstones (event_id, account_id, secret_id, sequence) SELECT event_id, account_id, secret_id, @seq FROM events WHERE secret_id = @id"
            + TombstoneUpsertSuffix;
        TombstoneEventsOfSecrets =
            $"INSERT INTO tombstones (event_id, account_id, secret_id, sequence) SELECT event_id, account_id, secret_id, @seq FROM events WHERE secret_id {inKeys}"
            + TombstoneUpsertSuffix;
        DeleteEventsOfSecret = "DELETE FROM events WHERE secret_id = @id";
        DeleteEventsOfSecrets = $"DELETE FROM events WHERE secret_id {inKeys}";
        // Pages in (sequence, event_id) order, keyed by the last row: each page is one range of
        // idx_events_account_id_sequence, with or without D3's "sequence > since". The keyset is spelled with >= and OR
        // rather than a row comparison, which MySQL cannot use as an index range.
        const string eventColumns = "event_id, sequence, account_id, secret_id, payload";
        AccountEventsFirstPage =
            $"SELECT {eventColumns} FROM events WHERE account_id = @id ORDER BY sequence, event_id LIMIT @limit";
        AccountEventsFirstPageSince =
            $"SELECT {eventColumns} FROM events WHERE account_id = @id AND sequence > @since ORDER BY sequence, event_id LIMIT @limit";
        AccountEventsNextPage =
            $"SELECT {eventColumns} FROM events WHERE account_id = @id AND sequence >= @afterSequence AND (sequence > @afterSequence OR event_id > @afterId) ORDER BY sequence, event_id LIMIT @limit";
        TombstonesOfAccountSince = "SELECT event_id, sequence FROM tombstones WHERE account_id = @id AND sequence > @since";
        // A page cut by our `limit` extension carries only the tombstones up to its last event's sequence.
        TombstonesOfAccountBetween = "SELECT event_id, sequence FROM tombstones WHERE account_id = @id AND sequence > @since AND sequence <= @until";
        TombstoneExpiredEvents =
            "INSERT INTO tombstones (event_id, account_id, secret_id, sequence) SELECT event_id, account_id, secret_id, @seq FROM events WHERE event_id < @deadline"
            + TombstoneUpsertSuffix;
        DeleteExpiredEvents = "DELETE FROM events WHERE event_id < @deadline";
        DeleteExpiredTombstones = "DELETE FROM tombstones WHERE sequence < @deadline";

        // -- shared encrypted caches (docs/adr/0005-shared-caches.md)
        CachedSecretsOfAccount = "SELECT secret_id, encrypted_value FROM cached_secrets WHERE account_id = @id";
        // COALESCE keeps account_id from being used as an index column: SQLite (no statistics) would otherwise scan
        // the account's entries of idx_events_account_id_sequence instead of looking the ids up in idx_events_secret_id.
        SecretIdsWithEventsInAccount = $"SELECT DISTINCT secret_id FROM events WHERE secret_id {inKeys} AND COALESCE(account_id, '') = @id";
        CachedSecretUpsertSuffix = sql.OnConflictUpdate("account_id, secret_id", ["encrypted_value"]);
        DeleteCachedSecretsOfSecrets = $"DELETE FROM cached_secrets WHERE secret_id {inKeys}";
        DeleteCachedSecretOfAccount = "DELETE FROM cached_secrets WHERE account_id = @account AND secret_id = @id";
        DeleteCachedSecretsOfAccount = "DELETE FROM cached_secrets WHERE account_id = @id";
        RollupsOfAccount =
            "SELECT rollup_key, first_event_id, last_event_id, event_count, as_of FROM rollups WHERE account_id = @id ORDER BY first_event_id, rollup_key";
        RollupByKey =
            "SELECT rollup_key, first_event_id, last_event_id, event_count, as_of, payload FROM rollups WHERE account_id = @id AND rollup_key = @key";
        CountEventsInRange = "SELECT count(*) FROM events WHERE account_id = @id AND event_id >= @first AND event_id <= @last";
        EventChangedInRange =
            "SELECT event_id FROM events WHERE account_id = @id AND sequence > @asOf AND event_id >= @first AND event_id <= @last LIMIT 1";
        TombstoneChangedInRange =
            "SELECT event_id FROM tombstones WHERE account_id = @id AND sequence > @asOf AND event_id >= @first AND event_id <= @last LIMIT 1";
        OverlappingRollup =
            "SELECT rollup_key FROM rollups WHERE account_id = @id AND rollup_key <> @key AND first_event_id <= @last AND last_event_id >= @first ORDER BY first_event_id, rollup_key LIMIT 1";
        UpsertRollup = Insert("rollups", RollupColumns) + sql.OnConflictUpdate("account_id, rollup_key", RollupColumns[2..]);
        DeleteRollup = "DELETE FROM rollups WHERE account_id = @id AND rollup_key = @key";
        DeleteRollupsOfAccount = "DELETE FROM rollups WHERE account_id = @id";
        // Deletion (ADR 0005): the rollups holding an id of one operation (sequence @seq). A correlated
        // DELETE ... WHERE EXISTS over the operation's tombstones, or one probe per rollup, depends on the planner
        // picking the one index that bounds the id range, and inside the deleting transaction the statistics know
        // nothing of the tombstones it has just written: measured on PostgreSQL and MariaDB, both then scanned the
        // operation's tombstones once per rollup. So: per account, the span of the operation's ids, the rollups that
        // overlap it, and one ordered read of the ids matched against them in memory.
        TombstoneSpansOfOperation =
            "SELECT account_id, MIN(event_id) AS lo, MAX(event_id) AS hi FROM tombstones WHERE sequence = @seq GROUP BY account_id";
        TombstoneSpanOfOperationInAccount =
            "SELECT MIN(event_id) AS lo, MAX(event_id) AS hi FROM tombstones WHERE sequence = @seq AND account_id = @account";
        EventSpanOfSequenceInAccount =
            "SELECT MIN(event_id) AS lo, MAX(event_id) AS hi FROM events WHERE account_id = @account AND sequence = @seq";
        RollupsOverlapping =
            "SELECT rollup_key, first_event_id, last_event_id FROM rollups WHERE account_id = @account AND last_event_id >= @lo AND first_event_id <= @hi ORDER BY first_event_id";
        TombstoneIdsOfOperationInAccount = "SELECT event_id FROM tombstones WHERE sequence = @seq AND account_id = @account ORDER BY event_id";
        EventIdsOfSequenceInAccount = "SELECT event_id FROM events WHERE account_id = @account AND sequence = @seq ORDER BY event_id";
        // Expiry: the visitors of an account who had events deleted by the operation, the cached secrets among them,
        // and of those the ones still with events. Each step is one index range or lookups on a key.
        AnyCachedSecretOfAccount = "SELECT secret_id FROM cached_secrets WHERE account_id = @account LIMIT 1";
        SecretIdsOfOperationInAccount =
            "SELECT DISTINCT secret_id FROM tombstones WHERE sequence = @seq AND account_id = @account AND secret_id IS NOT NULL";
        CachedSecretIdsIn = $"SELECT secret_id FROM cached_secrets WHERE account_id = @id AND secret_id {inKeys}";
        DeleteCachedSecretsOfAccountIn = $"DELETE FROM cached_secrets WHERE account_id = @id AND secret_id {inKeys}";
        // The account query's "uncovered" mode (ADR 0005): the latest sequence of the snapshot is two MAX probes at
        // the end of (account_id, sequence) indexes; the events between rollups are ranges of the events' primary key,
        // read in event_id order and compared like the rollup count above (same column, same collation).
        MaxEventSequenceOfAccount = "SELECT MAX(sequence) FROM events WHERE account_id = @id";
        MaxTombstoneSequenceOfAccount = "SELECT MAX(sequence) FROM tombstones WHERE account_id = @id";
        string[] Between(string accountTerm)
        {
            var select = $"SELECT {eventColumns} FROM events WHERE {accountTerm}";
            return
            [
                $"{select} ORDER BY event_id LIMIT @limit",
                $"{select} AND event_id > @lo ORDER BY event_id LIMIT @limit",
                $"{select} AND event_id < @hi ORDER BY event_id LIMIT @limit",
                $"{select} AND event_id > @lo AND event_id < @hi ORDER BY event_id LIMIT @limit",
            ];
        }
        _eventsBetweenIds = Between("account_id = @id");
        _eventsBetweenIdsAlongKey = Between(sql.AccountTermAlongEventIds);
        EventsOfAccountUpTo = "SELECT count(*) FROM (SELECT 1 FROM events WHERE account_id = @id LIMIT @cap) x";

        // Event insert: a rollup that reaches up to the ids just inserted no longer counts its range's events.
        DeleteRollupsReachingIds = $"DELETE FROM rollups WHERE account_id {inKeys} AND last_event_id >= @minId AND first_event_id <= @maxId";
    }

    public string AllAccounts { get; }
    public string AccountById { get; }
    public string AccountsByIds { get; }
    public string AccountSalts { get; }
    public string AccountRetiredForUpdate { get; }
    public string AccountNames { get; }
    public string InsertAccount { get; }
    public string RetireAccount { get; }
    public string DeleteRelationshipsOfAccount { get; }
    public string UpdateAccountStyles { get; }
    public string AllAccountUsers { get; }
    public string AccountUserById { get; }
    public string RelationshipsOfUser { get; }
    public string UpsertAccountUser { get; }
    public string InsertAccountUser { get; }
    public string UpsertRelationship { get; }
    public string InsertRelationship { get; }
    public string SecretsExistForShare { get; }
    public string SecretForUpdate { get; }
    public string SecretsLockForUpdate { get; }
    public string SecretsByIds { get; }
    public string InsertSecret { get; }
    public string UpsertSecret { get; }
    public string DeleteSecret { get; }
    public string TombstoneUpsertSuffix { get; }
    public string EventsOfSecret { get; }
    public string EventsOfSecrets { get; }
    public string EventsOfSecretsSince { get; }
    public string TombstonesOfSecretsSince { get; }
    public string TombstoneEventsOfSecret { get; }
    public string TombstoneEventsOfSecrets { get; }
    public string DeleteEventsOfSecret { get; }
    public string DeleteEventsOfSecrets { get; }
    public string AccountEventsFirstPage { get; }
    public string AccountEventsFirstPageSince { get; }
    public string AccountEventsNextPage { get; }
    public string TombstonesOfAccountSince { get; }
    public string TombstonesOfAccountBetween { get; }
    public string TombstoneExpiredEvents { get; }
    public string DeleteExpiredEvents { get; }
    public string DeleteExpiredTombstones { get; }
    public string AccountFlag { get; }
    public string AccountByIdForShare { get; }
    public string AccountSaltsForShare { get; }
    public string CachedSecretsOfAccount { get; }
    public string SecretIdsWithEventsInAccount { get; }
    public string CachedSecretUpsertSuffix { get; }
    public string DeleteCachedSecretsOfSecrets { get; }
    public string DeleteCachedSecretOfAccount { get; }
    public string DeleteCachedSecretsOfAccount { get; }
    public string RollupsOfAccount { get; }
    public string RollupByKey { get; }
    public string CountEventsInRange { get; }
    public string EventChangedInRange { get; }
    public string TombstoneChangedInRange { get; }
    public string OverlappingRollup { get; }
    public string UpsertRollup { get; }
    public string DeleteRollup { get; }
    public string DeleteRollupsOfAccount { get; }
    public string DeleteRollupsReachingIds { get; }
    public string MaxEventSequenceOfAccount { get; }
    public string MaxTombstoneSequenceOfAccount { get; }

    /// <summary>How many events the account has, counting no further than <c>@cap</c> (a range of its index).</summary>
    public string EventsOfAccountUpTo { get; }

    private readonly string[] _eventsBetweenIds;
    private readonly string[] _eventsBetweenIdsAlongKey;

    /// <summary>
    /// The account's events with <c>@lo &lt; event_id &lt; @hi</c> (a null bound is left out) in event id order,
    /// <c>@limit</c> at most. <paramref name="alongKey"/> keeps SQLite on the primary key's range
    /// (<see cref="SqlDialect.AccountTermAlongEventIds"/>); without it, and on PostgreSQL and MySQL, the planner chooses.
    /// </summary>
    public string EventsBetweenIds(string? lo, string? hi, bool alongKey) =>
        (alongKey ? _eventsBetweenIdsAlongKey : _eventsBetweenIds)[(lo is null ? 0 : 1) + (hi is null ? 0 : 2)];

    public string TombstoneSpansOfOperation { get; }
    public string TombstoneSpanOfOperationInAccount { get; }
    public string EventSpanOfSequenceInAccount { get; }
    public string RollupsOverlapping { get; }
    public string TombstoneIdsOfOperationInAccount { get; }
    public string EventIdsOfSequenceInAccount { get; }
    public string AnyCachedSecretOfAccount { get; }
    public string SecretIdsOfOperationInAccount { get; }
    public string CachedSecretIdsIn { get; }
    public string DeleteCachedSecretsOfAccountIn { get; }

    /// <summary><c>INSERT INTO table (a, b) VALUES (@a, @b)</c>, parameters named after the record properties (PascalCase).</summary>
    private static string Insert(string table, IReadOnlyList<string> columns) =>
        $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select(c => "@" + Pascal(c)))})";

    public static string Pascal(string column) =>
        string.Concat(column.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    private static readonly ConcurrentDictionary<(string, int, string), string> MultiRowCache = new();

    /// <summary><c>INSERT INTO t (c0, c1) VALUES (@r0c0, @r0c1), (@r1c0, @r1c1) ...</c>; texts are cached per row count.</summary>
    public static string MultiRowInsert(string table, IReadOnlyList<string> columns, int rows, string suffix) =>
        MultiRowCache.GetOrAdd((table, rows, suffix), key =>
        {
            var sb = new System.Text.StringBuilder();
            sb.Append("INSERT INTO ").Append(key.Item1).Append(" (").Append(string.Join(", ", columns)).Append(") VALUES ");
            for (var r = 0; r < key.Item2; r++)
            {
                if (r > 0) sb.Append(", ");
                sb.Append('(');
                for (var c = 0; c < columns.Count; c++)
                {
                    if (c > 0) sb.Append(", ");
                    sb.Append('@').Append(Session.ParamName(r, c));
                }
                sb.Append(')');
            }
            sb.Append(key.Item3);
            return sb.ToString();
        });
}
