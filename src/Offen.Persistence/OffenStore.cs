using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;
using Offen.Persistence.Dialects;
using Offen.Persistence.Migrations;

namespace Offen.Persistence;

/// <summary>
/// The one data-access path of the server (server.md §5): Dapper over Microsoft.Data.Sqlite, Npgsql or
/// MySqlConnector with hand-written SQL (<see cref="Queries"/>). Every multi-statement change runs in one
/// transaction that is always rolled back on failure (server.md §11.42). On SQLite all writes share one writer
/// connection (upstream runs SQLite with a single connection), reads use pooled connections under WAL.
/// Event inserts go through a group commit (<see cref="EventBatcher"/>).
/// </summary>
public sealed partial class OffenStore : IAsyncDisposable
{
    private readonly SqlDialect _sql;
    private readonly Queries _q;
    private readonly OffenStoreOptions _options;
    private readonly string _connectionString;
    private readonly DbDataSource? _dataSource;
    private readonly SemaphoreSlim _writerLock = new(1, 1);
    private readonly bool _sqliteSingleConnection;
    private readonly EventBatcher _batcher;
    private SqliteConnection? _writer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _checkpointer = Task.CompletedTask;
    private int _writesSinceCheckpoint;
    private int _disposing;
    private int _disposed;

    private OffenStore(Dialect dialect, string adoNet, OffenStoreOptions options)
    {
        RowMaps.Register();
        _sql = SqlDialect.For(dialect);
        _q = new Queries(_sql);
        _options = options;
        switch (dialect)
        {
            case Dialect.Sqlite:
            {
                var b = new SqliteConnectionStringBuilder(adoNet)
                {
                    // server.md §5.1: no foreign keys on SQLite.
                    ForeignKeys = false,
                    Pooling = true,
                    DefaultTimeout = (int)Math.Ceiling(BusyTimeout.TotalSeconds),
                };
                _sqliteSingleConnection = b.Mode == SqliteOpenMode.Memory || b.DataSource is "" or ":memory:";
                _connectionString = b.ConnectionString;
                break;
            }
            case Dialect.Postgres:
            {
                var b = new NpgsqlConnectionStringBuilder(adoNet);
                if (options.CommandTimeout is { } t) b.CommandTimeout = (int)Math.Ceiling(t.TotalSeconds);
                _connectionString = b.ConnectionString;
                _dataSource = NpgsqlDataSource.Create(_connectionString);
                break;
            }
            case Dialect.MySql:
            {
                var b = new MySqlConnectionStringBuilder(adoNet)
                {
                    // Upstream databases may hold zero dates in datetime columns; read them as DateTime.MinValue.
                    ConvertZeroDateTime = true,
                    // UPDATE counts matched rows, not changed ones.
                    UseAffectedRows = false,
                };
                if (options.CommandTimeout is { } t) b.DefaultCommandTimeout = (uint)Math.Ceiling(t.TotalSeconds);
                _connectionString = b.ConnectionString;
                _dataSource = new MySqlDataSource(_connectionString);
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(dialect));
        }
        _batcher = new EventBatcher(ProcessInsertBatchAsync, Math.Max(1, options.MaxInsertBatch));
        if (dialect == Dialect.Sqlite && !_sqliteSingleConnection) _checkpointer = Task.Run(CheckpointLoopAsync);
    }

    /// <summary>Opens a store (lazily; nothing connects yet). <paramref name="connectionString"/> may be in any form <see cref="ConnectionStrings"/> accepts.</summary>
    public static OffenStore Open(Dialect dialect, string connectionString, OffenStoreOptions? options = null) =>
        new(dialect, ConnectionStrings.ToAdoNet(dialect, connectionString), options ?? new OffenStoreOptions());

    public Dialect Dialect => _sql.Kind;

    private TimeSpan BusyTimeout => _options.SqliteBusyTimeout ?? TimeSpan.FromSeconds(5);

    /// <summary>server.md §9.1: a round trip to the database; throws when it is unreachable (healthz answers 502).</summary>
    public Task PingAsync(CancellationToken ct = default) =>
        ReadAsync(async s => await s.ScalarAsync<long>("SELECT 1"), snapshot: false, ct);

    /// <summary>server.md §5.2: brings the schema up to date, keeping upstream's migration ids; safe to re-run.</summary>
    public Task MigrateAsync(CancellationToken ct = default) =>
        WriteAsync(s => Migrator.RunAsync(s), ct);

    /// <summary>server.md §5.3: true only when all six tables exist and have no rows. Any error, a missing table or
    /// an unreachable database alike, means "not empty".</summary>
    public async Task<bool> IsEmptyAsync(CancellationToken ct = default)
    {
        try
        {
            return await ReadAsync(async s =>
            {
                foreach (var table in Queries.Tables)
                {
                    if (await s.ScalarAsync<long>($"SELECT count(*) FROM {table}") != 0) return false;
                }
                return true;
            }, snapshot: false, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return false;
        }
    }

    // ------------------------------------------------------------------ connections and transactions

    private async Task<SqliteConnection> SqliteWriterAsync(CancellationToken ct)
    {
        if (_writer is { State: ConnectionState.Open } open) return open;
        if (_writer is not null) await DiscardWriterAsync();
        var c = new SqliteConnection(_connectionString);
        await c.OpenAsync(ct);
        try
        {
            await using var cmd = c.CreateCommand();
            // WAL lets readers run beside the one writer; FULL (upstream's default) makes a commit durable.
            cmd.CommandText =
                $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA foreign_keys = OFF; " +
                $"PRAGMA synchronous = {(_options.SqliteSynchronousFull ? "FULL" : "NORMAL")}; " +
                // Checkpoints run beside the writer (see CheckpointLoopAsync); this is only a backstop (~40 MB of WAL).
                "PRAGMA wal_autocheckpoint = 10000;";
            await cmd.ExecuteNonQueryAsync(ct);
            if (!_sqliteSingleConnection)
            {
                cmd.CommandText = "PRAGMA journal_mode = WAL";
                await cmd.ExecuteScalarAsync(ct);
            }
        }
        catch
        {
            await c.DisposeAsync();
            throw;
        }
        _writer = c;
        return c;
    }

    private async Task DiscardWriterAsync()
    {
        var w = _writer;
        _writer = null;
        if (w is null) return;
        try
        {
            await w.DisposeAsync();
        }
        catch (Exception)
        {
            // A broken connection may fail to close; it is gone either way.
        }
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }

    /// <summary>
    /// Runs <paramref name="body"/> in one write transaction and commits. On any failure the transaction is rolled
    /// back (server.md §11.42); if even that fails, the SQLite writer connection is discarded so no half-open
    /// transaction can block later writes.
    /// </summary>
    internal async Task<T> WriteAsync<T>(Func<Session, Task<T>> body, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_sql.Kind == Dialect.Sqlite)
        {
            await _writerLock.WaitAsync(ct);
            try
            {
                var conn = await SqliteWriterAsync(ct);
                // BEGIN IMMEDIATE: take the write lock up front, so a busy database fails early, not at COMMIT.
                var tx = conn.BeginTransaction(deferred: false);
                Volatile.Write(ref _writesSinceCheckpoint, 1);
                return await InTransactionAsync(conn, tx, body, ct);
            }
            finally
            {
                _writerLock.Release();
            }
        }
        for (var attempt = 0; ; attempt++)
        {
            var committing = new StrongBox<bool>();
            DbConnection? c = null;
            try
            {
                c = await _dataSource!.OpenConnectionAsync(ct);
                var t = await c.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
                return await InTransactionAsync(c, t, body, ct, committing);
            }
            catch (Exception e) when (attempt == 0 && c is not null && !committing.Value && IsDeadPooledConnection(e))
            {
                // The server dropped the session before COMMIT was sent, so nothing of this transaction was written
                // and running it again on a fresh connection is safe (see IsDeadPooledConnection).
                ClearIdleConnections();
            }
            finally
            {
                if (c is not null) await c.DisposeAsync();
            }
        }
    }

    internal Task WriteAsync(Func<Session, Task> body, CancellationToken ct) =>
        WriteAsync<bool>(async s =>
        {
            await body(s);
            return true;
        }, ct);

    private async Task<T> InTransactionAsync<T>(DbConnection conn, DbTransaction tx, Func<Session, Task<T>> body, CancellationToken ct,
        StrongBox<bool>? committing = null)
    {
        try
        {
            var result = await body(new Session(conn, tx, _sql, _options, ct));
            // From here on a failure is ambiguous (the commit may have happened): no retry.
            if (committing is not null) committing.Value = true;
            await tx.CommitAsync(CancellationToken.None);
            return result;
        }
        catch
        {
            try
            {
                await tx.RollbackAsync(CancellationToken.None);
            }
            catch (Exception)
            {
                if (conn == _writer) await DiscardWriterAsync();
            }
            throw;
        }
        finally
        {
            await tx.DisposeAsync();
        }
    }

    /// <summary>Reads on a pooled connection; with <paramref name="snapshot"/> all statements see one consistent state.</summary>
    internal async Task<T> ReadAsync<T>(Func<Session, Task<T>> body, bool snapshot, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_sqliteSingleConnection)
        {
            // An in-memory database exists only inside its one connection: reads queue behind writes.
            await _writerLock.WaitAsync(ct);
            try
            {
                var conn = await SqliteWriterAsync(ct);
                return await ReadOnAsync(conn, snapshot ? conn.BeginTransaction(deferred: true) : null, body, ct);
            }
            finally
            {
                _writerLock.Release();
            }
        }
        if (_sql.Kind == Dialect.Sqlite)
        {
            await using var conn = new SqliteConnection(_connectionString);
            await conn.OpenAsync(ct);
            return await ReadOnAsync(conn, snapshot ? conn.BeginTransaction(deferred: true) : null, body, ct);
        }
        for (var attempt = 0; ; attempt++)
        {
            DbConnection? c = null;
            try
            {
                c = await _dataSource!.OpenConnectionAsync(ct);
                var tx = snapshot ? await c.BeginTransactionAsync(_sql.SnapshotIsolation, ct) : null;
                return await ReadOnAsync(c, tx, body, ct);
            }
            catch (Exception e) when (attempt == 0 && c is not null && IsDeadPooledConnection(e))
            {
                ClearIdleConnections();
            }
            finally
            {
                if (c is not null) await c.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// PostgreSQL: a pooled connection whose server session is gone, because the database was restarted while the
    /// connection sat idle in the pool. Npgsql hands such connections out unchecked and does not clear its pool when
    /// one breaks (npgsql/npgsql#5073), so after a restart every idle connection would fail one request. Issue 6
    /// item 2 wants everything to work again without restarting offen: the store drops the idle connections and runs
    /// the operation once more. Only errors that mean "the session ended" count (an admin or crash shutdown, or the
    /// socket closing); MySqlConnector already checks a pooled connection when it hands it out.
    /// </summary>
    private bool IsDeadPooledConnection(Exception e) =>
        _sql.Kind == Dialect.Postgres && e switch
        {
            PostgresException p => p.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown,
            NpgsqlException { InnerException: IOException or System.Net.Sockets.SocketException } => true,
            _ => false,
        };

    private void ClearIdleConnections()
    {
        if (_dataSource is NpgsqlDataSource npgsql) npgsql.Clear();
    }

    private async Task<T> ReadOnAsync<T>(DbConnection conn, DbTransaction? tx, Func<Session, Task<T>> body, CancellationToken ct)
    {
        try
        {
            return await body(new Session(conn, tx, _sql, _options, ct));
        }
        finally
        {
            if (tx is not null)
            {
                try
                {
                    await tx.RollbackAsync(CancellationToken.None);
                }
                catch (Exception)
                {
                    if (conn == _writer) await DiscardWriterAsync();
                }
                await tx.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// SQLite: copies the WAL back into the database file once a second on a connection of its own, with a PASSIVE
    /// checkpoint that never blocks the writer. Left to the writer (SQLite's default auto-checkpoint), this work sat
    /// on the group commit's critical path and cost about a third of its throughput (ADR 0002).
    /// </summary>
    private async Task CheckpointLoopAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(_options.SqliteCheckpointInterval, _stopping.Token).ConfigureAwait(false);
                if (Interlocked.Exchange(ref _writesSinceCheckpoint, 0) == 0) continue;
                try
                {
                    await using var conn = new SqliteConnection(_connectionString);
                    await conn.OpenAsync(_stopping.Token).ConfigureAwait(false);
                    await using var cmd = conn.CreateCommand();
                    cmd.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                    await cmd.ExecuteNonQueryAsync(_stopping.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SqliteException or InvalidOperationException or IOException)
                {
                    // Not fatal: the next round (or the writer's auto-checkpoint backstop) catches up.
                    Volatile.Write(ref _writesSinceCheckpoint, 1);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // disposing
        }
    }

    /// <summary>Finishes queued event inserts, then closes every connection this store opened.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposing, 1) != 0) return;
        // Queued inserts still commit (their callers were promised "committed or failed").
        await _batcher.DisposeAsync();
        await _stopping.CancelAsync();
        await _checkpointer;
        _stopping.Dispose();
        Volatile.Write(ref _disposed, 1);
        await _writerLock.WaitAsync();
        try
        {
            await DiscardWriterAsync();
            if (_sql.Kind == Dialect.Sqlite) SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
        }
        finally
        {
            _writerLock.Release();
        }
        if (_dataSource is not null) await _dataSource.DisposeAsync();
    }
}
