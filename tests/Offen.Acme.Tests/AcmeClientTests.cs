using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Offen.Hosting.Acme;

namespace Offen.Acme.Tests;

/// <summary>Protocol details that pebble (with NONCEREJECT=0) does not exercise, against a scripted server.</summary>
public sealed class AcmeClientTests
{
    private static readonly Uri Directory = new("https://acme.test/dir");

    [Fact]
    public async Task BadNonce_IsRetriedOnceWithTheNonceFromTheError()
    {
        var server = new ScriptedServer();
        server.Posts.Enqueue(_ => Problem(HttpStatusCode.BadRequest, AcmeException.BadNonce, "stale", nonce: "n-from-error"));
        server.Posts.Enqueue(_ => Created("https://acme.test/acct/1", "{}", nonce: "n3"));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var client = new AcmeClient(new HttpClient(server), Directory, key);

        var account = await client.RegisterAccountAsync("ops@example.test", CancellationToken.None);

        Assert.Equal("https://acme.test/acct/1", account);
        Assert.Equal(["n-head", "n-from-error"], server.Nonces);
        var payload = JsonDocument.Parse(server.Payloads[1]).RootElement;
        Assert.True(payload.GetProperty("termsOfServiceAgreed").GetBoolean());
        Assert.Equal("mailto:ops@example.test", payload.GetProperty("contact")[0].GetString());
        Assert.Equal("application/jose+json", server.ContentTypes[1]);
    }

    [Fact]
    public async Task BadNonce_Twice_Throws()
    {
        var server = new ScriptedServer();
        server.Posts.Enqueue(_ => Problem(HttpStatusCode.BadRequest, AcmeException.BadNonce, "stale", nonce: "n2"));
        server.Posts.Enqueue(_ => Problem(HttpStatusCode.BadRequest, AcmeException.BadNonce, "stale again", nonce: "n3"));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var client = new AcmeClient(new HttpClient(server), Directory, key);

        var ex = await Assert.ThrowsAsync<AcmeException>(() => client.RegisterAccountAsync(null, CancellationToken.None));

        Assert.Equal(AcmeException.BadNonce, ex.Type);
        Assert.Equal("stale again", ex.Detail);
        Assert.False(JsonDocument.Parse(server.Payloads[0]).RootElement.TryGetProperty("contact", out _));
    }

    [Fact]
    public async Task Problem_CarriesTypeDetailAndSubproblems()
    {
        var server = new ScriptedServer();
        server.Posts.Enqueue(_ => Created("https://acme.test/acct/1", "{}", nonce: "n2"));
        server.Posts.Enqueue(_ => Json(HttpStatusCode.BadRequest, """
            {"type":"urn:ietf:params:acme:error:rejectedIdentifier","detail":"policy","subproblems":[
              {"type":"urn:ietf:params:acme:error:rejectedIdentifier","detail":"forbidden name","identifier":{"type":"dns","value":"bad.test"}}]}
            """, "application/problem+json", "n3"));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var client = new AcmeClient(new HttpClient(server), Directory, key);
        await client.RegisterAccountAsync(null, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<AcmeException>(() => client.NewOrderAsync(["bad.test"], CancellationToken.None));

        Assert.Equal("urn:ietf:params:acme:error:rejectedIdentifier", ex.Type);
        Assert.Equal("policy; bad.test: forbidden name", ex.Detail);
        Assert.Equal(HttpStatusCode.BadRequest, ex.Status);
        // The order request reused the nonce of the previous response instead of a HEAD.
        Assert.Equal(["n-head", "n2"], server.Nonces);
    }

    [Fact]
    public async Task WaitForAuthorization_StillPending_TimesOutWithAcmeException()
    {
        var server = new ScriptedServer();
        server.Posts.Enqueue(_ => Created("https://acme.test/acct/1", "{}", nonce: "n"));
        for (var i = 0; i < 100; i++)
            server.Posts.Enqueue(_ =>
            {
                var r = Json(HttpStatusCode.OK, """{"status":"pending","identifier":{"type":"dns","value":"a.test"},"challenges":[]}""", "application/json", "n");
                r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromMilliseconds(100));
                return r;
            });
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var client = new AcmeClient(new HttpClient(server), Directory, key) { PollTimeout = TimeSpan.FromMilliseconds(700) };
        await client.RegisterAccountAsync(null, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<AcmeException>(() => client.WaitForAuthorizationAsync(new Uri("https://acme.test/authz/1"), CancellationToken.None));

        Assert.Equal("offen:acme:timeout", ex.Type);
    }

    private static HttpResponseMessage Created(string location, string json, string nonce)
    {
        var r = Json(HttpStatusCode.Created, json, "application/json", nonce);
        r.Headers.Location = new Uri(location);
        return r;
    }

    private static HttpResponseMessage Problem(HttpStatusCode status, string type, string detail, string nonce) =>
        Json(status, JsonSerializer.Serialize(new Dictionary<string, string> { ["type"] = type, ["detail"] = detail }), "application/problem+json", nonce);

    private static HttpResponseMessage Json(HttpStatusCode status, string json, string contentType, string nonce)
    {
        var r = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, contentType) };
        r.Headers.Add("Replay-Nonce", nonce);
        return r;
    }

    private sealed class ScriptedServer : HttpMessageHandler
    {
        public Queue<Func<HttpRequestMessage, HttpResponseMessage>> Posts { get; } = new();
        public List<string> Nonces { get; } = [];
        public List<string> Payloads { get; } = [];
        public List<string?> ContentTypes { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (request.Method == HttpMethod.Get && request.RequestUri == Directory)
                return Json(HttpStatusCode.OK, """{"newNonce":"https://acme.test/nonce","newAccount":"https://acme.test/acct","newOrder":"https://acme.test/order"}""", "application/json", "ignored");
            if (request.Method == HttpMethod.Head)
            {
                var r = new HttpResponseMessage(HttpStatusCode.OK);
                r.Headers.Add("Replay-Nonce", "n-head");
                return r;
            }
            var body = JsonDocument.Parse(await request.Content!.ReadAsStringAsync(ct)).RootElement;
            var header = JsonDocument.Parse(AcmeJwsTests.FromBase64Url(body.GetProperty("protected").GetString()!)).RootElement;
            Nonces.Add(header.GetProperty("nonce").GetString()!);
            Payloads.Add(Encoding.UTF8.GetString(AcmeJwsTests.FromBase64Url(body.GetProperty("payload").GetString()!)));
            ContentTypes.Add(request.Content.Headers.ContentType?.MediaType);
            return Posts.Dequeue()(request);
        }
    }
}
