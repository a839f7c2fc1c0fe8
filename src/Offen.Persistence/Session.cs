using System.Data.Common;
using Dapper;
using Offen.Persistence.Dialects;

namespace Offen.Persistence;

/// <summary>One connection (and, for writes, one open transaction) handed to a store operation.</summary>
internal sealed class Session(DbConnection connection, DbTransaction? transaction, SqlDialect sql, OffenStoreOptions options, CancellationToken ct)
{
    public SqlDialect Sql { get; } = sql;

    public DbConnection Connection { get; } = connection;

    public DbTransaction? Transaction { get; } = transaction;

    private int? Timeout => options.CommandTimeout is { } t ? (int)Math.Ceiling(t.TotalSeconds) : null;

    private CommandDefinition Command(string text, object? param) =>
        new(text, param, Transaction, Timeout, cancellationToken: ct);

    public Task<int> ExecuteAsync(string text, object? param = null) => Connection.ExecuteAsync(Command(text, param));

    public async Task<List<T>> QueryAsync<T>(string text, object? param = null) =>
        (await Connection.QueryAsync<T>(Command(text, param))).AsList();

    /// <summary>Rows as the reader yields them, without buffering the whole result (for long ordered reads).</summary>
    public IAsyncEnumerable<T> QueryUnbufferedAsync<T>(string text, object? param = null) =>
        Connection.QueryUnbufferedAsync<T>(text, param, Transaction, Timeout);

    public Task<T?> QuerySingleOrDefaultAsync<T>(string text, object? param = null) =>
        Connection.QuerySingleOrDefaultAsync<T>(Command(text, param));

    public Task<T?> ScalarAsync<T>(string text, object? param = null) => Connection.ExecuteScalarAsync<T>(Command(text, param));

    /// <summary>Runs a query once per chunk of <paramref name="keys"/> (bound as <c>@keys</c>, expanded by Dapper), so IN lists stay small.</summary>
    public async Task<List<T>> QueryChunkedAsync<T>(string text, IReadOnlyCollection<string> keys, object? extra = null)
    {
        var result = new List<T>();
        foreach (var chunk in keys.Chunk(Queries.InListChunk))
        {
            var p = new DynamicParameters(extra);
            p.Add("keys", Sql.KeysParameter(chunk));
            result.AddRange(await Connection.QueryAsync<T>(Command(text, p)));
        }
        return result;
    }

    public async Task<int> ExecuteChunkedAsync(string text, IReadOnlyCollection<string> keys, object? extra = null)
    {
        var n = 0;
        foreach (var chunk in keys.Chunk(Queries.InListChunk))
        {
            var p = new DynamicParameters(extra);
            p.Add("keys", Sql.KeysParameter(chunk));
            n += await Connection.ExecuteAsync(Command(text, p));
        }
        return n;
    }

    /// <summary>
    /// <c>INSERT INTO table (columns) VALUES (...), (...)</c> in chunks; <paramref name="suffix"/> is appended
    /// (an upsert clause). Multi-row statements keep group commit at a few round trips per batch on PostgreSQL and
    /// MySQL; SQLite inserts row by row (<see cref="InsertEachAsync"/>).
    /// </summary>
    public async Task InsertRowsAsync(string table, IReadOnlyList<string> columns, IReadOnlyList<object?[]> rows, string suffix = "")
    {
        if (Sql.Kind == Dialect.Sqlite)
        {
            await InsertEachAsync(table, columns, rows, suffix);
            return;
        }
        var perStatement = Math.Max(1, Queries.MaxParameters / columns.Count);
        for (var start = 0; start < rows.Count; start += perStatement)
        {
            var count = Math.Min(perStatement, rows.Count - start);
            var p = new DynamicParameters();
            for (var r = 0; r < count; r++)
            {
                var row = rows[start + r];
                for (var c = 0; c < columns.Count; c++) p.Add(ParamName(r, c), row[c]);
            }
            await Connection.ExecuteAsync(Command(Queries.MultiRowInsert(table, columns, count, suffix), p));
        }
    }

    /// <summary>
    /// SQLite: one prepared single-row statement, re-bound per row; returns each row's change count (0 when an
    /// <c>ON CONFLICT ... DO NOTHING</c> suffix skipped it). SQLite has no round trips to save, and Microsoft.Data.Sqlite
    /// binds named parameters one lookup at a time, so this is ~5x faster than multi-row VALUES (ADR 0002).
    /// </summary>
    public Task<int[]> InsertEachAsync(string table, IReadOnlyList<string> columns, IReadOnlyList<object?[]> rows, string suffix = "")
    {
        using var cmd = Connection.CreateCommand();
        cmd.Transaction = Transaction;
        if (Timeout is { } seconds) cmd.CommandTimeout = seconds;
        cmd.CommandText = Queries.MultiRowInsert(table, columns, 1, suffix);
        var parameters = new DbParameter[columns.Count];
        for (var c = 0; c < columns.Count; c++)
        {
            parameters[c] = cmd.CreateParameter();
            parameters[c].ParameterName = "@" + ParamName(0, c);
            cmd.Parameters.Add(parameters[c]);
        }
        var changed = new int[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            ct.ThrowIfCancellationRequested();
            for (var c = 0; c < columns.Count; c++) parameters[c].Value = rows[r][c] ?? DBNull.Value;
            // Microsoft.Data.Sqlite runs synchronously anyway; the async overload would only add a Task per row.
            changed[r] = cmd.ExecuteNonQuery();
        }
        return Task.FromResult(changed);
    }

    internal static string ParamName(int row, int column) => $"r{row}c{column}";

    /// <summary>Test seam (see <see cref="OffenStoreOptions.StepHook"/>).</summary>
    public Task StepAsync(string step) => options.StepHook is { } hook ? hook(step) : Task.CompletedTask;

    /// <summary>Savepoints isolate one failing statement inside a batch transaction (all three dialects speak this SQL).</summary>
    public Task SavepointAsync(string name) => ExecuteAsync($"SAVEPOINT {name}");

    public Task ReleaseAsync(string name) => ExecuteAsync($"RELEASE SAVEPOINT {name}");

    public async Task RollbackToAsync(string name)
    {
        await ExecuteAsync($"ROLLBACK TO SAVEPOINT {name}");
        await ExecuteAsync($"RELEASE SAVEPOINT {name}");
    }
}
