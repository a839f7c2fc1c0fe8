using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Offen.Crypto;

namespace Offen.Hostile.Tests;

/// <summary>
/// The well-behaved side of the run: a browser-like client (cookies by name, same-origin <c>Origin</c> on state
/// changes as the vault's fetch sends it, bodies without a JSON content type) over HttpClient. Every request
/// closes its connection, so HttpClient never silently resends a POST on a stale keep-alive connection.
/// </summary>
public sealed class ApiClient(HttpClient http, string origin)
{
    public Dictionary<string, string> Cookies { get; } = new();

    public async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var req = new HttpRequestMessage(method, path);
        req.Headers.ConnectionClose = true;
        if (method != HttpMethod.Get) req.Headers.Add("Origin", origin);
        if (body is not null) req.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body as string ?? JsonSerializer.Serialize(body)));
        if (Cookies.Count > 0) req.Headers.Add("Cookie", string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}")));
        using var res = await http.SendAsync(req);
        if (res.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var sc in setCookies)
            {
                var nv = sc.Split(';')[0];
                var eq = nv.IndexOf('=');
                var (name, value) = (nv[..eq], nv[(eq + 1)..]);
                if (sc.Contains("Expires=Thu, 01 Jan 1970", StringComparison.Ordinal)) Cookies.Remove(name);
                else Cookies[name] = value;
            }
        }
        return (res.StatusCode, await res.Content.ReadAsStringAsync());
    }

    public Task<(HttpStatusCode Status, string Body)> GetAsync(string path) => SendAsync(HttpMethod.Get, path);
    public Task<(HttpStatusCode Status, string Body)> PostAsync(string path, object? body) => SendAsync(HttpMethod.Post, path, body);
}

/// <summary>A visitor's vault (clients-and-crypto.md §4.4): a fresh AES key wrapped for the account, encrypted events.</summary>
public sealed class Visitor(ApiClient client, string accountId)
{
    private byte[] _key = [];
    public ApiClient Client => client;
    public string UserId => client.Cookies.GetValueOrDefault("user", "");

    /// <summary>GET and POST /api/exchange, then consent; returns the two statuses.</summary>
    public async Task<(HttpStatusCode Get, HttpStatusCode Post)> ExchangeAsync()
    {
        var (getStatus, body) = await client.GetAsync($"/api/exchange?accountId={accountId}");
        if (getStatus != HttpStatusCode.OK) return (getStatus, 0);
        var publicJwk = JsonNode.Parse(body)!["publicKey"]!.ToJsonString();
        _key = RandomNumberGenerator.GetBytes(16);
        using var rsa = Rsa.ImportJwk(publicJwk);
        var encryptedSecret = Rsa.EncryptOaepSha256Versioned(rsa, Encoding.UTF8.GetBytes(Jwk.UserSecretJwk(_key)));
        var (postStatus, _) = await client.PostAsync("/api/exchange", new { accountId, encryptedSecret });
        client.Cookies["consent"] = "allow";
        return (getStatus, postStatus);
    }

    public string Encrypt(string plaintext) => Aead.EncryptVersioned(_key, Encoding.UTF8.GetBytes(plaintext));

    public async Task<HttpStatusCode> PostEventAsync(string payload) =>
        (await client.PostAsync("/api/events", new { accountId, payload })).Status;

    public static string Pageview(string marker) =>
        $$"""{"type":"PAGEVIEW","href":"https://site.example/{{marker}}","referrer":"","pageload":412,"isMobile":false,"timestamp":"{{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ}}","sessionId":"{{Guid.NewGuid()}}"}""";
}

/// <summary>One stored event as the operator sees it; <see cref="Plaintext"/> is null when it does not decrypt.</summary>
public sealed record StoredEvent(string EventId, string? SecretId, string Payload, string? Plaintext);

/// <summary>The operator vault's decryption chain (clients-and-crypto.md §4.4), tolerant of events that are not ciphertext.</summary>
public static class OperatorView
{
    public static List<StoredEvent> Decrypt(JsonNode login, JsonNode account)
    {
        var accountId = account["accountId"]!.GetValue<string>();
        var kekJwk = login["accounts"]!.AsArray().First(a => a!["accountId"]!.GetValue<string>() == accountId)!["keyEncryptionKey"]!.ToJsonString();
        var privateJwk = Encoding.UTF8.GetString(Aead.DecryptVersioned(Jwk.ReadOctKey(kekJwk), account["encryptedPrivateKey"]!.GetValue<string>()));
        using var rsa = Rsa.ImportJwk(privateJwk);
        var secrets = account["secrets"]?.AsObject() ?? new JsonObject();
        var keys = new Dictionary<string, byte[]?>();
        var result = new List<StoredEvent>();
        foreach (var e in account["events"]?[accountId]?.AsArray() ?? [])
        {
            var secretId = e!["secretId"]?.GetValue<string>();
            var payload = e["payload"]!.GetValue<string>();
            string? plaintext = null;
            if (secretId is not null)
            {
                if (!keys.TryGetValue(secretId, out var key))
                {
                    key = null;
                    // A secret that is not an RSA ciphertext (anyone may post one, §1.4) leaves its events undecryptable.
                    if (secrets[secretId]?.GetValue<string>() is { } wrapped)
                    {
                        try { key = Jwk.ReadOctKey(Encoding.UTF8.GetString(Rsa.DecryptOaepSha256Versioned(rsa, wrapped))); }
                        catch (Exception ex) when (ex is CryptographicException or FormatException or JsonException or ArgumentException) { key = null; }
                    }
                    keys[secretId] = key;
                }
                if (key is not null && Aead.TryDecryptVersioned(key, payload, out var plain)) plaintext = Encoding.UTF8.GetString(plain);
            }
            result.Add(new StoredEvent(e["eventId"]!.GetValue<string>(), secretId, payload, plaintext));
        }
        return result;
    }
}
