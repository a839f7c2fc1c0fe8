using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Offen.Crypto;

namespace Offen.Api.Tests;

/// <summary>Intent helpers: what a browser vault or an operator does, step by step, over HTTP.</summary>
public static class Intents
{
    public const string Email = "admin@example.test";
    public const string Password = "correct horse battery";

    /// <summary>POST /api/setup, then POST /api/login; returns the logged-in client and the account id.</summary>
    public static async Task<(TestClient Client, string AccountId, JsonNode Login)> SetupAndLoginAsync(TestHost host, string accountName = "My Site")
    {
        var client = host.Client();
        var setup = await client.PostAsync("/api/setup", new { accountName, emailAddress = Email, password = Password });
        Assert.Equal(HttpStatusCode.NoContent, setup.StatusCode);
        var login = await LoginAsync(client, Email, Password);
        var accountId = login["accounts"]![0]!["accountId"]!.GetValue<string>();
        return (client, accountId, login);
    }

    public static async Task<JsonNode> LoginAsync(TestClient client, string email, string password)
    {
        var res = await client.PostAsync("/api/login", new { username = email, password });
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        return (await TestClient.JsonAsync(res))!;
    }

    /// <summary>A visitor's vault: keeps the user secret and encrypts events like clients-and-crypto.md §4.4.</summary>
    public sealed class Visitor(TestHost host, string accountId)
    {
        public TestClient Client { get; } = host.Client();
        public byte[] Key { get; private set; } = [];

        public async Task<HttpResponseMessage> ExchangeAsync()
        {
            var res = await Client.GetAsync($"/api/exchange?accountId={accountId}");
            Assert.Equal(HttpStatusCode.OK, res.StatusCode);
            var publicJwk = (await TestClient.JsonAsync(res))!["publicKey"]!.ToJsonString();
            Key = RandomNumberGenerator.GetBytes(16);
            using var rsa = Rsa.ImportJwk(publicJwk);
            var encryptedSecret = Rsa.EncryptOaepSha256Versioned(rsa, Encoding.UTF8.GetBytes(Jwk.UserSecretJwk(Key)));
            return await Client.PostAsync("/api/exchange", new { accountId, encryptedSecret });
        }

        public void AllowConsent() => Client.Cookies["consent"] = "allow";

        public string Encrypt(string plaintext) => Aead.EncryptVersioned(Key, Encoding.UTF8.GetBytes(plaintext));

        public Task<HttpResponseMessage> PostEventAsync(string plaintext) =>
            Client.PostAsync("/api/events", new { accountId, payload = Encrypt(plaintext) });

        public static string Pageview(string href) =>
            $$"""{"type":"PAGEVIEW","href":"{{href}}","referrer":"","pageload":412,"isMobile":false,"timestamp":"{{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ}}","sessionId":"{{Guid.NewGuid()}}","geo":"DE"}""";
    }

    /// <summary>The operator vault's decryption chain (clients-and-crypto.md §4.4 "An operator decrypting").</summary>
    public static List<string> DecryptAccountEvents(JsonNode login, JsonNode account)
    {
        var accountId = account["accountId"]!.GetValue<string>();
        var kekJwk = login["accounts"]!.AsArray().First(a => a!["accountId"]!.GetValue<string>() == accountId)!["keyEncryptionKey"]!.ToJsonString();
        var kek = Jwk.ReadOctKey(kekJwk);
        var privateJwk = Encoding.UTF8.GetString(Aead.DecryptVersioned(kek, account["encryptedPrivateKey"]!.GetValue<string>()));
        using var rsa = Rsa.ImportJwk(privateJwk);
        var secrets = account["secrets"]?.AsObject() ?? new JsonObject();
        var result = new List<string>();
        foreach (var e in account["events"]?[accountId]?.AsArray() ?? [])
        {
            var secretId = e!["secretId"]!.GetValue<string>();
            var userJwk = Encoding.UTF8.GetString(Rsa.DecryptOaepSha256Versioned(rsa, secrets[secretId]!.GetValue<string>()));
            var key = Jwk.ReadOctKey(userJwk);
            result.Add(Encoding.UTF8.GetString(Aead.DecryptVersioned(key, e["payload"]!.GetValue<string>())));
        }
        return result;
    }
}
