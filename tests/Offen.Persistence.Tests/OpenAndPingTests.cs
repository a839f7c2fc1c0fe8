using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;
using Offen.Persistence.Tests.Infrastructure;

namespace Offen.Persistence.Tests;

/// <summary>Opening with the connection strings upstream users have, and the health probe (server.md §9.1).</summary>
public sealed class OpenAndPingTests
{
    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task Open_WithUpstreamConnectionStringForm_ConnectsAndWorks(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var upstream = dialect switch
        {
            Dialect.Sqlite => "file:" + new SqliteConnectionStringBuilder(db.ConnectionString).DataSource + "?_busy_timeout=5000&_fk=1&cache=private",
            Dialect.Postgres => new NpgsqlConnectionStringBuilder(db.ConnectionString) is var p
                ? $"postgres://{Uri.EscapeDataString(p.Username!)}:{Uri.EscapeDataString(p.Password!)}@{p.Host}:{p.Port}/{p.Database}?sslmode=disable"
                : "",
            _ => new MySqlConnectionStringBuilder(db.ConnectionString) is var m
                ? $"{m.UserID}:{m.Password}@tcp({m.Server}:{m.Port})/{m.Database}?parseTime=true&loc=Local&charset=utf8mb4"
                : "",
        };
        await using var store = OffenStore.Open(dialect, upstream);

        await store.PingAsync();
        await store.MigrateAsync();
        Assert.True(await store.IsEmptyAsync());
        Assert.Equal(dialect, store.Dialect);
    }

    [Theory]
    [InlineData(Dialect.Postgres, "postgres://offen:offen@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")]
    [InlineData(Dialect.MySql, "offen:offen@tcp(127.0.0.1:1)/none?timeout=2s")]
    [InlineData(Dialect.Sqlite, "/nonexistent-folder-for-offen-tests/sub/offen.db")]
    public async Task Ping_UnreachableDatabase_Throws(Dialect dialect, string connectionString)
    {
        await using var store = OffenStore.Open(dialect, connectionString);
        await Assert.ThrowsAnyAsync<Exception>(() => store.PingAsync());
        Assert.False(await store.IsEmptyAsync());
    }
}
