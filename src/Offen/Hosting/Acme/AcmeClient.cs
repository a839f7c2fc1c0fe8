using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Offen.Hosting.Acme;

/// <summary>An order (RFC 8555 §7.1.3) as last seen; <see cref="Url"/> is its Location.</summary>
public sealed record AcmeOrder(Uri Url, string Status, IReadOnlyList<Uri> Authorizations, Uri Finalize, Uri? Certificate);

/// <summary>One challenge of an authorization (RFC 8555 §7.1.5).</summary>
public sealed record AcmeChallenge(string Type, Uri Url, string Status, string? Token);

/// <summary>An authorization (RFC 8555 §7.1.4) with the problem of its failed challenge, if any.</summary>
public sealed record AcmeAuthorization(Uri Url, string Identifier, string Status, IReadOnlyList<AcmeChallenge> Challenges, AcmeException? Error);

/// <summary>
/// A small RFC 8555 client: directory, nonces, account, order, http-01, finalize, download. It does not own the
/// <see cref="HttpClient"/>. One instance is meant for one sequential flow at a time.
/// </summary>
public sealed class AcmeClient
{
    private static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxPollInterval = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http;
    private readonly Uri _directoryUrl;
    private readonly AcmeJws _jws;
    private Directory? _directory;
    private string? _nonce;
    private string? _accountUrl;

    private sealed record Directory(Uri NewNonce, Uri NewAccount, Uri NewOrder, bool ExternalAccountRequired);

    private sealed record Response(HttpStatusCode Status, HttpResponseHeaders Headers, byte[] Body, string? ContentType);

    public AcmeClient(HttpClient http, Uri directoryUrl, ECDsa accountKey)
    {
        _http = http;
        _directoryUrl = directoryUrl;
        _jws = new AcmeJws(accountKey);
    }

    /// <summary>How long <see cref="WaitForAuthorizationAsync"/> and <see cref="WaitForOrderAsync"/> poll at most.</summary>
    public TimeSpan PollTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The account URL (the <c>kid</c>) once <see cref="RegisterAccountAsync"/> has run.</summary>
    public string? AccountUrl => _accountUrl;

    /// <summary>RFC 8555 §8.1 key authorization for a challenge token.</summary>
    public string KeyAuthorization(string token) => _jws.KeyAuthorization(token);

    /// <summary>
    /// RFC 8555 §7.3: newAccount with termsOfServiceAgreed; the same key finds the existing account again (200).
    /// </summary>
    public async Task<string> RegisterAccountAsync(string? email, CancellationToken ct)
    {
        var dir = await GetDirectoryAsync(ct);
        if (dir.ExternalAccountRequired)
            throw new AcmeException("offen:acme:externalAccountRequired", "the ACME server requires external account binding, which is not supported");
        var payload = new MemoryStream();
        using (var w = new Utf8JsonWriter(payload))
        {
            w.WriteStartObject();
            w.WriteBoolean("termsOfServiceAgreed", true);
            if (!string.IsNullOrWhiteSpace(email))
            {
                w.WriteStartArray("contact");
                w.WriteStringValue("mailto:" + email.Trim());
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        var response = await PostAsync(dir.NewAccount, payload.ToArray(), useJwk: true, accept: null, ct);
        _accountUrl = response.Headers.Location?.AbsoluteUri
            ?? throw new AcmeException("offen:acme:malformedResponse", "newAccount response has no Location");
        return _accountUrl;
    }

    /// <summary>RFC 8555 §7.4: newOrder for dns identifiers.</summary>
    public async Task<AcmeOrder> NewOrderAsync(IEnumerable<string> hosts, CancellationToken ct)
    {
        var dir = await GetDirectoryAsync(ct);
        var payload = new MemoryStream();
        using (var w = new Utf8JsonWriter(payload))
        {
            w.WriteStartObject();
            w.WriteStartArray("identifiers");
            foreach (var host in hosts)
            {
                w.WriteStartObject();
                w.WriteString("type", "dns");
                w.WriteString("value", host);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        var response = await PostAsync(dir.NewOrder, payload.ToArray(), useJwk: false, accept: null, ct);
        var url = response.Headers.Location ?? throw new AcmeException("offen:acme:malformedResponse", "newOrder response has no Location");
        return ParseOrder(url, response.Body);
    }

    public async Task<AcmeOrder> GetOrderAsync(Uri url, CancellationToken ct) =>
        ParseOrder(url, (await PostAsync(url, null, false, null, ct)).Body);

    public async Task<AcmeAuthorization> GetAuthorizationAsync(Uri url, CancellationToken ct) =>
        ParseAuthorization(url, (await PostAsync(url, null, false, null, ct)).Body);

    /// <summary>RFC 8555 §7.5.1: the client is ready; the payload is the empty object.</summary>
    public async Task RespondToChallengeAsync(Uri challengeUrl, CancellationToken ct) =>
        await PostAsync(challengeUrl, "{}"u8.ToArray(), false, null, ct);

    /// <summary>Polls (RFC 8555 §7.5.1) until the authorization is no longer pending; throws unless it is valid.</summary>
    public async Task<AcmeAuthorization> WaitForAuthorizationAsync(Uri url, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(PollTimeout);
        try
        {
            while (true)
            {
                var response = await PostAsync(url, null, false, null, timeout.Token);
                var authz = ParseAuthorization(url, response.Body);
                switch (authz.Status)
                {
                    case "valid":
                        return authz;
                    case "pending":
                    case "processing":
                        await Task.Delay(RetryAfter(response), timeout.Token);
                        continue;
                    default:
                        throw authz.Error ?? new AcmeException("offen:acme:authorizationFailed",
                            $"authorization for {authz.Identifier} is {authz.Status}");
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new AcmeException("offen:acme:timeout", $"authorization {url} still pending after {PollTimeout}");
        }
    }

    /// <summary>Polls the order until its status is not pending/processing; throws unless it is one of <paramref name="wanted"/>.</summary>
    public async Task<AcmeOrder> WaitForOrderAsync(Uri url, string wanted, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(PollTimeout);
        try
        {
            while (true)
            {
                var response = await PostAsync(url, null, false, null, timeout.Token);
                var order = ParseOrder(url, response.Body);
                if (order.Status == wanted)
                    return order;
                if (order.Status is "pending" or "processing")
                {
                    await Task.Delay(RetryAfter(response), timeout.Token);
                    continue;
                }
                throw OrderError(response.Body) ?? new AcmeException("offen:acme:orderFailed", $"order is {order.Status}, expected {wanted}");
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new AcmeException("offen:acme:timeout", $"order {url} not {wanted} after {PollTimeout}");
        }
    }

    /// <summary>RFC 8555 §7.4: finalize with a DER CSR.</summary>
    public async Task<AcmeOrder> FinalizeAsync(AcmeOrder order, byte[] csrDer, CancellationToken ct)
    {
        var payload = Encoding.UTF8.GetBytes($$"""{"csr":"{{AcmeJws.Base64Url(csrDer)}}"}""");
        var response = await PostAsync(order.Finalize, payload, false, null, ct);
        return ParseOrder(order.Url, response.Body);
    }

    /// <summary>RFC 8555 §7.4.2: the PEM chain, leaf first.</summary>
    public async Task<string> DownloadCertificateAsync(Uri certificateUrl, CancellationToken ct)
    {
        var response = await PostAsync(certificateUrl, null, false, "application/pem-certificate-chain", ct);
        return Encoding.UTF8.GetString(response.Body);
    }

    /// <summary>
    /// The whole flow of RFC 8555 §7 for <paramref name="hosts"/>: (account), order, http-01 for every pending
    /// authorization published in <paramref name="store"/> for the duration, finalize, download. Returns the PEM chain.
    /// </summary>
    public async Task<string> ObtainCertificateAsync(IReadOnlyList<string> hosts, byte[] csrDer, Http01ChallengeStore store, CancellationToken ct)
    {
        if (_accountUrl is null)
            throw new InvalidOperationException("register the account first");
        var order = await NewOrderAsync(hosts, ct);
        var published = new List<string>();
        try
        {
            var pending = new List<Uri>();
            foreach (var authzUrl in order.Authorizations)
            {
                var authz = await GetAuthorizationAsync(authzUrl, ct);
                if (authz.Status == "valid")
                    continue;
                if (authz.Status != "pending")
                    throw authz.Error ?? new AcmeException("offen:acme:authorizationFailed", $"authorization for {authz.Identifier} is {authz.Status}");
                var challenge = authz.Challenges.FirstOrDefault(c => c.Type == "http-01" && c.Token is not null)
                    ?? throw new AcmeException("offen:acme:noHttp01", $"the server offers no http-01 challenge for {authz.Identifier}");
                store.Add(challenge.Token!, KeyAuthorization(challenge.Token!), authz.Identifier);
                published.Add(challenge.Token!);
                await RespondToChallengeAsync(challenge.Url, ct);
                pending.Add(authzUrl);
            }
            foreach (var authzUrl in pending)
                await WaitForAuthorizationAsync(authzUrl, ct);
        }
        finally
        {
            foreach (var token in published)
                store.Remove(token);
        }

        order = await WaitForOrderAsync(order.Url, "ready", ct);
        order = await FinalizeAsync(order, csrDer, ct);
        if (order.Status != "valid" || order.Certificate is null)
            order = await WaitForOrderAsync(order.Url, "valid", ct);
        if (order.Certificate is null)
            throw new AcmeException("offen:acme:malformedResponse", "valid order without a certificate URL");
        return await DownloadCertificateAsync(order.Certificate, ct);
    }

    private async Task<Directory> GetDirectoryAsync(CancellationToken ct)
    {
        if (_directory is not null)
            return _directory;
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, _directoryUrl), ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        if (!response.IsSuccessStatusCode)
            throw Problem(response.StatusCode, body, response.Content.Headers.ContentType?.MediaType);
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            var eab = root.TryGetProperty("meta", out var meta) && meta.TryGetProperty("externalAccountRequired", out var e) && e.ValueKind == JsonValueKind.True;
            _directory = new Directory(UrlOf(root, "newNonce"), UrlOf(root, "newAccount"), UrlOf(root, "newOrder"), eab);
            return _directory;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or UriFormatException)
        {
            throw new AcmeException("offen:acme:malformedResponse", $"directory {_directoryUrl} is not an ACME directory", response.StatusCode, ex);
        }
    }

    /// <summary>RFC 8555 §7.2: a fresh nonce by HEAD newNonce, when no Replay-Nonce is left over.</summary>
    private async Task<string> TakeNonceAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _nonce, null) is { } nonce)
            return nonce;
        var dir = await GetDirectoryAsync(ct);
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Head, dir.NewNonce), ct);
        if (!response.IsSuccessStatusCode)
            throw new AcmeException("offen:acme:newNonce", $"newNonce answered {(int)response.StatusCode}", response.StatusCode);
        return ReplayNonce(response.Headers)
            ?? throw new AcmeException("offen:acme:newNonce", "newNonce response has no Replay-Nonce");
    }

    /// <summary>
    /// A signed POST (RFC 8555 §6.2); <paramref name="payload"/> null is POST-as-GET (§6.3). Keeps each
    /// Replay-Nonce (§6.5) and retries once on badNonce with the nonce that came with the error (§6.5).
    /// </summary>
    private async Task<Response> PostAsync(Uri url, byte[]? payload, bool useJwk, string? accept, CancellationToken ct)
    {
        if (!useJwk && _accountUrl is null)
            throw new InvalidOperationException("register the account first");
        for (var attempt = 0; ; attempt++)
        {
            var nonce = await TakeNonceAsync(ct);
            var body = _jws.Sign(url, nonce, useJwk ? null : _accountUrl, payload);
            var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/jose+json");
            if (accept is not null)
                request.Headers.Accept.ParseAdd(accept);
            using var response = await SendAsync(request, ct);
            if (ReplayNonce(response.Headers) is { } next)
                _nonce = next;
            var bytes = await response.Content.ReadAsByteArrayAsync(ct);
            if (response.IsSuccessStatusCode)
                return new Response(response.StatusCode, response.Headers, bytes, response.Content.Headers.ContentType?.MediaType);
            var problem = Problem(response.StatusCode, bytes, response.Content.Headers.ContentType?.MediaType);
            if (problem.Type == AcmeException.BadNonce && attempt == 0)
                continue;
            throw problem;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using (request)
        {
            try
            {
                return await _http.SendAsync(request, ct);
            }
            catch (HttpRequestException ex)
            {
                throw new AcmeException("offen:acme:connection", $"{request.Method} {request.RequestUri}: {ex.Message}", null, ex);
            }
            catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
            {
                throw new AcmeException("offen:acme:timeout", $"{request.Method} {request.RequestUri} timed out", null, ex);
            }
        }
    }

    private static string? ReplayNonce(HttpResponseHeaders headers) =>
        headers.TryGetValues("Replay-Nonce", out var values) ? values.FirstOrDefault() : null;

    /// <summary>RFC 8555 §6.7 problem document, or a generic error for a body that is not one.</summary>
    private static AcmeException Problem(HttpStatusCode status, byte[] body, string? contentType)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (ProblemOf(doc.RootElement, status) is { } problem)
                return problem;
        }
        catch (JsonException)
        {
        }
        return new AcmeException("offen:acme:http" + (int)status, $"unexpected {(int)status} ({contentType ?? "no content type"})", status);
    }

    private static AcmeException? ProblemOf(JsonElement element, HttpStatusCode? status)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            return null;
        var detail = element.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : "";
        // RFC 8555 §6.7.1: subproblems name the identifier that failed.
        if (element.TryGetProperty("subproblems", out var subs) && subs.ValueKind == JsonValueKind.Array)
        {
            foreach (var sub in subs.EnumerateArray())
            {
                var subDetail = sub.TryGetProperty("detail", out var sd) ? sd.GetString() : null;
                var ident = sub.TryGetProperty("identifier", out var id) && id.TryGetProperty("value", out var v) ? v.GetString() : null;
                if (subDetail is not null)
                    detail += $"; {ident}: {subDetail}";
            }
        }
        return new AcmeException(type.GetString()!, detail, status);
    }

    private static AcmeException? OrderError(byte[] body)
    {
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.TryGetProperty("error", out var error) ? ProblemOf(error, null) : null;
    }

    /// <summary>RFC 8555 §7.5.1 / RFC 7231 §7.1.3: Retry-After as seconds or a date, bounded to 10 s.</summary>
    private static TimeSpan RetryAfter(Response response)
    {
        var retry = response.Headers.RetryAfter;
        var wait = retry?.Delta ?? (retry?.Date is { } date ? date - DateTimeOffset.UtcNow : DefaultPollInterval);
        if (wait < TimeSpan.FromMilliseconds(100))
            wait = TimeSpan.FromMilliseconds(100);
        return wait > MaxPollInterval ? MaxPollInterval : wait;
    }

    private static AcmeOrder ParseOrder(Uri url, byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            var authzs = root.GetProperty("authorizations").EnumerateArray().Select(a => new Uri(a.GetString()!)).ToList();
            Uri? cert = root.TryGetProperty("certificate", out var c) && c.ValueKind == JsonValueKind.String ? new Uri(c.GetString()!) : null;
            return new AcmeOrder(url, root.GetProperty("status").GetString()!, authzs, UrlOf(root, "finalize"), cert);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or UriFormatException)
        {
            throw new AcmeException("offen:acme:malformedResponse", $"order {url} is not an ACME order", null, ex);
        }
    }

    private static AcmeAuthorization ParseAuthorization(Uri url, byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            var identifier = root.GetProperty("identifier").GetProperty("value").GetString()!;
            var challenges = new List<AcmeChallenge>();
            AcmeException? error = null;
            foreach (var ch in root.GetProperty("challenges").EnumerateArray())
            {
                var token = ch.TryGetProperty("token", out var t) ? t.GetString() : null;
                challenges.Add(new AcmeChallenge(ch.GetProperty("type").GetString()!, UrlOf(ch, "url"), ch.GetProperty("status").GetString()!, token));
                if (ch.TryGetProperty("error", out var e))
                    error ??= ProblemOf(e, null);
            }
            return new AcmeAuthorization(url, identifier, root.GetProperty("status").GetString()!, challenges, error);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or UriFormatException)
        {
            throw new AcmeException("offen:acme:malformedResponse", $"authorization {url} is not an ACME authorization", null, ex);
        }
    }

    private static Uri UrlOf(JsonElement element, string name) =>
        new(element.GetProperty(name).GetString() ?? throw new KeyNotFoundException(name), UriKind.Absolute);
}
