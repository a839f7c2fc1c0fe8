using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;

namespace Offen.Persistence.Tests;

/// <summary>spec README "Same configuration": the connection strings upstream users already have.</summary>
public sealed class ConnectionStringTests
{
    [Fact]
    public void Postgres_Url_MapsHostPortUserPasswordDatabaseAndSslMode()
    {
        var b = new NpgsqlConnectionStringBuilder(ConnectionStrings.ToAdoNet(Dialect.Postgres, "postgres://offen:s3cr%40t%3Ax@db.example:6543/offen?sslmode=disable&binary_parameters=yes"));
        Assert.Equal("db.example", b.Host);
        Assert.Equal(6543, b.Port);
        Assert.Equal("offen", b.Username);
        Assert.Equal("s3cr@t:x", b.Password);
        Assert.Equal("offen", b.Database);
        Assert.Equal(SslMode.Disable, b.SslMode);
    }

    [Fact]
    public void Postgres_PostgresqlSchemeWithoutPortAndQuery_Works()
    {
        var b = new NpgsqlConnectionStringBuilder(ConnectionStrings.ToAdoNet(Dialect.Postgres, "postgresql://user@localhost/analytics"));
        Assert.Equal("localhost", b.Host);
        Assert.Equal(5432, b.Port);
        Assert.Equal("user", b.Username);
        Assert.Equal("analytics", b.Database);
    }

    [Fact]
    public void Postgres_LibpqKeyValue_WithQuotedValue_Works()
    {
        var b = new NpgsqlConnectionStringBuilder(ConnectionStrings.ToAdoNet(Dialect.Postgres,
            "host=127.0.0.1 port=5433 user=offen password='it\\'s \\\\quoted x' dbname=offen sslmode=require"));
        Assert.Equal("127.0.0.1", b.Host);
        Assert.Equal(5433, b.Port);
        Assert.Equal("offen", b.Database);
        Assert.Equal(SslMode.Require, b.SslMode);
        Assert.Equal("it's \\quoted x", b.Password);
    }

    [Fact]
    public void Postgres_NativeAdoNet_PassesThrough()
    {
        var b = new NpgsqlConnectionStringBuilder(ConnectionStrings.ToAdoNet(Dialect.Postgres, "Host=h;Port=1234;Username=u;Password=p;Database=d"));
        Assert.Equal(("h", 1234, "u", "p", "d"), (b.Host, b.Port, b.Username, b.Password, b.Database));
    }

    [Fact]
    public void MySql_GoDsnOverTcp_IgnoresGoOnlyParameters()
    {
        var b = new MySqlConnectionStringBuilder(ConnectionStrings.ToAdoNet(Dialect.MySql, "offen:p@ss:w/rd@tcp(db.example:3307)/offen?parseTime=true&loc=Local&charset=utf8mb4&timeout=5s"));
        Assert.Equal("db.example", b.Server);
        Assert.Equal(3307u, b.Port);
        Assert.Equal("offen", b.UserID);
        Assert.Equal("p@ss:w/rd", b.Password);
        Assert.Equal("offen", b.Database);
        Assert.Equal(5u, b.ConnectionTimeout);
    }

    [Fact]
    public void MySql_GoDsnOverUnixSocket_UsesSocketPath()
    {
        var b = new MySqlConnectionStringBuilder(ConnectionStrings.ToAdoNet(Dialect.MySql, "root@unix(/run/mysqld/mysqld.sock)/offen?parseTime=true"));
        Assert.Equal(MySqlConnectionProtocol.UnixSocket, b.ConnectionProtocol);
        Assert.Equal("/run/mysqld/mysqld.sock", b.Server);
        Assert.Equal("root", b.UserID);
        Assert.Equal("offen", b.Database);
    }

    [Fact]
    public void MySql_GoDsnWithDefaultAddress_And_NativeString_Work()
    {
        var dsn = new MySqlConnectionStringBuilder(ConnectionStrings.ToAdoNet(Dialect.MySql, "user:pw@/offen"));
        Assert.Equal(("127.0.0.1", 3306u, "offen"), (dsn.Server, dsn.Port, dsn.Database));
        var native = new MySqlConnectionStringBuilder(ConnectionStrings.ToAdoNet(Dialect.MySql, "Server=h;Port=3310;User ID=u;Password=a/b@c;Database=d"));
        Assert.Equal(("h", 3310u, "a/b@c", "d"), (native.Server, native.Port, native.Password, native.Database));
    }

    [Theory]
    [InlineData("/var/opt/offen/offen.db", "/var/opt/offen/offen.db")]
    [InlineData("/var/opt/offen/offen.db?_busy_timeout=5000&_fk=1", "/var/opt/offen/offen.db")]
    [InlineData("file:/tmp/offen.db?cache=shared&_journal_mode=WAL", "/tmp/offen.db")]
    [InlineData("file:///tmp/with%20space.db", "/tmp/with space.db")]
    [InlineData("offen.db", "offen.db")]
    [InlineData("Data Source=/tmp/x.db;Cache=Shared", "/tmp/x.db")]
    public void Sqlite_PathsUrisAndNativeStrings_MapToDataSource(string input, string path)
    {
        var b = new SqliteConnectionStringBuilder(ConnectionStrings.ToAdoNet(Dialect.Sqlite, input));
        Assert.Equal(path, b.DataSource);
    }

    [Fact]
    public void Sqlite_ReadOnlyMode_IsKept()
    {
        var b = new SqliteConnectionStringBuilder(ConnectionStrings.ToAdoNet(Dialect.Sqlite, "file:/tmp/x.db?mode=ro"));
        Assert.Equal(SqliteOpenMode.ReadOnly, b.Mode);
    }

    [Theory]
    [InlineData(Dialect.Postgres, "postgres://offen:hunter2secret@host:notaport/db")]
    [InlineData(Dialect.Postgres, "postgres://offen:hunter2secret@host/db?sslmode=sometimes")]
    [InlineData(Dialect.Postgres, "host=x password='hunter2secret")]
    [InlineData(Dialect.MySql, "offen:hunter2secret@bogus(host)/db")]
    [InlineData(Dialect.MySql, "offen:hunter2secret@tcp(host:99999)/db")]
    [InlineData(Dialect.Sqlite, "")]
    [InlineData(Dialect.Sqlite, "file:?mode=ro")]
    public void Invalid_ThrowsOneLineArgumentException_WithoutThePassword(Dialect dialect, string input)
    {
        var e = Assert.Throws<ArgumentException>(() => ConnectionStrings.ToAdoNet(dialect, input));
        Assert.DoesNotContain("hunter2", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.NotEmpty(e.Message);
    }
}
