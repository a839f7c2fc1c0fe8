using System.Data.Common;
using System.Security.Cryptography;
using Dapper;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;

namespace Offen.Persistence.Tests.Infrastructure;

/// <summary>
/// A fresh, real database per test (style.md principle 6): a temp file for SQLite, <c>CREATE DATABASE t_&lt;random&gt;</c>
/// on the PostgreSQL and MariaDB servers named by OFFEN_TEST_POSTGRES / OFFEN_TEST_MYSQL. A missing variable fails
/// the test with a message saying how to start the servers; nothing is skipped.
/// </summary>
public sealed class TestDb : IAsyncDisposable
{
    public const string PostgresVariable = "OFFEN_TEST_POSTGRES";
    public const string MySqlVariable = "OFFEN_TEST_MYSQL";

    private readonly string? _serverConnectionString;
    private readonly string? _databaseName;
    private readonly string? _sqliteFolder;
    private readonly List<OffenStore> _stores = [];

    private TestDb(Dialect dialect, string connectionString, string? serverConnectionString, string? databaseName, string? sqliteFolder)
    {
        Dialect = dialect;
        ConnectionString = connectionString;
        _serverConnectionString = serverConnectionString;
        _databaseName = databaseName;
        _sqliteFolder = sqliteFolder;
    }

    public Dialect Dialect { get; }

    /// <summary>The ADO.NET connection string of this test's database.</summary>
    public string ConnectionString { get; }

    /// <summary>The store the test works with (opened by <see cref="CreateAsync"/>, migrated unless asked not to).</summary>
    public OffenStore Store { get; private set; } = null!;

    public static IEnumerable<object[]> Dialects =>
    [
        [Dialect.Sqlite],
        [Dialect.Postgres],
        [Dialect.MySql],
    ];

    public static async Task<TestDb> CreateAsync(Dialect dialect, bool migrate = true, OffenStoreOptions? options = null)
    {
        var name = "t_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        TestDb db;
        switch (dialect)
        {
            case Dialect.Sqlite:
            {
                var folder = Path.Combine(Path.GetTempPath(), "offen-persistence-tests", name);
                Directory.CreateDirectory(folder);
                var cs = new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "offen.db") }.ConnectionString;
                db = new TestDb(dialect, cs, null, null, folder);
                break;
            }
            case Dialect.Postgres:
            {
                var server = Required(PostgresVariable);
                await using (var c = new NpgsqlConnection(server))
                {
                    await c.OpenAsync();
                    await c.ExecuteAsync($"CREATE DATABASE {name}");
                }
                var cs = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
                db = new TestDb(dialect, cs, server, name, null);
                break;
            }
            case Dialect.MySql:
            {
                var server = Required(MySqlVariable);
                await using (var c = new MySqlConnection(server))
                {
                    await c.OpenAsync();
                    await c.ExecuteAsync($"CREATE DATABASE {name} CHARACTER SET utf8mb4");
                }
                var cs = new MySqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
                db = new TestDb(dialect, cs, server, name, null);
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(dialect));
        }
        db.Store = db.OpenStore(options);
        if (migrate) await db.Store.MigrateAsync();
        return db;
    }

    private static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set. Start the test databases with `source scripts/services.sh; services_start` " +
                "(as root), which exports it; CI always sets it.");

    /// <summary>Another store on the same database (e.g. with a step hook, or a second "process").</summary>
    public OffenStore OpenStore(OffenStoreOptions? options = null)
    {
        var store = OffenStore.Open(Dialect, ConnectionString, options);
        _stores.Add(store);
        return store;
    }

    /// <summary>A raw connection for fixtures and assertions that look under the store.</summary>
    public async Task<DbConnection> OpenRawAsync()
    {
        DbConnection c = Dialect switch
        {
            Dialect.Sqlite => new SqliteConnection(ConnectionString),
            Dialect.Postgres => new NpgsqlConnection(ConnectionString),
            _ => new MySqlConnection(ConnectionString),
        };
        await c.OpenAsync();
        return c;
    }

    public async Task ExecuteAsync(string sql, object? param = null)
    {
        await using var c = await OpenRawAsync();
        await c.ExecuteAsync(sql, param);
    }

    public async Task<List<T>> QueryAsync<T>(string sql, object? param = null)
    {
        await using var c = await OpenRawAsync();
        return (await c.QueryAsync<T>(sql, param)).AsList();
    }

    public async Task<long> CountAsync(string table, string where = "1 = 1", object? param = null)
    {
        await using var c = await OpenRawAsync();
        return await c.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table} WHERE {where}", param);
    }

    /// <summary>Every row of every table as text, to prove an operation changed nothing.</summary>
    public async Task<string> DumpAsync(params string[] tables)
    {
        if (tables.Length == 0) tables = ["accounts", "account_users", "account_user_relationships", "events", "secrets", "tombstones", "migrations", "cached_secrets", "rollups"];
        var sb = new System.Text.StringBuilder();
        await using var c = await OpenRawAsync();
        foreach (var table in tables)
        {
            sb.Append("## ").AppendLine(table);
            var rows = new List<string>();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT * FROM {table}";
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                var cells = new string[r.FieldCount];
                for (var i = 0; i < r.FieldCount; i++)
                {
                    var v = r.GetValue(i);
                    cells[i] = r.GetName(i) + "=" + (v is DBNull ? "NULL" : v is DateTime dt ? dt.ToString("O") : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture));
                }
                rows.Add(string.Join(" | ", cells));
            }
            rows.Sort(StringComparer.Ordinal);
            foreach (var row in rows) sb.AppendLine(row);
        }
        return sb.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var s in _stores) await s.DisposeAsync();
        switch (Dialect)
        {
            case Dialect.Sqlite:
                SqliteConnection.ClearAllPools();
                try
                {
                    Directory.Delete(_sqliteFolder!, recursive: true);
                }
                catch (IOException)
                {
                    // another test's pooled handle; the temp folder is cleaned by the OS
                }
                break;
            case Dialect.Postgres:
                NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
                await using (var c = new NpgsqlConnection(_serverConnectionString))
                {
                    await c.OpenAsync();
                    // FORCE ends our own leftover sessions; an autovacuum worker (not ours to end) leaves soon, so retry.
                    for (var attempt = 1; ; attempt++)
                    {
                        try
                        {
                            await c.ExecuteAsync($"DROP DATABASE IF EXISTS {_databaseName} WITH (FORCE)");
                            break;
                        }
                        catch (PostgresException) when (attempt < 50)
                        {
                            await Task.Delay(100);
                        }
                    }
                }
                break;
            case Dialect.MySql:
                MySqlConnection.ClearPool(new MySqlConnection(ConnectionString));
                await using (var c = new MySqlConnection(_serverConnectionString))
                {
                    await c.OpenAsync();
                    await c.ExecuteAsync($"DROP DATABASE IF EXISTS {_databaseName}");
                }
                break;
        }
    }
}
