using System.Data.Common;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;

namespace Offen.Reliability.Tests;

/// <summary>What the database holds after the fact, read with the plain ADO.NET drivers (not through offen).</summary>
public sealed record StoredEvents(
    IReadOnlyList<string> Payloads,
    long DuplicateEventIds,
    long EventsWithoutSecret)
{
    public static Task<StoredEvents> ReadSqliteAsync(string path) =>
        ReadAsync(new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ConnectionString));

    public static Task<StoredEvents> ReadPostgresAsync(string cs) => ReadAsync(new NpgsqlConnection(cs));

    public static Task<StoredEvents> ReadMySqlAsync(string cs) => ReadAsync(new MySqlConnection(cs));

    private static async Task<StoredEvents> ReadAsync(DbConnection c)
    {
        await using (c)
        {
            await c.OpenAsync();
            var payloads = new List<string>();
            await using (var cmd = c.CreateCommand())
            {
                cmd.CommandText = "SELECT payload FROM events";
                await using var r = await cmd.ExecuteReaderAsync();
                while (await r.ReadAsync()) payloads.Add(r.GetString(0));
            }
            // server.md §5.1: event_id is the primary key; the schema has no FK from events to secrets (re-association
            // deletes secrets), but nothing in these tests re-associates, so every identified event's secret must exist.
            var duplicates = await ScalarAsync(c, "SELECT count(*) - count(DISTINCT event_id) FROM events");
            var orphans = await ScalarAsync(c,
                "SELECT count(*) FROM events e WHERE e.secret_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM secrets s WHERE s.secret_id = e.secret_id)");
            return new StoredEvents(payloads, duplicates, orphans);
        }
    }

    public static async Task<long> ScalarAsync(DbConnection c, string sql)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    public static async Task<List<string>> ColumnAsync(DbConnection c, string sql)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await r.ReadAsync()) rows.Add(r.IsDBNull(0) ? "" : Convert.ToString(r.GetValue(0)) ?? "");
        return rows;
    }

    /// <summary>Every 201'd event exactly once; nothing stored that was never sent; keys unique, secrets present.</summary>
    public void AssertHolds(LoadRecord record)
    {
        var counts = Payloads.GroupBy(p => p, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var lost = record.Acknowledged.Keys.Where(p => !counts.ContainsKey(p)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {record.Acknowledged.Count} events answered 201 are missing from the database");
        var twice = counts.Where(kv => kv.Value > 1).ToList();
        Assert.True(twice.Count == 0, $"{twice.Count} payloads are stored more than once");
        var sent = record.Sent.ToHashSet(StringComparer.Ordinal);
        Assert.True(counts.Keys.All(sent.Contains), "the database holds an event payload nobody sent");
        Assert.Equal(0, DuplicateEventIds);
        Assert.Equal(0, EventsWithoutSecret);
    }
}
