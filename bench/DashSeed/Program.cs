// Seeder for bench/dashboard.sh (issue 4 item 6): fills a SQLite database that `offen setup` created with visitors
// and pageviews encrypted exactly as real vaults encrypt them (clients-and-crypto.md §4.3-4.4), so the dashboard has
// real work to do: one RSA-OAEP-wrapped AES-128 user secret per visitor, stored under hash(userId, UserSalt) as
// POST /api/exchange stores it (server.md §5.6), and AES-GCM payloads with 12-byte IVs under ULID event ids spread
// over the last months (server.md §5.5).
//   DashSeed --db PATH [--account ID] [--users 100000] [--events 1000000] [--seed 1] [--days 183]
//            [--now 2025-01-01T00:00:00Z] [--site https://www.example.test]
// Deterministic for a given seed and --now: event ids, sequences, user ids, keys, IVs and so payload ciphertexts
// repeat; the secret ids follow the account's random UserSalt (as on the server), and the RSA-OAEP ciphertexts
// differ between runs because OAEP padding draws from the OS generator inside .NET.
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Offen.Crypto;
using Offen.Persistence;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

Options o;
try
{
    o = new Options(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"DashSeed: {e.Message}");
    Console.Error.WriteLine("usage: DashSeed --db PATH [--account ID] [--users 100000] [--events 1000000] [--seed 1] [--days 183] [--now ISO-8601] [--site URL]");
    return 2;
}

var dbPath = o.Str("db");
var userCount = o.Int("users", 100_000);
var eventCount = o.Int("events", 1_000_000);
var seed = (ulong)o.Long("seed", 1);
var days = o.Num("days", 183);
var now = o.Has("now") ? DateTimeOffset.Parse(o.Str("now"), CultureInfo.InvariantCulture) : DateTimeOffset.UtcNow;
var site = o.Str("site", "https://www.example.test").TrimEnd('/');
if (userCount < 1 || eventCount < userCount)
{
    // Every visitor has at least one event: the server returns only the secrets of returned events, and the
    // benchmark's floor counts one RSA decryption per visitor.
    Console.Error.WriteLine("DashSeed: need --users >= 1 and --events >= --users");
    return 2;
}
if (!File.Exists(dbPath))
{
    Console.Error.WriteLine($"DashSeed: {dbPath} does not exist (run `offen setup` first)");
    return 2;
}

var total = Stopwatch.StartNew();

// The account as the server reads it (Offen.Persistence), then nothing else of the store: the writes below are
// bulk inserts into the same tables with the same values the store would write.
AccountRecord account;
await using (var store = OffenStore.Open(Dialect.Sqlite, dbPath))
{
    var wanted = o.Str("account", "");
    if (wanted.Length == 0)
    {
        var live = (await store.ListAccountsAsync()).Where(a => !a.Retired).ToList();
        if (live.Count != 1)
        {
            Console.Error.WriteLine($"DashSeed: the database has {live.Count} accounts; pass --account");
            return 2;
        }
        wanted = live[0].AccountId;
    }
    var found = await store.GetAccountAsync(wanted);
    if (found is null || found.Retired)
    {
        Console.Error.WriteLine($"DashSeed: no live account {wanted}");
        return 2;
    }
    account = found;
}

var sw = Stopwatch.StartNew();
var plan = Plan.Make(userCount, eventCount, seed, now, days);
var planSeconds = sw.Elapsed.TotalSeconds;
var lastWeek = plan.Events.Count(e => e.Ms >= now.ToUnixTimeMilliseconds() - (7 * 86_400_000L));
Console.WriteLine($"DashSeed: planned {userCount:N0} visitors, {plan.Sessions:N0} sessions, {eventCount:N0} events ({lastWeek:N0} in the last 7 days) from {plan.FirstMs.ToIso()} to {plan.LastMs.ToIso()} ({planSeconds:F1} s)");

using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dbPath, Pooling = false }.ConnectionString);
db.Open();
using (var cmd = db.CreateCommand())
{
    // A seeding run that dies is simply repeated on a fresh `offen setup` database, so durability is not needed here.
    cmd.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY;";
    cmd.ExecuteNonQuery();
    cmd.CommandText = "SELECT count(*) FROM events WHERE account_id = $a";
    cmd.Parameters.AddWithValue("$a", account.AccountId);
    if (Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) > 0)
    {
        Console.Error.WriteLine("DashSeed: the account already has events; seed a fresh `offen setup` database");
        return 2;
    }
}

// --- visitors: user id, AES-128 user secret, secret id, RSA-OAEP wrap (clients-and-crypto.md §4.4 "Exchanging") ---
sw.Restart();
var keys = new byte[userCount][];
var secretIds = new string[userCount];
const int SecretChunk = 4096;
await Pipeline.RunAsync((userCount + SecretChunk - 1) / SecretChunk,
    chunk =>
    {
        var from = chunk * SecretChunk;
        var to = Math.Min(userCount, from + SecretChunk);
        var wrapped = new string[to - from];
        // One RSA object per worker: .NET does not promise that one key object is safe to share across threads.
        Parallel.For(from, to, () => Rsa.ImportJwk(account.PublicKey), (u, _, rsa) =>
        {
            var rng = new Rng(Rng.Mix(seed, 0x05EC7E75, (ulong)u));
            var userId = rng.Uuid();
            var key = new byte[16];
            rng.Fill(key);
            keys[u] = key;
            // POST /api/exchange: secretId = hex(SHA-256(userId ‖ UserSalt)), computed by the server's own code.
            secretIds[u] = SecretIds.Hash(userId, account.UserSalt);
            // The vault wraps JSON.stringify of the exported WebCrypto JWK; Jwk.UserSecretJwk is that exact shape.
            wrapped[u - from] = Rsa.EncryptOaepSha256Versioned(rsa, Encoding.UTF8.GetBytes(Jwk.UserSecretJwk(key)));
            return rsa;
        }, rsa => rsa.Dispose());
        return (from, wrapped);
    },
    chunk =>
    {
        using var tx = db.BeginTransaction();
        using var insert = db.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = "INSERT INTO secrets (secret_id, encrypted_secret) VALUES ($id, $secret)";
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var secret = insert.Parameters.Add("$secret", SqliteType.Text);
        insert.Prepare();
        for (var i = 0; i < chunk.wrapped.Length; i++)
        {
            id.Value = secretIds[chunk.from + i];
            secret.Value = chunk.wrapped[i];
            insert.ExecuteNonQuery();
        }
        tx.Commit();
    });
var secretSeconds = sw.Elapsed.TotalSeconds;
Console.WriteLine($"DashSeed: {userCount:N0} user secrets RSA-OAEP-wrapped and stored in {secretSeconds:F1} s");

// --- events in time order: monotonic server-time ULIDs, AES-GCM payloads (clients-and-crypto.md §4.4 "Encrypting") ---
sw.Restart();
var ulids = new UlidSource(new Rng(Rng.Mix(seed, 0x0001D5, 0)));
var site2 = new Site(site);
var nonceTag = (uint)Rng.Mix(seed, 0x0000AE5, 0);
const int EventChunk = 20_000;
await Pipeline.RunAsync((eventCount + EventChunk - 1) / EventChunk,
    chunk =>
    {
        var from = chunk * EventChunk;
        var to = Math.Min(eventCount, from + EventChunk);
        // The server mints the event id on receipt and the sequence when the row is written (server.md §5.5):
        // both from one monotonic source, so both increase in time order.
        var ids = new string[to - from];
        var sequences = new string[to - from];
        for (var i = from; i < to; i++)
        {
            ids[i - from] = ulids.Next(plan.Events[i].Ms);
            sequences[i - from] = ulids.Next(plan.Events[i].Ms);
        }
        var payloads = new string[to - from];
        Parallel.For(from, to, i =>
        {
            ref readonly var e = ref plan.Events[i];
            // A unique 12-byte IV per event (a 4-byte run tag and the event's index) keeps seeding deterministic
            // without ever reusing an IV under one key.
            Span<byte> iv = stackalloc byte[12];
            BinaryPrimitives.WriteUInt32BigEndian(iv, nonceTag);
            BinaryPrimitives.WriteUInt64BigEndian(iv[4..], (ulong)i);
            payloads[i - from] = Aead.EncryptVersioned(keys[e.User], Encoding.UTF8.GetBytes(site2.Payload(e, seed)), iv);
        });
        return (from, ids, sequences, payloads);
    },
    chunk =>
    {
        using var tx = db.BeginTransaction();
        using var insert = db.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = "INSERT INTO events (event_id, sequence, account_id, secret_id, payload) VALUES ($id, $seq, $account, $secret, $payload)";
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var seq = insert.Parameters.Add("$seq", SqliteType.Text);
        insert.Parameters.AddWithValue("$account", account.AccountId);
        var secret = insert.Parameters.Add("$secret", SqliteType.Text);
        var payload = insert.Parameters.Add("$payload", SqliteType.Text);
        insert.Prepare();
        for (var i = 0; i < chunk.ids.Length; i++)
        {
            id.Value = chunk.ids[i];
            seq.Value = chunk.sequences[i];
            secret.Value = secretIds[plan.Events[chunk.from + i].User];
            payload.Value = chunk.payloads[i];
            insert.ExecuteNonQuery();
        }
        tx.Commit();
    });
var eventSeconds = sw.Elapsed.TotalSeconds;

using (var cmd = db.CreateCommand())
{
    // Fold the WAL into the main file so the database is one file that can be copied for each run.
    cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
    cmd.ExecuteNonQuery();
}
db.Close();
Console.WriteLine($"DashSeed: {eventCount:N0} events AES-GCM-encrypted and stored in {eventSeconds:F1} s");
Console.WriteLine($"DashSeed: seeding took {total.Elapsed.TotalSeconds:F1} s on {Environment.ProcessorCount} cores (account {account.AccountId})");
return 0;

/// <summary>One pageview as planned; the payload text is derived from it when it is encrypted.</summary>
internal readonly record struct PlannedEvent(long Ms, int User, int Session, int Order, short Page, short Previous, short Referrer, short Campaign, short Geo, int Pageload, bool Mobile);

/// <summary>Visitors, sessions and pageviews in time order.</summary>
internal sealed class Plan
{
    public required PlannedEvent[] Events { get; init; }
    public required int Sessions { get; init; }
    public long FirstMs => Events[0].Ms;
    public long LastMs => Events[^1].Ms;

    public static Plan Make(int users, int events, ulong seed, DateTimeOffset now, double days)
    {
        var endMs = now.ToUnixTimeMilliseconds();
        var startMs = endMs - (long)(days * 86_400_000);
        var rng = new Rng(Rng.Mix(seed, 0x9A7, 0));

        // Events per visitor: one each, the rest spread with a heavy tail (most visitors come once, a few return
        // often), rounded so the total is exact.
        var weights = new double[users];
        double sum = 0;
        for (var u = 0; u < users; u++)
        {
            var x = -Math.Log(1 - rng.NextDouble());
            sum += weights[u] = x * x;
        }
        var extra = events - users;
        var budgets = new int[users];
        long assigned = 0;
        for (var u = 0; u < users; u++)
        {
            budgets[u] = 1 + (int)(extra * weights[u] / sum);
            assigned += budgets[u];
        }
        for (var u = 0; assigned < events; u = (u + 1) % users, assigned++) budgets[u]++;

        var list = new PlannedEvent[events];
        var n = 0;
        var session = 0;
        for (var u = 0; u < users; u++)
        {
            var r = new Rng(Rng.Mix(seed, 0x0515, (ulong)u));
            var geo = Site.PickGeo(r.NextDouble());
            var mobile = r.NextDouble() < 0.25;
            // A visitor is active from a first visit for a while (mean 30 days), inside the window.
            var first = startMs + (long)(r.NextDouble() * (endMs - startMs));
            var span = (long)Math.Min(endMs - first, -Math.Log(1 - r.NextDouble()) * 30 * 86_400_000);
            var left = budgets[u];
            var firstSession = true;
            while (left > 0)
            {
                // Sessions of 1-15 pageviews, mostly short; pageviews 30 s to 5 min apart.
                var count = Math.Min(left, 1 + (int)(15 * r.NextDouble() * r.NextDouble()));
                left -= count;
                var gaps = new long[count];
                long length = 0;
                for (var k = 1; k < count; k++) length += gaps[k] = 30_000 + r.Next(270_000);
                // No pageview after `now`: a late session starts early enough to end by then.
                var latest = Math.Max(startMs, endMs - length - 1);
                var start = firstSession ? Math.Min(first, latest) : Math.Min(first + (long)(r.NextDouble() * span), latest);
                firstSession = false;
                var referrer = Site.PickReferrer(r.NextDouble());
                var campaign = r.NextDouble() < 0.08 ? (short)r.Next(Site.Campaigns.Length) : (short)-1;
                short previous = -1;
                var t = start;
                for (var k = 0; k < count; k++)
                {
                    t += gaps[k];
                    var page = Site.PickPage(r.NextDouble());
                    if (page == previous) page = Site.PickPage(r.NextDouble());
                    // §2.3: pageload only on a full page load; an SPA's later views report null.
                    var pageload = k > 0 && r.NextDouble() < 0.35 ? -1 : (int)Math.Exp(6.8 + (0.5 * r.NextGaussian()));
                    list[n] = new PlannedEvent(t, u, session, n, page, previous, k == 0 ? referrer : (short)-1,
                        k == 0 ? campaign : (short)-1, geo, pageload, mobile);
                    n++;
                    previous = page;
                }
                session++;
            }
        }
        Array.Sort(list, static (a, b) => a.Ms != b.Ms ? a.Ms.CompareTo(b.Ms) : a.Order.CompareTo(b.Order));
        return new Plan { Events = list, Sessions = session };
    }
}

/// <summary>The tracked site: ~200 pages with a long-tail popularity, referrers, campaigns and countries.</summary>
internal sealed class Site(string origin)
{
    public static readonly string[] Pages = BuildPages();
    private static readonly double[] PageCdf = Cdf(Pages.Select((_, i) => 1 / Math.Pow(i + 1, 1.1)).ToArray());

    // §2.3: referrers are stored with their query removed, as URL.toString() renders them.
    public static readonly string[] Referrers =
    [
        "https://www.google.com/", "https://www.google.de/", "https://duckduckgo.com/", "https://www.bing.com/",
        "https://www.ecosia.org/", "https://t.co/", "https://news.ycombinator.com/", "https://www.reddit.com/r/selfhosted/",
        "https://github.com/", "https://mastodon.social/", "https://www.linkedin.com/", "https://www.facebook.com/",
        "https://lobste.rs/", "https://www.producthunt.com/", "https://android-app://com.google.android.gm/",
    ];
    private static readonly double[] ReferrerCdf = Cdf([30, 6, 8, 5, 3, 4, 3, 3, 3, 2, 2, 2, 1, 1, 1]);

    // Campaigns and sources are read from the landing page's utm parameters (clients-and-crypto.md §2.3).
    public static readonly string[] Campaigns =
    [
        "?utm_source=newsletter&utm_medium=email&utm_campaign=spring-release",
        "?utm_source=newsletter&utm_medium=email&utm_campaign=monthly-digest",
        "?utm_source=mastodon&utm_medium=social&utm_campaign=launch",
        "?utm_source=partner-blog&utm_campaign=guest-post",
        "?utm_source=conference&utm_medium=qr&utm_campaign=fosdem",
    ];

    private static readonly string[] Geos = ["DE", "US", "FR", "GB", "NL", "ES", "IT", "SE", "CH", "AT", "PL", "BR", "IN", "CA", "JP", "AU", "VN", "PT", "DK", "FI"];
    // 3 % null: a browser in a zone the vault cannot map (e.g. UTC) reports no country.
    private static readonly double[] GeoCdf = Cdf([25, 18, 8, 8, 5, 4, 4, 3, 3, 3, 3, 3, 3, 2, 2, 2, 1, 1, 1, 1, 3.1]);

    public static short PickPage(double x) => (short)Pick(PageCdf, x);
    public static short PickReferrer(double x) => x < 0.4 ? (short)-1 : (short)Pick(ReferrerCdf, (x - 0.4) / 0.6);
    public static short PickGeo(double x) => Pick(GeoCdf, x) is var i && i < Geos.Length ? (short)i : (short)-1;

    /// <summary>
    /// The event fields of clients-and-crypto.md §2.3 in the order web/vault/event.ts completes them (no rawHref:
    /// the pages have no canonical link); valid for web/vault/manage/schema.ts.
    /// </summary>
    public string Payload(in PlannedEvent e, ulong seed)
    {
        var href = origin + Pages[e.Page] + (e.Campaign >= 0 ? Campaigns[e.Campaign] : "");
        // Inside a session the referrer is the previous page without its query; the first view has the external one.
        var referrer = e.Previous >= 0 ? origin + Pages[e.Previous] : e.Referrer >= 0 ? Referrers[e.Referrer] : "";
        var pageload = e.Pageload < 0 ? "null" : e.Pageload.ToString(CultureInfo.InvariantCulture);
        // The vault's clock stamps the event a little before the server receives it.
        var timestamp = (e.Ms - 20 - (e.Order % 380)).ToIso();
        var sessionId = new Rng(Rng.Mix(seed, 0x5E5, (ulong)e.Session)).Uuid();
        var geo = e.Geo < 0 ? "null" : $"\"{Geos[e.Geo]}\"";
        // Every interpolated string is ASCII without quotes or backslashes, so this is what JSON.stringify produces.
        return $$"""{"type":"PAGEVIEW","href":"{{href}}","referrer":"{{referrer}}","pageload":{{pageload}},"isMobile":{{(e.Mobile ? "true" : "false")}},"timestamp":"{{timestamp}}","sessionId":"{{sessionId}}","geo":{{geo}}}""";
    }

    private static string[] BuildPages()
    {
        var pages = new List<string> { "/", "/about/", "/pricing/", "/contact/", "/blog/", "/docs/", "/jobs/", "/imprint/", "/privacy/", "/download/" };
        string[] topics = ["getting-started", "self-hosting", "consent", "encryption", "retention", "dashboards", "exports", "privacy-by-design", "release-notes", "community"];
        for (var i = 1; pages.Count < 140; i++) pages.Add($"/blog/{topics[i % topics.Length]}-{i}/");
        string[] sections = ["install", "configure", "operate", "api", "faq", "security"];
        for (var i = 0; pages.Count < 200; i++) pages.Add($"/docs/{sections[i % sections.Length]}/topic-{i / sections.Length + 1}/");
        return [.. pages];
    }

    private static double[] Cdf(double[] weights)
    {
        var total = weights.Sum();
        var cdf = new double[weights.Length];
        double acc = 0;
        for (var i = 0; i < weights.Length; i++) cdf[i] = (acc += weights[i]) / total;
        return cdf;
    }

    private static int Pick(double[] cdf, double x)
    {
        var i = Array.BinarySearch(cdf, x);
        return Math.Min(i < 0 ? ~i : i, cdf.Length - 1);
    }
}

/// <summary>SplitMix64: small, fast and the same on every run and machine (System.Random's seeded variant is not promised to stay).</summary>
internal struct Rng(ulong state)
{
    private ulong _state = state;

    public static ulong Mix(ulong seed, ulong stream, ulong index)
    {
        var r = new Rng((seed * 0x9E3779B97F4A7C15UL) ^ (stream * 0xC2B2AE3D27D4EB4FUL) ^ (index * 0x165667B19E3779F9UL));
        r.NextUInt64();
        return r.NextUInt64();
    }

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public int Next(int max) => (int)(NextDouble() * max);

    public double NextGaussian() => Math.Sqrt(-2 * Math.Log(1 - NextDouble())) * Math.Cos(2 * Math.PI * NextDouble());

    public void Fill(Span<byte> bytes)
    {
        Span<byte> word = stackalloc byte[8];
        for (var i = 0; i < bytes.Length; i += 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(word, NextUInt64());
            word[..Math.Min(8, bytes.Length - i)].CopyTo(bytes[i..]);
        }
    }

    /// <summary>A version-4 UUID as the vault's uuid() and the server's Guid.NewGuid() render it.</summary>
    public string Uuid()
    {
        Span<byte> b = stackalloc byte[16];
        Fill(b);
        b[6] = (byte)((b[6] & 0x0F) | 0x40);
        b[8] = (byte)((b[8] & 0x3F) | 0x80);
        return new Guid(b, bigEndian: true).ToString();
    }
}

/// <summary>
/// Monotonic ULIDs for given times (server.md §5.7, like Offen.Persistence.Ulids but seeded and for past times):
/// a later millisecond draws fresh entropy, the same millisecond increments it by a random amount.
/// </summary>
internal sealed class UlidSource(Rng rng)
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static readonly UInt128 MaxEntropy = (UInt128.One << 80) - UInt128.One;
    private Rng _rng = rng;
    private long _lastMs = -1;
    private UInt128 _last;

    public string Next(long ms)
    {
        if (ms > _lastMs)
        {
            _lastMs = ms;
            _last = Entropy();
        }
        else
        {
            var step = (UInt128)(1 + (_rng.NextUInt64() >> 33));
            if (MaxEntropy - _last < step)
            {
                _lastMs++;
                _last = Entropy();
            }
            else
            {
                _last += step;
            }
        }
        var value = ((UInt128)(ulong)_lastMs << 80) | _last;
        return string.Create(26, value, static (span, v) =>
        {
            for (var i = 0; i < 26; i++) span[i] = Alphabet[(int)((v >> (125 - (5 * i))) & 31)];
        });
    }

    private UInt128 Entropy() => (((UInt128)_rng.NextUInt64() << 64) | _rng.NextUInt64()) & MaxEntropy;
}

/// <summary>Produces chunk k+1 (in parallel inside) while chunk k is written on this thread.</summary>
internal static class Pipeline
{
    public static async Task RunAsync<T>(int chunks, Func<int, T> produce, Action<T> consume)
    {
        if (chunks == 0) return;
        var next = Task.Run(() => produce(0));
        for (var c = 0; c < chunks; c++)
        {
            var current = await next;
            var following = c + 1;
            next = following < chunks ? Task.Run(() => produce(following)) : Task.FromResult(default(T)!);
            consume(current);
        }
    }
}

internal static class Times
{
    /// <summary>What JavaScript's Date.prototype.toISOString() prints.</summary>
    public static string ToIso(this long ms) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

/// <summary>`--name value` pairs.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public Options(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length) throw new ArgumentException($"unexpected argument '{args[i]}'");
            _values[args[i][2..]] = args[++i];
        }
        if (!_values.ContainsKey("db")) throw new ArgumentException("--db is required");
    }

    public bool Has(string name) => _values.ContainsKey(name);
    public string Str(string name, string? fallback = null) =>
        _values.TryGetValue(name, out var v) ? v : fallback ?? throw new ArgumentException($"--{name} is required");
    public double Num(string name, double fallback) => _values.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
    public long Long(string name, long fallback) => _values.TryGetValue(name, out var v) ? long.Parse(v, CultureInfo.InvariantCulture) : fallback;
    public int Int(string name, int fallback) => checked((int)Long(name, fallback));
}
