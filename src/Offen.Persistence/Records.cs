namespace Offen.Persistence;

/// <summary>The three databases upstream Offen supports (server.md §5).</summary>
public enum Dialect
{
    Sqlite,
    Postgres,
    MySql,
}

/// <summary>A row of <c>accounts</c> (server.md §5.1).</summary>
public sealed record AccountRecord(
    string AccountId,
    string Name,
    string PublicKey,
    string EncryptedPrivateKey,
    string UserSalt,
    bool Retired,
    string AccountStyles,
    DateTimeOffset Created);

/// <summary>A row of <c>account_users</c> (server.md §5.1). <c>HashedPassword</c> is <c>""</c> for an invitee who has not joined.</summary>
public sealed record AccountUserRecord(
    string AccountUserId,
    string HashedEmail,
    string HashedPassword,
    string Salt,
    long AdminLevel);

/// <summary>
/// A row of <c>account_user_relationships</c> (server.md §5.1). A <c>""</c> password-encrypted key marks a
/// pending invitation (server.md §11.16).
/// </summary>
public sealed record RelationshipRecord(
    string RelationshipId,
    string AccountUserId,
    string AccountId,
    string PasswordEncryptedKeyEncryptionKey,
    string EmailEncryptedKeyEncryptionKey,
    string OneTimeEncryptedKeyEncryptionKey);

/// <summary>A row of <c>events</c>; <c>SecretId</c> null means anonymous (server.md §5.1).</summary>
public sealed record EventRecord(string EventId, string Sequence, string AccountId, string? SecretId, string Payload);

/// <summary>The user query (server.md §5.7). <c>DeletedEventIds</c> is filled only when <c>since</c> was given.</summary>
public sealed record UserEventsResult(
    IReadOnlyDictionary<string, IReadOnlyList<EventRecord>> EventsByAccount,
    IReadOnlyList<string> DeletedEventIds,
    string? Sequence);

/// <summary>
/// The account (operator) query (server.md §5.7, README D3). <c>Secrets</c> maps secret id to encrypted secret
/// for the secrets referenced by <c>Events</c> only (server.md §11.10).
/// </summary>
public sealed record AccountEventsResult(
    AccountRecord Account,
    IReadOnlyList<EventRecord> Events,
    IReadOnlyList<string> DeletedEventIds,
    string? Sequence,
    IReadOnlyDictionary<string, string> Secrets);

/// <summary>
/// The account query's "uncovered" mode (our extension, docs/adr/0005-shared-caches.md): the account's rollups (metadata
/// only, by first event id), the events no rollup range holds in event id order, the secrets of those events only, the
/// snapshot's latest sequence over the account's events and tombstones (null when there is none), and
/// <c>Next</c>, the last returned event id when more uncovered events follow (only with a limit).
/// </summary>
public sealed record UncoveredEventsResult(
    AccountRecord Account,
    IReadOnlyList<RollupRecord> Rollups,
    IReadOnlyList<EventRecord> Events,
    string? Sequence,
    IReadOnlyDictionary<string, string> Secrets,
    string? Next);

/// <summary>An event to insert (server.md §5.5). <c>UserId</c> <c>""</c> stores an anonymous event (secret_id NULL);
/// <c>EventId</c> is only given by the demo seeder (a ULID for a past time).</summary>
public sealed record NewEvent(string AccountId, string UserId, string Payload, string? EventId = null);

/// <summary>
/// A row of <c>rollups</c> (docs/adr/0005-shared-caches.md): an operator browser's encrypted summary of the account's
/// events with <c>FirstEventId &lt;= event_id &lt;= LastEventId</c>, as of the sequence <c>AsOf</c>. The server never
/// reads <c>Payload</c>; it is null when only the metadata was asked for.
/// </summary>
public sealed record RollupRecord(string Key, string FirstEventId, string LastEventId, long EventCount, string AsOf, string? Payload);

/// <summary>What <see cref="OffenStore.PutRollupAsync"/> did; every outcome but <see cref="Stored"/> left the table unchanged.</summary>
public enum RollupPutOutcome
{
    Stored,

    /// <summary>The account has a different number of events in the range than the rollup claims.</summary>
    CountMismatch,

    /// <summary>An event or tombstone in the range has a sequence after the rollup's <c>AsOf</c>.</summary>
    Stale,

    /// <summary>Another rollup of the account (<see cref="RollupPutResult.OverlappingKey"/>) overlaps the range.</summary>
    Overlap,
}

public sealed record RollupPutResult(RollupPutOutcome Outcome, string? OverlappingKey = null);

/// <summary>Tuning knobs; the defaults fit the server.</summary>
/// <param name="CommandTimeout">Per-command timeout; null keeps the driver default.</param>
/// <param name="MaxInsertBatch">Group commit: how many waiting event inserts one transaction takes at most.</param>
/// <param name="AccountQueryPageSize">Rows per page when the account query reads events (server.md §5.7 pages by 500).</param>
/// <param name="SqliteBusyTimeout">How long SQLite waits for a lock held by another connection or process.</param>
/// <param name="SqliteSynchronousFull">SQLite <c>synchronous=FULL</c> (a commit survives power loss, upstream's default)
/// rather than NORMAL (survives a crash of the process, not of the machine; about 1.5x the insert rate).</param>
public sealed record OffenStoreOptions(
    TimeSpan? CommandTimeout = null,
    int MaxInsertBatch = 256,
    int AccountQueryPageSize = 1000,
    TimeSpan? SqliteBusyTimeout = null,
    bool SqliteSynchronousFull = true)
{
    /// <summary>How often SQLite's WAL is checkpointed beside the writer.</summary>
    public TimeSpan SqliteCheckpointInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>SQLite, uncovered account query (docs/adr/0005-shared-caches.md): how many of the account's index entries
    /// it may read over all uncovered ranges before it reads the primary key's ranges instead (about 20–40 ms of work).
    /// Tests lower it to take the other path.</summary>
    internal long SqliteUncoveredIndexBudget { get; init; } = 200_000;

    /// <summary>Test seam: called with a step name inside write transactions (e.g. <c>park:copied</c>); throwing aborts the operation.</summary>
    internal Func<string, Task>? StepHook { get; init; }
}

/// <summary>Base of every error the store raises on purpose; database driver errors pass through unchanged.</summary>
public class StoreException : Exception
{
    public StoreException(string message) : base(message)
    {
    }

    public StoreException(string message, Exception? innerException) : base(message, innerException)
    {
    }
}

/// <summary>The account does not exist, or is retired where it must be active (router: 404).</summary>
public sealed class UnknownAccountException : StoreException
{
    public UnknownAccountException(string accountId)
        : base("persistence: unknown account")
    {
        AccountId = accountId;
    }

    public string AccountId { get; }
}

/// <summary>No secret is stored for hash(userId, salt) (server.md §5.5; router: 400, which makes the vault re-exchange).</summary>
public sealed class UnknownSecretException : StoreException
{
    public UnknownSecretException()
        : base("persistence: unknown secret")
    {
    }
}

/// <summary>server.md §5.4: bootstrap without force on a database that is not empty.</summary>
public sealed class WouldOverwriteException : StoreException
{
    public WouldOverwriteException()
        : base("persistence: action would overwrite existing data - not allowed")
    {
    }
}

/// <summary>server.md §5.11: an account (retired ones included) already has exactly this name.</summary>
public sealed class DuplicateAccountNameException : StoreException
{
    public DuplicateAccountNameException()
        : base("persistence: an account with this name already exists")
    {
    }
}

/// <summary>A value is larger than the database accepts in one statement (MySQL's <c>max_allowed_packet</c>).</summary>
public sealed class ValueTooLargeException : StoreException
{
    public ValueTooLargeException(long limitBytes)
        : base($"persistence: value exceeds what the database accepts in one statement (max_allowed_packet = {limitBytes} bytes)")
    {
        LimitBytes = limitBytes;
    }

    public long LimitBytes { get; }
}
