using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;

namespace Offen.Persistence;

/// <summary>
/// Turns what upstream users already have in <c>OFFEN_DATABASE_CONNECTIONSTRING</c> (spec README "Same
/// configuration") into an ADO.NET connection string: PostgreSQL URLs and libpq key=value strings, Go MySQL
/// DSNs, SQLite paths and <c>file:</c> URIs. Native ADO.NET strings pass through (validated). Error messages are
/// one line and never echo the input, which may hold a password.
/// </summary>
public static partial class ConnectionStrings
{
    public static string ToAdoNet(Dialect dialect, string upstreamConnectionString)
    {
        ArgumentNullException.ThrowIfNull(upstreamConnectionString);
        var s = upstreamConnectionString.Trim();
        if (s.Length == 0) throw new ArgumentException($"{Name(dialect)} connection string: is empty");
        return dialect switch
        {
            Dialect.Postgres => Postgres(s),
            Dialect.MySql => MySql(s),
            Dialect.Sqlite => Sqlite(s),
            _ => throw new ArgumentException("unknown database dialect"),
        };
    }

    private static string Name(Dialect d) => d switch
    {
        Dialect.Postgres => "PostgreSQL",
        Dialect.MySql => "MySQL",
        _ => "SQLite",
    };

    // ---------------------------------------------------------------- PostgreSQL

    private static string Postgres(string s)
    {
        if (s.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || s.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return PostgresUrl(s);
        }
        if (!s.Contains(';') && LooksLikeLibpq(s))
        {
            var b = new NpgsqlConnectionStringBuilder();
            foreach (var (k, v) in ParseLibpq(s)) ApplyPostgresParam(b, k, v);
            return b.ConnectionString;
        }
        try
        {
            return new NpgsqlConnectionStringBuilder(s).ConnectionString;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new ArgumentException("PostgreSQL connection string: expected postgres://user:pass@host:5432/db, libpq key=value pairs or an Npgsql connection string");
        }
    }

    private static string PostgresUrl(string s)
    {
        var rest = s[(s.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var query = "";
        var q = rest.IndexOf('?');
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }
        var b = new NpgsqlConnectionStringBuilder();
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = rest[..at];
            rest = rest[(at + 1)..];
            var colon = userInfo.IndexOf(':');
            var user = colon >= 0 ? userInfo[..colon] : userInfo;
            if (user.Length > 0) b.Username = Unescape(user, "PostgreSQL URL: user name");
            if (colon >= 0) b.Password = Unescape(userInfo[(colon + 1)..], "PostgreSQL URL: password");
        }
        var slash = rest.IndexOf('/');
        var hosts = slash >= 0 ? rest[..slash] : rest;
        var db = slash >= 0 ? rest[(slash + 1)..] : "";
        if (db.Length > 0) b.Database = Unescape(db, "PostgreSQL URL: database name");
        if (hosts.Length > 0)
        {
            // libpq allows host1:port1,host2:port2; Npgsql takes the same list in Host.
            var list = new List<string>();
            foreach (var h in hosts.Split(','))
            {
                if (h.Length == 0) throw new ArgumentException("PostgreSQL URL: empty host in host list");
                list.Add(Unescape(h, "PostgreSQL URL: host"));
            }
            if (list.Count == 1 && SplitHostPort(list[0]) is ({ } host, { } port))
            {
                b.Host = host;
                b.Port = ParsePort(port, "PostgreSQL URL");
            }
            else
            {
                b.Host = string.Join(',', list);
            }
        }
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = Unescape(eq >= 0 ? pair[..eq] : pair, "PostgreSQL URL: parameter");
            var value = eq >= 0 ? Unescape(pair[(eq + 1)..].Replace('+', ' '), "PostgreSQL URL: parameter") : "";
            ApplyPostgresParam(b, key, value);
        }
        if (string.IsNullOrEmpty(b.Host)) b.Host = "localhost";
        return b.ConnectionString;
    }

    private static void ApplyPostgresParam(NpgsqlConnectionStringBuilder b, string key, string value)
    {
        switch (key.ToLowerInvariant())
        {
            case "host":
            case "hostaddr":
                b.Host = value;
                break;
            case "port":
                b.Port = ParsePort(value, "PostgreSQL connection string");
                break;
            case "user":
                b.Username = value;
                break;
            case "password":
                b.Password = value;
                break;
            case "dbname":
                b.Database = value;
                break;
            case "sslmode":
                b.SslMode = value.ToLowerInvariant() switch
                {
                    "disable" => SslMode.Disable,
                    "allow" => SslMode.Allow,
                    "prefer" => SslMode.Prefer,
                    "require" => SslMode.Require,
                    "verify-ca" => SslMode.VerifyCA,
                    "verify-full" => SslMode.VerifyFull,
                    _ => throw new ArgumentException("PostgreSQL connection string: sslmode must be disable, allow, prefer, require, verify-ca or verify-full"),
                };
                break;
            case "sslrootcert":
                b.RootCertificate = value;
                break;
            case "sslcert":
                b.SslCertificate = value;
                break;
            case "sslkey":
                b.SslKey = value;
                break;
            case "sslpassword":
                b.SslPassword = value;
                break;
            case "connect_timeout":
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t))
                    throw new ArgumentException("PostgreSQL connection string: connect_timeout must be a number of seconds");
                b.Timeout = Math.Clamp(t, 0, 1024);
                break;
            case "application_name":
            case "fallback_application_name":
                b.ApplicationName = value;
                break;
            case "search_path":
                b.SearchPath = value;
                break;
            case "target_session_attrs":
                b.TargetSessionAttributes = value;
                break;
            case "options":
                b.Options = value;
                break;
            default:
                // Driver-specific extras of lib/pq and pgx (e.g. binary_parameters, statement_cache_mode) mean
                // nothing to Npgsql; accepting them keeps existing configurations working.
                break;
        }
    }

    private static bool LooksLikeLibpq(string s)
    {
        var first = s.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries)[0];
        var eq = first.IndexOf('=');
        if (eq <= 0) return false;
        var key = first[..eq].ToLowerInvariant();
        return key is "host" or "hostaddr" or "port" or "user" or "password" or "dbname" or "sslmode" or "connect_timeout"
            or "application_name" or "sslrootcert" or "sslcert" or "sslkey" or "options" or "search_path";
    }

    /// <summary>libpq key=value pairs separated by whitespace; values may be single-quoted with backslash escapes.</summary>
    private static IEnumerable<(string Key, string Value)> ParseLibpq(string s)
    {
        var i = 0;
        while (true)
        {
            while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
            if (i >= s.Length) yield break;
            var keyStart = i;
            while (i < s.Length && s[i] != '=' && !char.IsWhiteSpace(s[i])) i++;
            var key = s[keyStart..i];
            while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
            if (i >= s.Length || s[i] != '=') throw new ArgumentException("PostgreSQL connection string: expected key=value pairs");
            i++;
            while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
            var value = new StringBuilder();
            if (i < s.Length && s[i] == '\'')
            {
                i++;
                var closed = false;
                while (i < s.Length)
                {
                    var c = s[i++];
                    if (c == '\\' && i < s.Length) value.Append(s[i++]);
                    else if (c == '\'') { closed = true; break; }
                    else value.Append(c);
                }
                if (!closed) throw new ArgumentException("PostgreSQL connection string: unterminated quoted value");
            }
            else
            {
                while (i < s.Length && !char.IsWhiteSpace(s[i]))
                {
                    var c = s[i++];
                    if (c == '\\' && i < s.Length) value.Append(s[i++]);
                    else value.Append(c);
                }
            }
            yield return (key, value.ToString());
        }
    }

    // ---------------------------------------------------------------- MySQL

    private static string MySql(string s)
    {
        var b = new MySqlConnectionStringBuilder();
        if (s.StartsWith("mysql://", StringComparison.OrdinalIgnoreCase) || s.StartsWith("mariadb://", StringComparison.OrdinalIgnoreCase))
        {
            MySqlUrl(b, s);
        }
        else if (LooksLikeGoDsn(s))
        {
            GoDsn(b, s);
        }
        else
        {
            try
            {
                b = new MySqlConnectionStringBuilder(s);
            }
            catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException or InvalidOperationException)
            {
                throw new ArgumentException("MySQL connection string: expected user:pass@tcp(host:3306)/db or a MySqlConnector connection string");
            }
        }
        return b.ConnectionString;
    }

    /// <summary>ADO.NET strings start with a keyword such as <c>Server=</c>; a Go DSN starts with <c>user:</c>, <c>user@</c>, <c>tcp(</c> or <c>/</c>.</summary>
    private static bool LooksLikeGoDsn(string s) =>
        !AdoKeyword().IsMatch(s) && s.Contains('/', StringComparison.Ordinal);

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*[A-Za-z][A-Za-z ]*=")]
    private static partial System.Text.RegularExpressions.Regex AdoKeyword();

    // go-sql-driver/mysql: [user[:password]@][net[(addr)]]/dbname[?param1=value1&paramN=valueN]
    private static void GoDsn(MySqlConnectionStringBuilder b, string s)
    {
        var slash = s.LastIndexOf('/');
        // A unix socket path contains '/', so the database separator is the last '/' that is not inside "(...)".
        var close = s.LastIndexOf(')');
        if (close > slash)
        {
            slash = s.IndexOf('/', close);
            if (slash < 0) throw new ArgumentException("MySQL DSN: missing '/' before the database name");
        }
        var head = s[..slash];
        var tail = s[(slash + 1)..];
        var query = "";
        var q = tail.IndexOf('?');
        if (q >= 0)
        {
            query = tail[(q + 1)..];
            tail = tail[..q];
        }
        if (tail.Length > 0) b.Database = Unescape(tail, "MySQL DSN: database name");

        var at = head.LastIndexOf('@');
        var netAddr = head;
        if (at >= 0)
        {
            var userInfo = head[..at];
            netAddr = head[(at + 1)..];
            var colon = userInfo.IndexOf(':');
            b.UserID = colon >= 0 ? userInfo[..colon] : userInfo;
            if (colon >= 0) b.Password = userInfo[(colon + 1)..];
        }

        var net = netAddr;
        var addr = "";
        var open = netAddr.IndexOf('(');
        if (open >= 0)
        {
            if (!netAddr.EndsWith(')')) throw new ArgumentException("MySQL DSN: network address is missing its closing ')'");
            net = netAddr[..open];
            addr = netAddr[(open + 1)..^1];
        }
        switch (net)
        {
            case "":
            case "tcp":
            case "tcp6":
            case "tcp4":
                b.ConnectionProtocol = MySqlConnectionProtocol.Sockets;
                if (addr.Length == 0)
                {
                    b.Server = "127.0.0.1";
                    b.Port = 3306;
                }
                else if (SplitHostPort(addr) is ({ } host, { } port))
                {
                    b.Server = host;
                    b.Port = (uint)ParsePort(port, "MySQL DSN");
                }
                else
                {
                    b.Server = addr.Trim('[', ']');
                    b.Port = 3306;
                }
                break;
            case "unix":
                b.ConnectionProtocol = MySqlConnectionProtocol.UnixSocket;
                b.Server = addr.Length > 0 ? addr : "/tmp/mysql.sock";
                break;
            default:
                throw new ArgumentException("MySQL DSN: network must be tcp or unix");
        }

        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = eq >= 0 ? pair[..eq] : pair;
            var value = eq >= 0 ? Unescape(pair[(eq + 1)..], "MySQL DSN: parameter") : "";
            ApplyGoMySqlParam(b, key, value);
        }
    }

    private static void MySqlUrl(MySqlConnectionStringBuilder b, string s)
    {
        var rest = s[(s.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var query = "";
        var q = rest.IndexOf('?');
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = rest[..at];
            rest = rest[(at + 1)..];
            var colon = userInfo.IndexOf(':');
            b.UserID = Unescape(colon >= 0 ? userInfo[..colon] : userInfo, "MySQL URL: user name");
            if (colon >= 0) b.Password = Unescape(userInfo[(colon + 1)..], "MySQL URL: password");
        }
        var slash = rest.IndexOf('/');
        var hostPort = slash >= 0 ? rest[..slash] : rest;
        if (slash >= 0 && slash + 1 < rest.Length) b.Database = Unescape(rest[(slash + 1)..], "MySQL URL: database name");
        if (SplitHostPort(hostPort) is ({ } host, { } port))
        {
            b.Server = host;
            b.Port = (uint)ParsePort(port, "MySQL URL");
        }
        else
        {
            b.Server = hostPort.Length > 0 ? hostPort : "127.0.0.1";
        }
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            ApplyGoMySqlParam(b, eq >= 0 ? pair[..eq] : pair, eq >= 0 ? Unescape(pair[(eq + 1)..], "MySQL URL: parameter") : "");
        }
    }

    private static void ApplyGoMySqlParam(MySqlConnectionStringBuilder b, string key, string value)
    {
        switch (key)
        {
            case "tls":
                b.SslMode = value.ToLowerInvariant() switch
                {
                    "true" => MySqlSslMode.VerifyFull,
                    "skip-verify" => MySqlSslMode.Required,
                    "preferred" => MySqlSslMode.Preferred,
                    "false" => MySqlSslMode.None,
                    _ => throw new ArgumentException("MySQL DSN: tls must be true, false, skip-verify or preferred (custom TLS configs are Go-only)"),
                };
                break;
            case "timeout":
                b.ConnectionTimeout = (uint)Math.Max(1, Math.Ceiling(GoDuration(value, "timeout").TotalSeconds));
                break;
            case "readTimeout":
            case "writeTimeout":
                b.DefaultCommandTimeout = (uint)Math.Max(1, Math.Ceiling(GoDuration(value, key).TotalSeconds));
                break;
            case "allowPublicKeyRetrieval":
                b.AllowPublicKeyRetrieval = value.Equals("true", StringComparison.OrdinalIgnoreCase);
                break;
            case "user":
                b.UserID = value;
                break;
            case "password":
                b.Password = value;
                break;
            default:
                // Go-only parameters (parseTime, loc, charset, collation, maxAllowedPacket, interpolateParams,
                // allowNativePasswords, multiStatements, ...) have no meaning here: MySqlConnector always talks
                // utf8mb4 and returns DateTime values.
                break;
        }
    }

    private static TimeSpan GoDuration(string value, string name)
    {
        // Go durations like "30s", "1m30s", "500ms".
        var total = TimeSpan.Zero;
        var i = 0;
        if (value.Length == 0) throw new ArgumentException($"MySQL DSN: {name} must be a Go duration like 30s");
        while (i < value.Length)
        {
            var start = i;
            while (i < value.Length && (char.IsAsciiDigit(value[i]) || value[i] == '.')) i++;
            if (!double.TryParse(value.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
                throw new ArgumentException($"MySQL DSN: {name} must be a Go duration like 30s");
            var unitStart = i;
            while (i < value.Length && char.IsAsciiLetter(value[i]) || (i < value.Length && value[i] == 'µ')) i++;
            total += value[unitStart..i] switch
            {
                "h" => TimeSpan.FromHours(n),
                "m" => TimeSpan.FromMinutes(n),
                "s" => TimeSpan.FromSeconds(n),
                "ms" => TimeSpan.FromMilliseconds(n),
                "us" or "µs" => TimeSpan.FromMicroseconds(n),
                "ns" => TimeSpan.FromTicks((long)(n / 100)),
                _ => throw new ArgumentException($"MySQL DSN: {name} must be a Go duration like 30s"),
            };
        }
        return total;
    }

    // ---------------------------------------------------------------- SQLite

    private static string Sqlite(string s)
    {
        if (IsNativeSqlite(s))
        {
            try
            {
                return new SqliteConnectionStringBuilder(s).ConnectionString;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
            {
                throw new ArgumentException("SQLite connection string: expected a file path, a file: URI or a Microsoft.Data.Sqlite connection string");
            }
        }
        var b = new SqliteConnectionStringBuilder();
        var path = s;
        var query = "";
        if (path.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            path = path[5..];
            var q = path.IndexOf('?');
            if (q >= 0)
            {
                query = path[(q + 1)..];
                path = path[..q];
            }
            var hash = path.IndexOf('#');
            if (hash >= 0) path = path[..hash];
            // file:///abs/path and file://localhost/abs/path
            if (path.StartsWith("//", StringComparison.Ordinal))
            {
                var rest = path[2..];
                var slash = rest.IndexOf('/');
                var authority = slash >= 0 ? rest[..slash] : rest;
                if (authority.Length > 0 && !authority.Equals("localhost", StringComparison.OrdinalIgnoreCase))
                    throw new ArgumentException("SQLite connection string: file: URIs must not name a remote host");
                path = slash >= 0 ? rest[slash..] : "";
            }
            path = Unescape(path, "SQLite URI: path");
        }
        else
        {
            // go-sqlite3 also accepts plain paths with a query string: /var/opt/offen/offen.db?_busy_timeout=5000
            var q = path.IndexOf('?');
            if (q >= 0)
            {
                query = path[(q + 1)..];
                path = path[..q];
            }
        }
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = eq >= 0 ? pair[..eq] : pair;
            var value = eq >= 0 ? pair[(eq + 1)..] : "";
            switch (key)
            {
                case "mode":
                    b.Mode = value switch
                    {
                        "ro" => SqliteOpenMode.ReadOnly,
                        "rw" => SqliteOpenMode.ReadWrite,
                        "rwc" => SqliteOpenMode.ReadWriteCreate,
                        "memory" => SqliteOpenMode.Memory,
                        _ => throw new ArgumentException("SQLite connection string: mode must be ro, rw, rwc or memory"),
                    };
                    break;
                case "cache":
                    b.Cache = value == "shared" ? SqliteCacheMode.Shared : SqliteCacheMode.Private;
                    break;
                default:
                    // go-sqlite3 parameters (_busy_timeout, _fk, _journal_mode, _loc, _txlock, ...) are replaced
                    // by the store's own settings: WAL, a busy timeout and foreign keys off (server.md §5.1).
                    break;
            }
        }
        if (path.Length == 0) throw new ArgumentException("SQLite connection string: missing file path");
        b.DataSource = path;
        return b.ConnectionString;
    }

    private static bool IsNativeSqlite(string s)
    {
        var eq = s.IndexOf('=');
        if (eq <= 0) return false;
        var key = s[..eq].Trim().Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
        return key is "datasource" or "filename" or "data source" or "mode" or "cache" or "password" or "foreignkeys" or "pooling" or "defaulttimeout";
    }

    // ---------------------------------------------------------------- helpers

    private static (string Host, string Port)? SplitHostPort(string hostPort)
    {
        if (hostPort.StartsWith('['))
        {
            var end = hostPort.IndexOf(']');
            if (end < 0) throw new ArgumentException("connection string: unterminated IPv6 address");
            var host = hostPort[1..end];
            var rest = hostPort[(end + 1)..];
            return rest.StartsWith(':') ? (host, rest[1..]) : null;
        }
        var colon = hostPort.LastIndexOf(':');
        if (colon < 0 || hostPort.IndexOf(':') != colon) return null;
        return (hostPort[..colon], hostPort[(colon + 1)..]);
    }

    private static int ParsePort(string port, string what)
    {
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
            throw new ArgumentException($"{what}: port must be a number from 1 to 65535");
        return p;
    }

    private static string Unescape(string value, string what)
    {
        try
        {
            return Uri.UnescapeDataString(value);
        }
        catch (UriFormatException)
        {
            throw new ArgumentException($"{what} is not valid percent-encoding");
        }
    }
}
