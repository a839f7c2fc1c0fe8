using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Offen.Auth;
using Offen.Crypto;

namespace Offen.Hostile.Tests;

/// <summary>What the generator needs to know about the running instance (all created by the test before the flood).</summary>
/// <param name="Authority">host:port of the server, sent as Host; its origin is the only same origin (D6).</param>
/// <param name="AuthToken">a valid `auth` cookie of the super admin (logged out before the flood: still valid, server.md §3.4).</param>
/// <param name="UsedResetToken">a reset token for <paramref name="AdminEmail"/> that was already used once.</param>
/// <param name="JoinToken">the join token of <paramref name="InviteeEmail"/>, who already joined with it.</param>
/// <param name="HostileVisitors">user ids of visitors with a real secret; their events carry hostile payloads.</param>
/// <param name="VictimUserId">a visitor whose events must survive cross-site purge attempts (D6).</param>
public sealed record CorpusContext(
    string Authority, string AccountId, string AdminUserId, string AdminEmail, string AdminPassword, string AuthToken,
    string UsedResetToken, string JoinToken, string InviteeEmail, byte[] Secret,
    IReadOnlyList<string> HostileVisitors, string VictimUserId)
{
    public string Origin => $"http://{Authority}";
    public int Port => int.Parse(Authority[(Authority.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
}

/// <summary>One hostile request and the statuses server.md allows for it.</summary>
/// <param name="Class">the request class of the summary table.</param>
/// <param name="Route">the route the request aims at, as "METHOD /pattern" of the endpoint table (or "(unmatched) …").</param>
/// <param name="Expected">the allowed statuses. A 5xx appears here only where server.md prescribes it.</param>
/// <param name="MayClose">the server may close the connection without a response (only for oversize heads).</param>
public sealed record Probe(string Class, string Route, RawRequest Request, IReadOnlySet<int> Expected, bool MayClose = false)
{
    /// <summary>Values sent in identifying fields (emails, passwords, tokens, cookie values): never in the logs.</summary>
    public IReadOnlyList<string> Identifying { get; init; } = [];
    /// <summary>Set for events of the hostile visitors: on 201 this exact payload must be stored.</summary>
    public string? StoredPayload { get; init; }
    /// <summary>May wait in the delaying limiter (up to 30 s, server.md §1.8), so it runs in the wide lane.</summary>
    public bool Slow => Expected.Contains(429) || Expected.Contains(201);
}

/// <summary>
/// The deterministic generator of hostile requests (issue 6 item 3). Everything random comes from one seeded
/// <see cref="Random"/>, so a seed names a corpus. Request classes and their expected statuses follow server.md
/// §1.2–1.5 and README D6/D12; Kestrel's own answers (400 bad request, 414, 431, 505) for input that never
/// reaches the application are listed where they apply.
/// </summary>
public sealed class HostileCorpus
{
    // Routes, named like the endpoint table (method + pattern) so the coverage test can compare.
    public const string Healthz = "ANY /healthz";
    public const string Versionz = "GET /versionz";
    public const string Vault = "GET /vault";
    public const string ExchangeGet = "GET /api/exchange";
    public const string ExchangePost = "POST /api/exchange";
    public const string EventsPost = "POST /api/events";
    public const string EventsGet = "GET /api/events";
    public const string Purge = "POST /api/purge";
    public const string LoginPost = "POST /api/login";
    public const string LoginGet = "GET /api/login";
    public const string Logout = "POST /api/logout";
    public const string ChangePassword = "POST /api/change-password";
    public const string ChangeEmail = "POST /api/change-email";
    public const string Forgot = "POST /api/forgot-password";
    public const string Reset = "POST /api/reset-password";
    public const string ShareId = "POST /api/share-account/{accountID}";
    public const string Share = "POST /api/share-account";
    public const string Join = "POST /api/join";
    public const string SetupGet = "GET /api/setup";
    public const string SetupPost = "POST /api/setup";
    public const string AccountGet = "GET /api/accounts/{accountID}";
    public const string AccountDelete = "DELETE /api/accounts/{accountID}";
    public const string AccountsPost = "POST /api/accounts";
    public const string Styles = "PUT /api/accounts/{accountID}/account-styles";
    public const string CachedSecretsGet = "GET /api/accounts/{accountID}/cached-secrets";
    public const string CachedSecretsPost = "POST /api/accounts/{accountID}/cached-secrets";
    public const string RollupsGet = "GET /api/accounts/{accountID}/rollups";
    public const string RollupPut = "PUT /api/accounts/{accountID}/rollups/{key}";
    public const string RollupDelete = "DELETE /api/accounts/{accountID}/rollups/{key}";
    public const string Unmatched = "(unmatched) static files and index page";

    /// <summary>The only 5xx answers allowed anywhere, and why.</summary>
    public static readonly IReadOnlyDictionary<int, string> ExpectedServerErrors = new Dictionary<int, string>
    {
        [500] = "POST /api/setup on an instance that is set up: server.md §1.4 'Any failure gives 500' (sharp edge §11.3)",
        [505] = "a request line with an HTTP version Kestrel does not implement (HTTP/9.9): RFC 9110 §15.6.6",
    };

    private readonly Random _rng;
    private readonly CorpusContext _c;
    private readonly List<Probe> _probes = [];
    private readonly TokenSigner _signer;
    private readonly TokenSigner _wrongSigner;
    private readonly DateTimeOffset _now;

    private HostileCorpus(CorpusContext c, int seed, DateTimeOffset now)
    {
        _c = c;
        _now = now;
        _rng = new Random(seed);
        _signer = new TokenSigner(c.Secret);
        _wrongSigner = new TokenSigner([.. c.Secret.Select(b => (byte)(b ^ 0x5a))]);
    }

    /// <summary>The corpus of one seed. <paramref name="scale"/> 1 gives about 11,500 requests; <paramref name="now"/>
    /// (default: the clock) is when the forged tokens claim to be signed.</summary>
    public static IReadOnlyList<Probe> Generate(CorpusContext context, int seed, double scale = 1.0, DateTimeOffset? now = null)
    {
        var g = new HostileCorpus(context, seed, now ?? DateTimeOffset.UtcNow);
        int N(int n) => Math.Max(1, (int)Math.Round(n * scale));
        g.BrokenJson(N(1400));
        g.WrongTypes(N(900));
        g.InvalidUtf8(N(700));
        g.HugeBodies(N(160));
        g.BrokenFraming(N(250));
        g.SqlAndHtml(N(2000));
        g.ForgedAuth(N(1200));
        g.ReplayedAuth(N(60));
        g.ForgedTokens(N(700));
        g.Traversal(N(900));
        g.OversizeHeads(N(150));
        g.CrossOrigin(N(900));
        g.UnknownMethods(N(500));
        g.HugeQueries(N(400));
        g.InvalidCookies(N(600));
        g.NonUuidIds(N(700));
        g.ReplayedVisitors(N(50));
        g.HostileVisitorEvents(N(80));
        return g._probes;
    }

    // ---------------------------------------------------------------- building blocks

    private static IReadOnlySet<int> S(params int[] s) => s.ToHashSet();
    private T Pick<T>(IReadOnlyList<T> items) => items[_rng.Next(items.Count)];
    private bool Chance(double p) => _rng.NextDouble() < p;

    /// <summary>A unique marker per value: "zq" + 13 hex digits, searched for in the server's logs afterwards.</summary>
    private string Marker() => $"zq{_probes.Count:x5}{_rng.Next():x8}";

    /// <summary>SQL, template, format-string and HTML metacharacters; HTML payloads carry a <c>&lt;zqx-</c> tag,
    /// so an unescaped reflection anywhere is detectable.</summary>
    private static readonly string[] Meta =
    [
        "' OR '1'='1", "' OR 1=1 --", "\"; DROP TABLE events; --", "'; DELETE FROM account_users; --",
        "1' UNION SELECT hashed_password, salt FROM account_users --", "admin'--", "%' AND 1=0 UNION ALL SELECT NULL --",
        "1; SELECT pg_sleep(20) --", "' AND SLEEP(20) --", "') OR ('a'='a", "\\'\\\"\\\\", "`id`", "$1 $$x$$", "?", ":id @id",
        "' || (SELECT sqlite_version()) || '", "0x27 CHAR(39)", "%27%20OR%201%3D1", "\u0000", "\r\nSet-Cookie: zqinjected=1",
        "<zqx-script>alert(1)</zqx-script>", "\"><zqx-img src=x onerror=alert(1)>", "</style><zqx-script>x</zqx-script>",
        "<!--<zqx-c>-->", "]]><zqx-x>", "{{7*7}}", "${7*7}", "#{7*7}", "%s%n%x%p", "../../../../etc/passwd", "\u202e\u200b",
        "𝕏 \ud83d\ude00", "ＡＤＭＩＮ", "null", "[]", "{}", "true", "-1", "1e309", new string('\'', 300), "\\u0000",
    ];

    private string Meta1() => Pick(Meta);
    private string Hostile() => Meta1() + Marker();
    private string HostileEmail() => Chance(0.5) ? $"{Marker()}{Meta1()}@example.invalid" : $"{Marker()}@{Meta1()}";

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>JSON with raw metacharacters or with the default escaping, at random.</summary>
    private byte[] Json(JsonObject o) => Encoding.UTF8.GetBytes(o.ToJsonString(Chance(0.5) ? Relaxed : JsonSerializerOptions.Default));

    private static string Q(string s) => Uri.EscapeDataString(s);

    /// <summary>A cookie value: printable ASCII kept raw where RFC 6265 allows it, everything else percent-encoded.</summary>
    private static string CookieValue(string s) =>
        s.All(ch => ch is > ' ' and < (char)0x7f and not (';' or ',' or '"' or '\\')) ? s : Q(s);

    /// <summary>A request with Host, the given headers, Content-Length when there is a body, and Connection: close.</summary>
    private RawRequest Http(string method, string target, byte[]? body = null, IEnumerable<(string Name, string Value)>? headers = null)
    {
        var sb = new StringBuilder();
        sb.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\n");
        sb.Append("Host: ").Append(_c.Authority).Append("\r\n");
        foreach (var (name, value) in headers ?? []) sb.Append(name).Append(": ").Append(value).Append("\r\n");
        if (body is not null) sb.Append("Content-Length: ").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        sb.Append("Connection: close\r\n\r\n");
        return new RawRequest(RawRequest.Latin1(sb.ToString()), body ?? [], method == "HEAD");
    }

    private byte[] Chunk(byte[] body)
    {
        var ms = new MemoryStream();
        for (var i = 0; i < body.Length;)
        {
            var n = Math.Min(body.Length - i, _rng.Next(1, 256 * 1024));
            ms.Write(Encoding.ASCII.GetBytes($"{n:x}\r\n"));
            ms.Write(body, i, n);
            ms.Write("\r\n"u8);
            i += n;
        }
        ms.Write("0\r\n\r\n"u8);
        return ms.ToArray();
    }

    private static (string, string) Cookie(params (string Name, string Value)[] cookies) =>
        ("Cookie", string.Join("; ", cookies.Select(c => $"{c.Name}={c.Value}")));

    private (string, string) Auth => Cookie(("auth", _c.AuthToken));
    /// <summary>A user id no one has used: a version-4 UUID from the seeded generator.</summary>
    private string FreshUser()
    {
        Span<byte> b = stackalloc byte[16];
        _rng.NextBytes(b);
        b[7] = (byte)((b[7] & 0x0f) | 0x40);
        b[8] = (byte)((b[8] & 0x3f) | 0x80);
        return new Guid(b).ToString();
    }

    private void Add(Probe p) => _probes.Add(p);

    // ---------------------------------------------------------------- body routes

    /// <summary>
    /// A route that decodes a JSON body, with the prerequisites to reach the decoder (valid auth, consent and a
    /// fresh user cookie) and its answers: <see cref="DecodeError"/> for a body that does not decode (400, D12 413),
    /// <see cref="Junk"/> for a decodable body with hostile values in <c>field</c> (server.md §1.4).
    /// </summary>
    private sealed record BodyRoute(string Key, string Method, Func<string> Target, string[] Fields, Func<IEnumerable<(string, string)>> Headers,
        IReadOnlySet<int> DecodeError, Func<string, IReadOnlySet<int>> Junk);

    private IReadOnlyList<BodyRoute>? _bodyRoutes;

    private IReadOnlyList<BodyRoute> BodyRoutes => _bodyRoutes ??=
    [
        // decode, then limit (a fresh user id: never waits), then associate: unknown account 400 (§1.4)
        new(ExchangePost, "POST", () => "/api/exchange", ["accountId", "encryptedSecret"], () => Chance(0.5) ? [] : [Cookie(("user", FreshUser()))],
            S(400), f => f == "encryptedSecret" ? S(204) : S(400)),
        // consent, user cookie, limit (fresh user), decode; unknown account 404, no secret 400 (§1.4)
        new(EventsPost, "POST", () => "/api/events", ["accountId", "payload"], () => [Cookie(("consent", "allow"), ("user", FreshUser()))],
            S(400), f => f == "payload" ? S(400) : S(404)),
        new(LoginPost, "POST", () => "/api/login", ["username", "password"], () => [], S(400), _ => S(401, 429)),
        // the limiter runs before the decoder here (§1.4), keyed by the one admin: 429 once the queue is 30 s long
        new(ChangePassword, "POST", () => "/api/change-password", ["changedPassword", "currentPassword"], () => [Auth], S(400, 429), _ => S(400, 429)),
        new(ChangeEmail, "POST", () => "/api/change-email", ["emailAddress", "emailCurrent", "password"], () => [Auth], S(400, 429), _ => S(400, 429)),
        // unknown addresses are not revealed: 204 (§1.4)
        new(Forgot, "POST", () => "/api/forgot-password", ["emailAddress", "urlTemplate"], () => [], S(400), _ => S(204, 429)),
        // the token is verified first: 400 (§1.4)
        new(Reset, "POST", () => "/api/reset-password", ["emailAddress", "password", "token"], () => [], S(400), _ => S(400)),
        new(Share, "POST", () => "/api/share-account", ["invitee", "emailAddress", "password", "urlTemplate"], () => [Auth], S(400), _ => S(401, 429)),
        new(ShareId, "POST", () => $"/api/share-account/{_c.AccountId}", ["invitee", "emailAddress", "password", "urlTemplate"], () => [Auth], S(400), _ => S(401, 429)),
        new(Join, "POST", () => "/api/join", ["emailAddress", "password", "token"], () => [], S(400), _ => S(400)),
        // an instance that is set up answers 500 to every decodable setup (§1.4, sharp edge §11.3)
        new(SetupPost, "POST", () => "/api/setup", ["accountName", "emailAddress", "password"], () => [], S(400), _ => S(429, 500)),
        new(AccountsPost, "POST", () => "/api/accounts", ["accountName", "emailAddress", "password"], () => [Auth], S(400), _ => S(401, 429)),
        // invalid CSS 400, valid CSS 204 (§1.9)
        new(Styles, "PUT", () => $"/api/accounts/{_c.AccountId}/account-styles{(Chance(0.5) ? "?dryRun=1" : "")}", ["accountStyles"], () => [Auth],
            S(400), _ => S(204, 400, 429)),
    ];

    /// <summary>A decodable body with hostile strings in every field, except that some fields keep the value that
    /// lets the request reach the code under test (the real account id for a hostile payload or secret).</summary>
    private JsonObject JunkBody(BodyRoute r, string? hostileField, Func<string> hostile, List<string> identifying)
    {
        var o = new JsonObject();
        foreach (var f in r.Fields)
        {
            string value;
            if (f == "accountId" && hostileField is not ("accountId" or "all")) value = _c.AccountId;
            else if (f == "accountStyles" && hostileField != f && hostileField != "all") value = ".banner__root { color: red; }";
            else value = IsEmailField(f) ? HostileEmail() : hostile();
            if (IsIdentifyingField(f)) identifying.Add(value);
            o[f] = value;
        }
        if (r.Key is Share or ShareId) o["grantAdminPrivileges"] = Chance(0.5);
        return o;
    }

    private static bool IsEmailField(string f) => f is "username" or "emailAddress" or "emailCurrent" or "invitee";
    private static bool IsIdentifyingField(string f) => IsEmailField(f) || f is "password" or "currentPassword" or "changedPassword" or "token";

    private static IEnumerable<string> CookieIdentifying(IEnumerable<(string Name, string Value)> headers) =>
        headers.Where(h => h.Name == "Cookie").SelectMany(h => h.Value.Split("; ")).Select(c => c.Split('=', 2))
            .Where(p => p.Length == 2 && p[0] is "user" or "auth" && p[1].Length > 0).Select(p => p[1]);

    // ---------------------------------------------------------------- classes

    private static readonly string[] BrokenBodies =
    [
        "", "{", "}", "[", "]", "{\"", "{\"a\"", "{\"a\":", "{\"a\":}", "{'a':'b'}", "{a:1}", "{\"a\":1,}", "[1,]", "/*x*/{}", "{}/*x*/",
        "{}//", "nul", "nulll", "tru", "NaN", "Infinity", "-", "01", "0x10", "\"unterminated", "{\"a\":\"\\x41\"}", "{\"a\":\"\\u12\"}",
        "{\"a\":\"tab\there\"}", "{\"a\" \"b\"}", "{\"a\":1}}", "{}{}", "[]", "[{}]", "\"str\"", "42", "true", "false", "{\"a\":[1,2}",
        "\u0000", "{\"a\":\"b\"\u0000}", "\t\r\n", "\uFEFF{}", "{\"a\":-}", "{\"a\":.5}", "{\"a\":+1}", "{,}",
        "{\"a\":\"b\",,\"c\":\"d\"}", "{\"username\":\"x\"\"password\":\"y\"}",
    ];

    private void BrokenJson(int n)
    {
        for (var i = 0; i < n; i++)
        {
            var r = Pick(BodyRoutes);
            byte[] body;
            switch (_rng.Next(6))
            {
                case 0: // deep nesting beyond the decoder's depth limit
                    var depth = _rng.Next(65, 20000);
                    body = Encoding.ASCII.GetBytes(Chance(0.5) ? new string('[', depth) + new string(']', depth) : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth));
                    break;
                case 1: // a valid body cut short: every strict prefix of a compact JSON object is invalid
                    var full = Json(JunkBody(r, null, Hostile, []));
                    body = full[..Math.Max(1, _rng.Next(full.Length))];
                    break;
                case 2: // a valid body followed by garbage
                    body = [.. Json(JunkBody(r, null, Hostile, [])), .. "x"u8];
                    break;
                case 3: // printable noise that can never be JSON (it starts with '@')
                    body = Encoding.ASCII.GetBytes("@" + new string(Enumerable.Range(0, _rng.Next(1, 300)).Select(_ => (char)_rng.Next(0x20, 0x7f)).ToArray()));
                    break;
                default:
                    body = Encoding.UTF8.GetBytes(Pick(BrokenBodies));
                    break;
            }
            var headers = r.Headers().ToList();
            Add(new Probe("broken-json", r.Key, Http(r.Method, r.Target(), body, headers), r.DecodeError) { Identifying = CookieIdentifying(headers).ToList() });
        }
    }

    private static readonly string[] WrongTypeValues = ["1", "-1.5", "true", "false", "[]", "{}", "[\"a\"]", "{\"$ne\":\"\"}", "1e308", "12345678901234567890", "[null]"];

    private void WrongTypes(int n)
    {
        for (var i = 0; i < n; i++)
        {
            var r = Pick(BodyRoutes);
            var o = JunkBody(r, null, Hostile, []);
            if (r.Key is Share or ShareId && Chance(0.3)) o["grantAdminPrivileges"] = JsonNode.Parse(Pick(["\"true\"", "1", "null", "{}", "[]", "\"yes\""]));
            else o[Pick(r.Fields)] = JsonNode.Parse(Pick(WrongTypeValues));
            var headers = r.Headers().ToList();
            Add(new Probe("wrong-types", r.Key, Http(r.Method, r.Target(), Json(o), headers), r.DecodeError) { Identifying = CookieIdentifying(headers).ToList() });
        }
    }

    private static readonly byte[][] InvalidUtf8Bytes =
    [
        [0xC3, 0x28], [0xA0, 0xA1], [0xE2, 0x28, 0xA1], [0xE2, 0x82, 0x28], [0xF0, 0x28, 0x8C, 0xBC], [0xF8, 0xA1, 0xA1, 0xA1, 0xA1],
        [0xFC, 0xA1, 0xA1, 0xA1, 0xA1, 0xA1], [0xFE], [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82],
    ];

    private void InvalidUtf8(int n)
    {
        for (var i = 0; i < n; i++)
        {
            var kind = _rng.Next(10);
            if (kind < 7)
            {
                // inside a JSON string (raw bytes or an escaped lone surrogate), or in a member name: 400 (§1.2)
                var r = Pick(BodyRoutes);
                var f = Pick(r.Fields);
                var o = JunkBody(r, null, Hostile, []);
                o[f] = "\u0001PLACEHOLDER\u0001";
                var text = o.ToJsonString(Relaxed);
                var placeholder = "\\u0001PLACEHOLDER\\u0001";
                var at = text.IndexOf(placeholder, StringComparison.Ordinal);
                byte[] bad = Chance(0.3) ? Encoding.ASCII.GetBytes(Pick(["\\ud800", "\\udc00", "\\ud800\\u0041", "\\udbff\\udbff"])) : Pick(InvalidUtf8Bytes);
                var before = Encoding.UTF8.GetBytes(text[..at]);
                var after = Encoding.UTF8.GetBytes(text[(at + placeholder.Length)..]);
                var expected = r.DecodeError;
                if (Chance(0.2))
                {
                    // in the member name instead: the decoder compares names as bytes, so the member is merely
                    // unknown and ignored (§1.2), and the route answers as for a missing field
                    var nameAt = Array.LastIndexOf(before, (byte)'"', before.Length - 4);
                    before = [.. before[..(nameAt + 1)], .. bad, .. before[(nameAt + 1)..]];
                    bad = "x"u8.ToArray();
                    expected = expected.Union(r.Junk(f)).Union(r.Key == Styles ? [204] : []).ToHashSet();
                }
                var headers = r.Headers().ToList();
                Add(new Probe("invalid-utf8", r.Key, Http(r.Method, r.Target(), [.. before, .. bad, .. after], headers), expected)
                    { Identifying = CookieIdentifying(headers).ToList() });
                continue;
            }
            var raw = Encoding.Latin1.GetString(Pick(InvalidUtf8Bytes));
            switch (kind)
            {
                case 7: // raw bytes in the path: Kestrel refuses the request line
                    Add(new Probe("invalid-utf8", Unmatched, Http(Pick(["GET", "POST"]), "/" + raw + Marker()), S(400)));
                    break;
                case 8: // raw bytes in a cookie or header value: Kestrel refuses the header
                    var user = raw + Marker();
                    Add(new Probe("invalid-utf8", EventsGet, Http("GET", "/api/events", headers: [Cookie(("user", user))]), S(400)));
                    break;
                default: // percent-encoded invalid UTF-8 in the query: decoded leniently, then an unknown account
                    var enc = string.Concat(Pick(InvalidUtf8Bytes).Select(b => $"%{b:X2}"));
                    Add(Chance(0.5)
                        ? new Probe("invalid-utf8", ExchangeGet, Http("GET", $"/api/exchange?accountId={enc}{Marker()}"), S(400))
                        : new Probe("invalid-utf8", Vault, Http("GET", $"/vault?accountId={enc}{Marker()}&locale={enc}"), S(400)));
                    break;
            }
        }
    }

    private byte[]? _big;
    private byte[][]? _chunked;

    /// <summary>Adds one header line (framing, usually) to a head built without a body.</summary>
    private static RawRequest WithHeader(RawRequest head, string header, ReadOnlyMemory<byte> body) =>
        new(RawRequest.Latin1(head.HeadText.Replace("Connection: close\r\n", header + "\r\nConnection: close\r\n", StringComparison.Ordinal)), body, head.HeadMethod);

    /// <summary>3 MiB of JSON-safe filler, shared by all huge bodies (D12 limit: 1 MiB).</summary>
    private byte[] Big => _big ??= Encoding.ASCII.GetBytes("{\"payload\":\"" + new string('A', 3 * 1024 * 1024) + "\"}");

    private void HugeBodies(int n)
    {
        const int limit = 1 << 20; // Offen.Web.Api.MaxBodyBytes, README D12
        for (var i = 0; i < n; i++)
        {
            var r = Pick(BodyRoutes);
            var headers = r.Headers().ToList();
            var id = CookieIdentifying(headers).ToList();
            var tooLarge = r.DecodeError.Contains(429) ? S(413, 429) : S(413);
            switch (i % 8)
            {
                case 0 or 1 or 2: // declared and sent, just over the limit up to 3 MiB (one shared buffer)
                    var size = _rng.Next(limit + 1, Big.Length);
                    Add(new Probe("huge-body", r.Key, WithHeader(Http(r.Method, r.Target(), null, headers), $"Content-Length: {size}", Big.AsMemory(0, size)), tooLarge) { Identifying = id });
                    break;
                case 3 or 4: // chunked, so the server only learns the size while reading
                    _chunked ??= [.. Enumerable.Range(0, 4).Select(k => Chunk(Big[..(limit + 1 + k * 300_000)]))];
                    Add(new Probe("huge-body", r.Key, WithHeader(Http(r.Method, r.Target(), null, headers), "Transfer-Encoding: chunked", Pick(_chunked)), tooLarge) { Identifying = id });
                    break;
                case 5 or 6: // a huge declared length with only the start of the body: refused on the header alone
                    var declared = Pick(new long[] { limit + 1, 50_000_000, 2_147_483_648, 1_000_000_000_000 });
                    Add(new Probe("huge-body", r.Key, WithHeader(Http(r.Method, r.Target(), null, headers), $"Content-Length: {declared}", "{\"a\":\""u8.ToArray()), tooLarge) { Identifying = id });
                    break;
                default: // the boundary on login: exactly 1 MiB decodes (then 401/429), one byte more is 413
                    var email = Marker() + "@example.invalid";
                    var prefix = $"{{\"username\":\"{email}\",\"password\":\"";
                    var exact = prefix + new string('p', limit - prefix.Length - 2) + "\"}";
                    var over = Chance(0.5);
                    var bytes = Encoding.ASCII.GetBytes(over ? exact[..^2] + "p\"}" : exact);
                    Add(new Probe("huge-body", LoginPost, Http("POST", "/api/login", bytes), over ? S(413) : S(401, 429)) { Identifying = [email] });
                    break;
            }
        }
    }

    private void BrokenFraming(int n)
    {
        for (var i = 0; i < n; i++)
        {
            if (i % 5 == 4)
            {
                // request lines and heads Kestrel refuses before any application code runs
                var (line, refused) = Pick(new (string, IReadOnlySet<int>)[]
                {
                    ($"GET / HTTP/9.9\r\nHost: {_c.Authority}\r\n", S(505)),
                    ($"GET / HTTP/1.2\r\nHost: {_c.Authority}\r\n", S(505)),
                    ($"GET  /  HTTP/1.1\r\nHost: {_c.Authority}\r\n", S(400)),
                    ($"GET /\r\nHost: {_c.Authority}\r\n", S(400)),
                    ($"G@T / HTTP/1.1\r\nHost: {_c.Authority}\r\n", S(400)),
                    ("GET / HTTP/1.1\r\n", S(400)), // no Host
                    ($"GET / HTTP/1.1\r\nHost: {_c.Authority}\r\nHost: evil.test\r\n", S(400)),
                    ($"GET http://evil.test/api/setup HTTP/1.1\r\nHost: {_c.Authority}\r\n", S(400)),
                    ($"GET / HTTP/1.1\r\nHost: {_c.Authority}\r\nBad Header\r\n", S(400)),
                    ($"GET / HTTP/1.1\r\nHost: {_c.Authority}\r\n folded: x\r\n", S(400)),
                    ($"GET / HTTP/1.1\r\nHost: {_c.Authority}\r\nX: a\u0000b\r\n", S(400)),
                    ($"GET /api/setup HTTP/1.1\r\nHost: a b\r\n", S(400)),
                });
                Add(new Probe("bad-request-line", Unmatched, new RawRequest(RawRequest.Latin1(line + "Connection: close\r\n\r\n"), ReadOnlyMemory<byte>.Empty), refused));
                continue;
            }
            // broken body framing on a route that reads the body: 400 (Kestrel's framing errors are client errors)
            var r = Pick(BodyRoutes);
            var headers = r.Headers().ToList();
            var json = Encoding.UTF8.GetString(Json(JunkBody(r, null, Hostile, [])));
            var (framing, body) = Pick(new (string, string)[]
            {
                ("Transfer-Encoding: chunked", $"ZZ\r\n{json}\r\n0\r\n\r\n"),
                ("Transfer-Encoding: chunked", $"FFFFFFFFFFFFFFFFFFFF\r\n{json}\r\n0\r\n\r\n"),
                ("Transfer-Encoding: chunked", $"3\r\n{json}\r\n0\r\n\r\n"),
                ("Transfer-Encoding: chunked", $"{json.Length:x}\r\n{json}XX0\r\n\r\n"),
                ("Transfer-Encoding: chunked", $"-{json.Length:x}\r\n{json}\r\n0\r\n\r\n"),
                ("Transfer-Encoding: gzip", json),
                ("Transfer-Encoding: chunked, gzip", $"{json.Length:x}\r\n{json}\r\n0\r\n\r\n"),
                ($"Content-Length: {json.Length}\r\nContent-Length: {json.Length + 1}", json + " "),
                ("Content-Length: abc", json),
                ("Content-Length: -5", json),
                ($"Content-Length: {json.Length}, {json.Length}x", json),
            });
            var expected = r.DecodeError.Contains(429) ? S(400, 429) : S(400);
            Add(new Probe("broken-framing", r.Key, WithHeader(Http(r.Method, r.Target(), null, headers), framing, Encoding.UTF8.GetBytes(body)), expected)
                { Identifying = CookieIdentifying(headers).ToList() });
        }
    }

    private void SqlAndHtml(int n)
    {
        for (var i = 0; i < n; i++)
        {
            var site = _rng.Next(20);
            if (site < 12)
            {
                // a body field (or all of them at once: "every field")
                var r = Pick(BodyRoutes);
                var field = Chance(0.2) ? null : Pick(r.Fields);
                var identifying = new List<string>();
                JsonObject o;
                if (field is null)
                {
                    o = JunkBody(r, "all", Hostile, identifying);
                    field = r.Fields.Contains("accountId") ? "accountId" : r.Fields[0];
                }
                else
                {
                    o = JunkBody(r, field, Hostile, identifying);
                }
                var headers = r.Headers().ToList();
                identifying.AddRange(CookieIdentifying(headers));
                Add(new Probe("sql-html", r.Key, Http(r.Method, r.Target(), Json(o), headers), r.Junk(field)) { Identifying = identifying });
                continue;
            }
            var v = Hostile();
            switch (site)
            {
                case 12: Add(new Probe("sql-html", ExchangeGet, Http("GET", $"/api/exchange?accountId={Q(v)}"), S(400))); break;
                case 13:
                    Add(Chance(0.5)
                        ? new Probe("sql-html", Vault, Http("GET", $"/vault?accountId={Q(v)}&locale={Q(Hostile())}"), S(400))
                        : new Probe("sql-html", Vault, Http("GET", $"/vault?locale={Q(v)}"), S(200)));
                    break;
                case 14: Add(new Probe("sql-html", Unmatched, Http("GET", $"/{Pick(new[] { "", "login/", "auditorium/", "setup/" })}?locale={Q(v)}"), S(200))); break;
                case 15:
                    // the user cookie carries the payload (it is the user id, hashed before any query)
                    var userCookie = CookieValue(v);
                    Add(Pick(new[]
                    {
                        new Probe("sql-html", EventsGet, Http("GET", $"/api/events?since={Q(Hostile())}", headers: [Cookie(("user", userCookie))]), S(200, 429)),
                        new Probe("sql-html", Purge, Http("POST", $"/api/purge?user={Q(Hostile())}", headers: [Cookie(("user", userCookie))]), S(204, 429)),
                        new Probe("sql-html", EventsPost, Http("POST", "/api/events", Json(new JsonObject { ["accountId"] = _c.AccountId, ["payload"] = Hostile() }),
                            [Cookie(("consent", "allow"), ("user", userCookie))]), S(400, 429)),
                    }) with { Identifying = [userCookie] });
                    break;
                case 16:
                    // a hostile account id in the path, with valid auth: not accessible (403) (§1.4)
                    var pid = Q(v);
                    Add(Pick(new[]
                    {
                        new Probe("sql-html", AccountGet, Http("GET", $"/api/accounts/{pid}?{AccountQuery()}", headers: [Auth]), PathIdExpect(v, S(403, 429))),
                        // our uncovered mode at the real account: every hostile value is refused (400), or waits
                        // in the account's limiter key past 30 s (429)
                        new Probe("sql-html", AccountGet, Http("GET", $"/api/accounts/{_c.AccountId}?{UncoveredQuery(v)}", headers: [Auth]), S(400, 429)),
                        new Probe("sql-html", AccountDelete, Http("DELETE", $"/api/accounts/{pid}", headers: [Auth]), PathIdExpect(v, S(403, 429))),
                        new Probe("sql-html", Styles, Http("PUT", $"/api/accounts/{pid}/account-styles", Json(new JsonObject { ["accountStyles"] = ".a { color: red; }" }), [Auth]), PathIdExpect(v, S(401))),
                        new Probe("sql-html", ShareId, Http("POST", $"/api/share-account/{pid}", Json(new JsonObject { ["invitee"] = HostileEmail() }), [Auth]), PathIdExpect(v, S(401))),
                    }));
                    break;
                case 17:
                    Add(new Probe("sql-html", Styles, Http("PUT", $"/api/accounts/{_c.AccountId}/account-styles?dryRun={Q(v)}",
                        Json(new JsonObject { ["accountStyles"] = ".banner__root { color: blue; }" }), [Auth]), S(204, 429)));
                    break;
                case 18:
                    Add(Pick(new[]
                    {
                        new Probe("sql-html", SetupGet, Http("GET", $"/api/setup?x={Q(v)}"), S(403)),
                        new Probe("sql-html", Versionz, Http("GET", $"/versionz?x={Q(v)}"), S(200)),
                        new Probe("sql-html", Healthz, Http(Pick(new[] { "GET", "POST", "DELETE" }), $"/healthz?x={Q(v)}", Encoding.UTF8.GetBytes(v)), S(200)),
                        new Probe("sql-html", LoginGet, Http("GET", $"/api/login?x={Q(v)}", headers: [Auth]), S(200)),
                    }));
                    break;
                default:
                    var authValue = CookieValue(Hostile());
                    Add(new Probe("sql-html", Logout, Http("POST", $"/api/logout?x={Q(v)}", Encoding.UTF8.GetBytes(Hostile()), [Cookie(("auth", authValue))]), S(204))
                        { Identifying = [authValue] });
                    break;
            }
        }
    }

    /// <summary>An account id in the path: a NUL is refused by Kestrel (400); otherwise the route's answer.</summary>
    /// <summary>A query of GET /api/accounts/:id with hostile values: upstream's <c>since</c>, or our uncovered mode's.</summary>
    private string AccountQuery() => Chance(0.5) ? $"since={Q(Hostile())}" : UncoveredQuery(Hostile());

    /// <summary>
    /// The parameters of our uncovered mode (docs/adr/0005-shared-caches.md) with <paramref name="v"/> where it breaks a
    /// rule: no hostile value is "0", "1" or a canonical ULID, so each of these is a 400 at an accessible account.
    /// </summary>
    private string UncoveredQuery(string v) => _rng.Next(6) switch
    {
        0 => $"uncovered=1&after={Q(v)}",
        1 => $"uncovered={Q(v)}",
        2 => $"uncovered=1&limit=1000&after={Q(v)}",
        3 => $"uncovered=1&after=01ARZ3NDEKTSV4RRFFQ69G5FAV&after={Q(v)}",
        4 => $"uncovered=1&since={Q(v)}",
        _ => $"after={Q(v)}",
    };

    private static IReadOnlySet<int> PathIdExpect(string id, IReadOnlySet<int> normal) => id.Contains('\0') ? S(400) : normal;

    private string Flip(string token, int from, int to)
    {
        var chars = token.ToCharArray();
        var at = _rng.Next(from, Math.Max(from + 1, to));
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char c;
        do c = alphabet[_rng.Next(alphabet.Length)]; while (c == chars[at]);
        chars[at] = c;
        return new string(chars);
    }

    /// <summary>Auth cookie values that must all be refused (server.md §1.3, §3.4, D1). Null means no cookie.</summary>
    private string? ForgedAuthToken()
    {
        var t = _c.AuthToken;
        var dot = t.IndexOf('.');
        switch (_rng.Next(20))
        {
            case 0: return null;
            case 1: return "";
            case 2: return Marker() + Pick(new[] { "", ".", "..", ".x", "x." });
            case 3: return Flip(t, 0, dot);
            case 4: return Flip(t, dot + 1, t.Length);
            case 5: return t[.._rng.Next(1, t.Length - 1)];
            case 6: return t + Pick(new[] { "A", "x", "-", "_" });
            case 7: return t + "=";
            case 8: return t[..dot] + _c.JoinToken[_c.JoinToken.IndexOf('.')..];
            case 9: return _signer.Sign(TokenNames.Auth, _c.AdminUserId, _now.AddHours(-25)); // D1: 24 h
            case 10: return _signer.Sign(TokenNames.Auth, _c.AdminUserId, _now.AddHours(2));
            case 11: return _wrongSigner.Sign(TokenNames.Auth, _c.AdminUserId, _now);
            case 12: return Pick(new[] { _c.UsedResetToken, _c.JoinToken });
            case 13: return _signer.Sign(Pick(new[] { TokenNames.Reset, TokenNames.Join }), _c.AdminUserId, _now);
            // correctly signed, but for a user that does not exist (a deleted one, say): 401 "user not found"
            case 14: return _signer.Sign(TokenNames.Auth, FreshUser(), _now);
            case 15: return _signer.Sign(TokenNames.Auth, Hostile().Replace('\0', '0'), _now);
            case 16: return new string('A', 5000);
            case 17: return t.Replace('-', '+').Replace('_', '/') + (t.Contains('-') || t.Contains('_') ? "" : "+");
            case 18: return Marker() + "." + Marker() + "." + Marker();
            default: return Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_now.ToUnixTimeSeconds()}|{_c.AdminUserId}|{Marker()}"));
        }
    }

    private void ForgedAuth(int n)
    {
        var routes = new (string Key, string Method, Func<string> Target, Func<byte[]?> Body)[]
        {
            (LoginGet, "GET", () => "/api/login", () => null),
            (ChangePassword, "POST", () => "/api/change-password", () => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { currentPassword = _c.AdminPassword, changedPassword = "forged-" + Marker() }))),
            (ChangeEmail, "POST", () => "/api/change-email", () => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { emailCurrent = _c.AdminEmail, emailAddress = Marker() + "@example.invalid", password = _c.AdminPassword }))),
            (Share, "POST", () => "/api/share-account", () => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { invitee = Marker() + "@example.invalid", emailAddress = _c.AdminEmail, password = _c.AdminPassword, urlTemplate = "/join/{token}/" }))),
            (ShareId, "POST", () => $"/api/share-account/{_c.AccountId}", () => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { invitee = Marker() + "@example.invalid", emailAddress = _c.AdminEmail, password = _c.AdminPassword }))),
            (AccountGet, "GET", () => $"/api/accounts/{_c.AccountId}", () => null),
            (AccountDelete, "DELETE", () => $"/api/accounts/{_c.AccountId}", () => null),
            (AccountsPost, "POST", () => "/api/accounts", () => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { accountName = "forged " + Marker(), emailAddress = _c.AdminEmail, password = _c.AdminPassword }))),
            (Styles, "PUT", () => $"/api/accounts/{_c.AccountId}/account-styles", () => "{\"accountStyles\":\".banner__root { color: red; }\"}"u8.ToArray()),
            // The shared encrypted caches (docs/adr/0005-shared-caches.md): a forged cookie reads and writes none.
            (CachedSecretsGet, "GET", () => $"/api/accounts/{_c.AccountId}/cached-secrets", () => null),
            (CachedSecretsPost, "POST", () => $"/api/accounts/{_c.AccountId}/cached-secrets", () => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { secrets = new Dictionary<string, string> { [new string('a', 64)] = "{1,} " + Marker() } }))),
            (RollupsGet, "GET", () => $"/api/accounts/{_c.AccountId}/rollups{(Chance(0.5) ? "?meta=1" : "")}", () => null),
            (RollupPut, "PUT", () => $"/api/accounts/{_c.AccountId}/rollups/day-{Marker()}", () => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { firstEventId = "01H00000000000000000000000", lastEventId = "01J00000000000000000000000", eventCount = 1, asOf = "01J00000000000000000000000", payload = Marker() }))),
            (RollupDelete, "DELETE", () => $"/api/accounts/{_c.AccountId}/rollups/day-{Marker()}", () => null),
        };
        for (var i = 0; i < n; i++)
        {
            var r = routes[i % routes.Length];
            var token = ForgedAuthToken();
            // Real credentials in the bodies: only the forged cookie stands between the request and its effect.
            var headers = token is null ? [] : new List<(string, string)> { Cookie(("auth", token)) };
            Add(new Probe("forged-auth", r.Key, Http(r.Method, r.Target(), r.Body(), headers), S(401))
                { Identifying = token is { Length: > 0 } ? [token] : [] });
        }
    }

    private void ReplayedAuth(int n)
    {
        // The admin logged out before the flood; the cookie value stays valid until it expires (server.md §3.4).
        for (var i = 0; i < n; i++)
            Add(new Probe("replayed-auth", LoginGet, Http("GET", "/api/login", headers: [Auth]), S(200)));
    }

    private string ForgedResetOrJoinToken(bool reset)
    {
        var real = reset ? _c.UsedResetToken : _c.JoinToken;
        var dot = real.IndexOf('.');
        var resetPayload = JsonSerializer.Serialize(new Dictionary<string, string> { ["token"] = Convert.ToBase64String(new byte[32]), ["emailAddress"] = _c.AdminEmail });
        return _rng.Next(16) switch
        {
            0 => "",
            1 => Hostile(),
            2 => Flip(real, 0, dot),
            3 => Flip(real, dot + 1, real.Length),
            4 => real[.._rng.Next(1, real.Length - 1)],
            5 => real + "=",
            6 => reset ? _signer.Sign(TokenNames.Reset, resetPayload, _now.AddHours(-25)) : _signer.Sign(TokenNames.Join, _c.InviteeEmail, _now.AddDays(-8)), // D1
            7 => reset ? _signer.Sign(TokenNames.Reset, resetPayload, _now.AddHours(3)) : _signer.Sign(TokenNames.Join, _c.InviteeEmail, _now.AddHours(3)),
            8 => _wrongSigner.Sign(reset ? TokenNames.Reset : TokenNames.Join, reset ? resetPayload : _c.InviteeEmail, _now),
            9 => _c.AuthToken, // kind swapped: the auth cookie
            10 => reset ? _c.JoinToken : _c.UsedResetToken, // kind swapped: the other token
            11 => reset ? _signer.Sign(TokenNames.Reset, Pick(new[] { _c.AdminEmail, "null", "[]", "{\"token\":1}", "{\"token\":\"%%%\",\"emailAddress\":\"x\"}" }), _now)
                        : _signer.Sign(TokenNames.Join, resetPayload, _now),
            12 => new string('B', 5000),
            13 => real.Replace('-', '+').Replace('_', '/') + "/+",
            14 => real + "." + Marker(),
            _ => _signer.Sign(TokenNames.Auth, reset ? resetPayload : _c.InviteeEmail, _now),
        };
    }

    private void ForgedTokens(int n)
    {
        for (var i = 0; i < n; i++)
        {
            var reset = Chance(0.5);
            var route = reset ? Reset : Join;
            var path = reset ? "/api/reset-password" : "/api/join";
            var password = Hostile();
            string token, email;
            IReadOnlySet<int> expected;
            var roll = _rng.Next(20);
            if (roll == 0)
            {
                // the real token, replayed: reset already used (no one-time key left), join already accepted.
                // Errors are only logged, the answer is 204 (§1.4); the password must not change.
                token = reset ? _c.UsedResetToken : _c.JoinToken;
                email = reset ? _c.AdminEmail : _c.InviteeEmail;
                expected = S(204, 429);
            }
            else if (roll == 1)
            {
                // the real token with another email: 400 (after the limiter for reset)
                token = reset ? _c.UsedResetToken : _c.JoinToken;
                email = HostileEmail();
                expected = reset ? S(400, 429) : S(400);
            }
            else
            {
                token = ForgedResetOrJoinToken(reset);
                email = Pick(new[] { _c.AdminEmail, _c.InviteeEmail, HostileEmail() });
                expected = S(400);
            }
            var body = Json(new JsonObject { ["emailAddress"] = email, ["password"] = password, ["token"] = token });
            Add(new Probe("forged-token", route, Http("POST", path, body), expected) { Identifying = [password, token, email] });
        }
    }

    private static readonly string[] TraversalPaths =
    [
        "/../../etc/passwd", "/../../../../../../etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd", "/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E/%2E%2E/etc/passwd",
        "/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/..\\..\\..\\etc\\passwd", "/..%5c..%5c..%5cetc%5cpasswd", "/%5c..%5c..%5cetc%5cpasswd",
        "/static/../../../etc/passwd", "/en/../../../../etc/shadow", "/vault/../../../proc/self/environ", "/fonts/..%2f..%2f..%2fproc%2fself%2fenviron",
        "/%252e%252e/%252e%252e/etc/passwd", "/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd", "/%e0%80%ae%e0%80%ae/etc/passwd", "/..;/..;/etc/passwd",
        "/.%2e/.%2e/etc/passwd", "//etc/passwd", "/./././etc/passwd", "/robots.txt%00.html", "/robots.txt%00", "/%00/etc/passwd", "/robots.txt\0",
        "/..", "/.", "/...", "/....//....//etc/passwd", "/index.go.html", "/emails.go.html", "/locales/../../../etc/passwd", "/proc/self/environ",
        "/etc/passwd", "/C:/Windows/win.ini", "/..%255c..%255cetc/passwd", "/%u002e%u002e/etc/passwd", "/static/en/../../../../offen.db",
        "/offen.db", "/../offen.db", "/%2e%2e/offen.db", "/.env", "/../.env", "/offen.env", "/../offen.env", "/script.js/..%2f..%2f..%2fetc/passwd",
        "/fonts.css?../../etc/passwd", "/robots.txt/", "/robots.txt/.", "/auditorium", "/auditorium/../../..", "/static/", "/static/en/",
        "/fonts/", "/en/vault/", "/vault/", "/../../../../../../../../../../../../../../../../../../../../etc/passwd", "/%2e%2e%5c%2e%2e%5cetc%5cpasswd",
        "/api/../../etc/passwd", "/api/%2e%2e/%2e%2e/proc/self/environ", "/\\\\evil.test/share", "/%5C%5Cevil.test%5Cshare",
    ];

    private static readonly string[] TraversalSegments = ["..", "%2e%2e", ".%2e", "%2e.", "..%5c", "..\\", "%2e%2e%5c", "....//", "%252e%252e", "..%c0%af"];
    private static readonly string[] TraversalTargets = ["etc/passwd", "proc/self/environ", "offen.db", "offen.env", ".env", "proc/self/cmdline", "root/.bash_history"];

    private void Traversal(int n)
    {
        for (var i = 0; i < n; i++)
        {
            var path = Chance(0.5) ? Pick(TraversalPaths)
                : "/" + string.Join("/", Enumerable.Range(0, _rng.Next(1, 12)).Select(_ => Pick(TraversalSegments))) + "/" + Pick(TraversalTargets);
            var method = _rng.Next(10) switch { < 6 => "GET", < 8 => "HEAD", _ => "POST" };
            // An unmatched path is a static file (any method), a directory redirect (301), the index page (GET,
            // HEAD) or a text 404 (other methods); Kestrel refuses a NUL or bad bytes with 400 (§1.5).
            Add(new Probe("traversal", Unmatched, Http(method, path, method == "POST" ? "{}"u8.ToArray() : null), S(200, 301, 400, 404)));
        }
    }

    private void OversizeHeads(int n)
    {
        for (var i = 0; i < n; i++)
        {
            var target = Pick(new[] { "/", "/api/events", "/api/login", "/api/setup", "/vault" });
            var method = target == "/api/login" ? "POST" : "GET";
            RawRequest req = _rng.Next(6) switch
            {
                // Kestrel's limits: 32 KiB of headers, 100 headers (431), 8 KiB request line (414)
                0 => Http(method, target, headers: [("X-Big", new string('a', _rng.Next(33_000, 60_000)))]),
                1 => Http(method, target, headers: Enumerable.Range(0, 10).Select(j => ($"X-H{j}", new string('b', 4000)))),
                2 => Http(method, target, headers: Enumerable.Range(0, _rng.Next(101, 400)).Select(j => ($"X-N{j}", "1"))),
                3 => Http(method, target, headers: [Cookie(("user", new string('c', _rng.Next(33_000, 50_000))))]),
                4 => Http(method, target + "?q=" + new string('d', _rng.Next(8200, 20_000))),
                _ => Http(method, "/" + new string('e', _rng.Next(8200, 20_000))),
            };
            // 431 or 414, or 400 (Kestrel's generic answer); closing the connection at once is acceptable too.
            Add(new Probe("oversize-head", target == "/" ? Unmatched : target switch
            {
                "/api/events" => EventsGet, "/api/login" => LoginPost, "/api/setup" => SetupGet, _ => Vault,
            }, req, S(400, 414, 431), MayClose: true));
        }
    }

    private void CrossOrigin(int n)
    {
        var port = _c.Port;
        var origins = new[]
        {
            "https://evil.test", "http://evil.test", "null", $"http://127.0.0.1:{port}.evil.test", $"http://127.0.0.1:{port + 1}",
            $"https://127.0.0.1:{port}", $"http://localhost:{port}", "http://127.0.0.1", $"http://127.0.0.1:{port}/", "file://",
            $"http://[::1]:{port}", "moz-extension://abc", $"http://evil.test/http://127.0.0.1:{port}",
        };
        var hostile = _c.HostileVisitors.Count > 0 ? _c.HostileVisitors[0] : FreshUser();
        string J(object o) => JsonSerializer.Serialize(o);
        // Each request would do real harm if D6 let it through (the post-flood checks would notice): retire the
        // account, change the admin's password or email, purge a visitor, invite, store an event, send mail.
        var routes = new (string Key, string Method, Func<string> Target, Func<string?> Body, Func<(string, string)[]> Headers)[]
        {
            (ExchangePost, "POST", () => "/api/exchange", () => J(new { accountId = _c.AccountId, encryptedSecret = "{1,} AAAA" }), () => [Cookie(("user", _c.VictimUserId))]),
            (EventsPost, "POST", () => "/api/events", () => J(new { accountId = _c.AccountId, payload = "csrf " + Marker() }), () => [Cookie(("consent", "allow"), ("user", hostile))]),
            (Purge, "POST", () => "/api/purge?user=1", () => null, () => [Cookie(("user", _c.VictimUserId))]),
            (LoginPost, "POST", () => "/api/login", () => J(new { username = _c.AdminEmail, password = _c.AdminPassword }), () => []),
            (Logout, "POST", () => "/api/logout", () => null, () => [Auth]),
            (ChangePassword, "POST", () => "/api/change-password", () => J(new { currentPassword = _c.AdminPassword, changedPassword = "csrf-" + Marker() }), () => [Auth]),
            (ChangeEmail, "POST", () => "/api/change-email", () => J(new { emailCurrent = _c.AdminEmail, emailAddress = Marker() + "@example.invalid", password = _c.AdminPassword }), () => [Auth]),
            (Forgot, "POST", () => "/api/forgot-password", () => J(new { emailAddress = _c.AdminEmail, urlTemplate = "https://evil.test/{token}" }), () => []),
            (Reset, "POST", () => "/api/reset-password", () => J(new { emailAddress = _c.AdminEmail, password = "csrf-" + Marker(), token = _c.UsedResetToken }), () => []),
            (Share, "POST", () => "/api/share-account", () => J(new { invitee = Marker() + "@example.invalid", emailAddress = _c.AdminEmail, password = _c.AdminPassword, urlTemplate = "/join/{token}/", grantAdminPrivileges = true }), () => [Auth]),
            (ShareId, "POST", () => $"/api/share-account/{_c.AccountId}", () => J(new { invitee = Marker() + "@example.invalid", emailAddress = _c.AdminEmail, password = _c.AdminPassword, urlTemplate = "/join/{token}/" }), () => [Auth]),
            (Join, "POST", () => "/api/join", () => J(new { emailAddress = _c.InviteeEmail, password = "csrf-" + Marker(), token = _c.JoinToken }), () => []),
            (SetupPost, "POST", () => "/api/setup", () => J(new { accountName = "csrf", emailAddress = Marker() + "@example.invalid", password = "csrf-password" }), () => []),
            (AccountDelete, "DELETE", () => $"/api/accounts/{_c.AccountId}", () => null, () => [Auth]),
            (AccountsPost, "POST", () => "/api/accounts", () => J(new { accountName = "csrf " + Marker(), emailAddress = _c.AdminEmail, password = _c.AdminPassword }), () => [Auth]),
            (Styles, "PUT", () => $"/api/accounts/{_c.AccountId}/account-styles", () => J(new { accountStyles = ".banner__root { color: red; }" }), () => [Auth]),
        };
        for (var i = 0; i < n; i++)
        {
            if (i % 20 == 19)
            {
                // D6 is about state changes only: a cross-site GET is answered normally
                Add(new Probe("cross-origin", LoginGet, Http("GET", "/api/login", headers: [Auth, ("Origin", Pick(origins))]), S(200)));
                continue;
            }
            var r = routes[i % routes.Length];
            var body = r.Body();
            var headers = r.Headers().Append(("Origin", Pick(origins))).ToList();
            var identifying = CookieIdentifying(headers).ToList();
            Add(new Probe("cross-origin", r.Key, Http(r.Method, r.Target(), body is null ? null : Encoding.UTF8.GetBytes(body), headers), S(403)) { Identifying = identifying });
        }
    }

    private void UnknownMethods(int n)
    {
        var paths = new (string Path, string[] Mapped, IReadOnlySet<int> Otherwise, string Route)[]
        {
            ("/healthz", ["*"], S(200), Healthz),
            ("/versionz", ["GET"], S(404), Versionz),
            ("/vault", ["GET"], S(301), Vault), // also a static directory: redirected to vault/ for any other method (§1.5)
            ("/api/exchange", ["GET", "POST"], S(404), ExchangePost),
            ("/api/events", ["GET", "POST"], S(404), EventsPost),
            ("/api/purge", ["POST"], S(404), Purge),
            ("/api/login", ["GET", "POST"], S(404), LoginPost),
            ("/api/logout", ["POST"], S(404), Logout),
            ("/api/change-password", ["POST"], S(404), ChangePassword),
            ("/api/change-email", ["POST"], S(404), ChangeEmail),
            ("/api/forgot-password", ["POST"], S(404), Forgot),
            ("/api/reset-password", ["POST"], S(404), Reset),
            ("/api/share-account", ["POST"], S(404), Share),
            ($"/api/share-account/{_c.AccountId}", ["POST"], S(404), ShareId),
            ("/api/join", ["POST"], S(404), Join),
            ("/api/setup", ["GET", "POST"], S(404), SetupPost),
            ($"/api/accounts/{_c.AccountId}", ["GET", "DELETE"], S(404), AccountDelete),
            ("/api/accounts", ["POST"], S(404), AccountsPost),
            ($"/api/accounts/{_c.AccountId}/account-styles", ["PUT"], S(404), Styles),
            ("/robots.txt", [], S(200), Unmatched), // a static file is served for any method (§1.5)
            ("/fonts.css", [], S(200), Unmatched),
            ("/", [], S(404), Unmatched),
        };
        var unknown = new[] { "FOO", "PROPFIND", "PATCH", "OPTIONS", "TRACE", "CONNECT", "MKCOL", "LOCK", "M-SEARCH", "BREW", "QUERY", "SEARCH", "PUT", "DELETE", "POST", "GET" };
        for (var i = 0; i < n; i++)
        {
            var p = paths[i % paths.Length];
            // /healthz takes every method (§1.4): any method is fine there and answers 200
            string method;
            do method = Pick(unknown); while (p.Mapped.Contains(method));
            var expected = p.Otherwise;
            if (method == "GET" && p.Otherwise.Contains(404)) expected = S(200); // no route + GET: the index page (§1.1 step 4)
            var path = p.Path;
            if (Chance(0.15) && path != "/")
            {
                // gin's trailing-slash redirect (§1.1 step 3), a directory or file redirect (§1.5), or no match
                path += "/";
                expected = expected.Union([301, 307, 404]).ToHashSet();
            }
            if (method == "CONNECT" || (method == "OPTIONS" && Chance(0.2)))
            {
                // asterisk- or authority-form targets: not a path at all
                Add(new Probe("unknown-method", p.Route, Http(method, method == "CONNECT" ? $"{_c.Authority}" : "*"), S(400, 404)));
                continue;
            }
            Add(new Probe("unknown-method", p.Route, Http(method, path, method is "GET" or "HEAD" ? null : "{}"u8.ToArray()), expected));
        }
    }

    private string LongQuery(int max)
    {
        var sb = new StringBuilder();
        switch (_rng.Next(7))
        {
            case 0: while (sb.Length < max) sb.Append("a=1&"); break;
            case 1: sb.Append("x=").Append(new string('Q', max)); break;
            case 2: while (sb.Length < max) sb.Append("accountId=").Append(Marker()).Append('&'); break;
            case 3: while (sb.Length < max) sb.Append(Pick(new[] { "%", "%zz", "%u0041", "%%%", "%2", "+", "=&", "&&", ";", "%00", "%C0%80" })); break;
            case 4: while (sb.Length < max) sb.Append("locale=").Append(Q(Hostile())).Append('&'); break;
            case 5: while (sb.Length < max) sb.Append("uncovered=1&after=").Append(Q(Hostile())).Append("&limit=&"); break;
            default: while (sb.Length < max) sb.Append("since=").Append(Q(Hostile())).Append("&dryRun=&user=&"); break;
        }
        return sb.ToString()[..Math.Min(sb.Length, max)];
    }

    private void HugeQueries(int n)
    {
        for (var i = 0; i < n; i++)
        {
            var q = "?" + LongQuery(_rng.Next(2000, 7500));
            // The request line stays under Kestrel's 8 KiB: these reach the routes, which ignore or reject the junk.
            var fresh = CookieValue(Marker());
            Add((i % 11) switch
            {
                0 => new Probe("huge-query", ExchangeGet, Http("GET", "/api/exchange" + q), S(400)),
                1 => new Probe("huge-query", EventsGet, Http("GET", "/api/events" + q, headers: [Cookie(("user", fresh))]), S(200)) { Identifying = [fresh] },
                2 => new Probe("huge-query", Vault, Http("GET", "/vault" + q), S(200, 400)),
                3 => new Probe("huge-query", Unmatched, Http("GET", "/" + q), S(200)),
                4 => new Probe("huge-query", SetupGet, Http("GET", "/api/setup" + q), S(403)),
                5 => new Probe("huge-query", Versionz, Http("GET", "/versionz" + q), S(200)),
                6 => new Probe("huge-query", Healthz, Http("GET", "/healthz" + q), S(200)),
                7 => new Probe("huge-query", LoginGet, Http("GET", "/api/login" + q, headers: [Auth]), S(200)),
                8 => new Probe("huge-query", AccountGet, Http("GET", $"/api/accounts/{Marker()}" + q, headers: [Auth]), S(403)),
                9 => new Probe("huge-query", Purge, Http("POST", "/api/purge" + q, headers: [Cookie(("user", fresh))]), S(204)) { Identifying = [fresh] },
                _ => new Probe("huge-query", Logout, Http("POST", "/api/logout" + q), S(204)),
            });
        }
    }

    private string InvalidCookieHeader()
    {
        var m = Marker();
        return _rng.Next(22) switch
        {
            0 => "user",
            1 => "=",
            2 => "=x",
            3 => ";;;;",
            4 => "user==" + m,
            5 => $"user=\"{m}\"",
            6 => $"user=a b {m}",
            7 => $"user={m}; user=y{m}",
            8 => "consent=allow;user",
            9 => $"consent=ALLOW; user={m}",
            10 => $"consent=allow; consent=deny; user={m}",
            11 => $"consent=allow ; user = {m}",
            12 => string.Join("; ", Enumerable.Range(0, 500).Select(j => $"c{j}=v")) + $"; consent=allow; user={m}",
            13 => $"consent=allow; user={m}{new string('u', 4000)}",
            14 => $"user=%00%ff{m}",
            15 => $"consent=allow; user=<zqx-script>{m}",
            16 => $"user=\\{m}",
            17 => $"user=,;,{m}",
            18 => $"$Version=1; user={m}; $Path=/api",
            19 => $"consent=allow; user={m}\t",
            20 => $";user={m};",
            _ => "",
        };
    }

    private void InvalidCookies(int n)
    {
        for (var i = 0; i < n; i++)
        {
            var header = ("Cookie", InvalidCookieHeader());
            var identifying = new List<string> { header.Item2 };
            // The user id is whatever the cookie parser makes of it, possibly the same for many requests
            // (then its limiter key is shared: 429). No request here can create a secret for the real account.
            Add((i % 5) switch
            {
                0 => new Probe("invalid-cookie", EventsPost, Http("POST", "/api/events", Json(new JsonObject { ["accountId"] = _c.AccountId, ["payload"] = Hostile() }), [header]), S(204, 400, 429)),
                1 => new Probe("invalid-cookie", EventsGet, Http("GET", "/api/events", headers: [header]), S(200, 400, 429)),
                2 => new Probe("invalid-cookie", Purge, Http("POST", "/api/purge", headers: [header]), S(204, 400, 429)),
                3 => new Probe("invalid-cookie", ExchangePost, Http("POST", "/api/exchange", Json(new JsonObject { ["accountId"] = Hostile(), ["encryptedSecret"] = Hostile() }), [header]), S(400, 429)),
                _ => new Probe("invalid-cookie", LoginGet, Http("GET", "/api/login", headers: [header]), S(401)),
            } with { Identifying = identifying.Where(s => s.Length > 0).ToList() });
        }
    }

    private void NonUuidIds(int n)
    {
        var real = _c.AccountId;
        var ids = new[]
        {
            "0", "-1", "null", "undefined", "NaN", "00000000-0000-0000-0000-000000000000", "{" + real + "}", real.ToUpperInvariant(), real + " ", " " + real,
            real + "x", real.Replace("-", "", StringComparison.Ordinal), "ffffffff-ffff-ffff-ffff-ffffffffffffff", new string('a', 300), "\u200b", "ü",
            "1 OR 1=1", "*", "%", "%25", "a/b", real + "/", real[..^1], "urn:uuid:" + real, "0x" + real.Replace("-", "", StringComparison.Ordinal),
        };
        for (var i = 0; i < n; i++)
        {
            var id = Pick(ids);
            var q = Q(id);
            // Same ids repeat, so the per-account limiter keys of GET/DELETE are shared: 429 allowed there.
            Add(_rng.Next(9) switch
            {
                0 => new Probe("non-uuid-id", ExchangeGet, Http("GET", $"/api/exchange?accountId={q}"), S(400)),
                1 => new Probe("non-uuid-id", ExchangePost, Http("POST", "/api/exchange", Json(new JsonObject { ["accountId"] = id, ["encryptedSecret"] = "{1,} AAAA" })), S(400)),
                2 => new Probe("non-uuid-id", EventsPost, Http("POST", "/api/events", Json(new JsonObject { ["accountId"] = id, ["payload"] = Hostile() }),
                    [Cookie(("consent", "allow"), ("user", FreshUser()))]), S(404)),
                3 => new Probe("non-uuid-id", AccountGet, Http("GET", $"/api/accounts/{q}", headers: [Auth]), S(403, 429)),
                4 => new Probe("non-uuid-id", AccountDelete, Http("DELETE", $"/api/accounts/{q}", headers: [Auth]), S(403, 429)),
                5 => new Probe("non-uuid-id", Styles, Http("PUT", $"/api/accounts/{q}/account-styles", Json(new JsonObject { ["accountStyles"] = ".banner__root { color: red; }" }), [Auth]), S(401)),
                6 => new Probe("non-uuid-id", ShareId, Http("POST", $"/api/share-account/{q}", Json(new JsonObject { ["invitee"] = HostileEmail(), ["emailAddress"] = _c.AdminEmail, ["password"] = _c.AdminPassword }), [Auth]), S(401)),
                7 => new Probe("non-uuid-id", Vault, Http("GET", $"/vault?accountId={q}"), S(400)),
                _ => new Probe("non-uuid-id", AccountGet, Http("GET", $"/api/accounts/{q}?{AccountQuery()}", headers: [Auth]), S(403, 429)),
            });
        }
    }

    private void ReplayedVisitors(int n)
    {
        // A visitor's own cookie, replayed (read-only): their events, answered as for the visitor (§1.4).
        for (var i = 0; i < n && _c.HostileVisitors.Count > 0; i++)
        {
            var user = Pick(_c.HostileVisitors);
            Add(new Probe("replayed-visitor", EventsGet, Http("GET", $"/api/events{(Chance(0.5) ? "?since=" + Q(Hostile()) : "")}", headers: [Cookie(("user", user))]), S(200, 429))
                { Identifying = [user] });
        }
    }

    private void HostileVisitorEvents(int n)
    {
        // Visitors with a real secret whose payloads are metacharacters: payloads are opaque (§1.4), so each is
        // stored and must come back byte for byte (this is what proves the queries are parameterized).
        for (var i = 0; i < n && _c.HostileVisitors.Count > 0; i++)
        {
            var user = _c.HostileVisitors[i % _c.HostileVisitors.Count];
            var payload = Hostile();
            Add(new Probe("hostile-payload", EventsPost, Http("POST", "/api/events", Json(new JsonObject { ["accountId"] = _c.AccountId, ["payload"] = payload }),
                [Cookie(("consent", "allow"), ("user", user)), ("Origin", _c.Origin)]), S(201)) { StoredPayload = payload, Identifying = [user] });
        }
    }
}
