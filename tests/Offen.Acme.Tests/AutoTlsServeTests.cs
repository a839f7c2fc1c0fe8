using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Offen.Hosting;
using Offen.Hosting.Acme;
using Offen.Persistence;

namespace Offen.Acme.Tests;

/// <summary>
/// server.md §7 rule 2 wired into the server: the app answers pebble's http-01 on its plain port, serves the
/// issued certificate by SNI on its TLS port, redirects other plain requests, and reuses the cache on restart.
/// </summary>
public sealed class AutoTlsServeTests : IAsyncLifetime
{
    private readonly PebbleFixture _pebble = new() { WithResponder = false };
    private readonly string _dir = Directory.CreateTempSubdirectory("offen-autotls-").FullName;

    public Task InitializeAsync() => _pebble.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _pebble.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    private (WebApplication App, AcmeCertificateManager Manager, int HttpsPort) StartServer(OffenStore store)
    {
        var challenges = new Http01ChallengeStore();
        var manager = new AcmeCertificateManager(new AcmeOptions
        {
            DirectoryUrl = _pebble.DirectoryUrl,
            Hosts = ["offen.example.test"],
            CacheDirectory = Path.Combine(_dir, "cache"),
            HttpClientFactory = _pebble.CreateHttpClient,
        }, challenges, TimeProvider.System, NullLogger.Instance);
        var httpsPort = TestNet.FreePort();
        var listen = new ListenOptions(IPAddress.Loopback, 0) { AutoTls = new AutoTlsListen(_pebble.HttpPort, httpsPort, manager, challenges) };
        var app = OffenApp.Build(new ServerSettings { Secret = new byte[16] }, store, new NoMailer(), listen, LogLevel.Warning, runExpiryJob: false, Stream.Null);
        return (app, manager, httpsPort);
    }

    [Fact]
    public async Task AutoTls_ObtainsServesBySniRedirectsAndReusesCacheAfterRestart()
    {
        await using var store = OffenStore.Open(Dialect.Sqlite, Path.Combine(_dir, "offen.db"));
        await store.MigrateAsync();
        var root = await _pebble.FetchRootAsync();

        var (app, manager, httpsPort) = StartServer(store);
        await app.StartAsync();
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (manager.Current is null && DateTime.UtcNow < deadline) await Task.Delay(200);
            Assert.NotNull(manager.Current);
            Assert.Equal(1, manager.OrdersPlaced);

            using var https = Client(root, httpsPort);
            var health = await https.GetAsync($"https://offen.example.test:{httpsPort}/healthz");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal(new Version(2, 0), health.Version);

            // other names get no certificate: the handshake fails
            using var other = Client(root, httpsPort, trustAnything: true);
            await Assert.ThrowsAsync<HttpRequestException>(() => other.GetAsync($"https://other.example.test:{httpsPort}/healthz"));

            // the plain port redirects GET/HEAD with 302 and refuses other methods
            using var plain = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
            var redirect = await plain.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{_pebble.HttpPort}/login/?x=1") { Headers = { Host = "offen.example.test" } });
            Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
            Assert.Equal($"https://offen.example.test:{httpsPort}/login/?x=1", redirect.Headers.Location!.ToString());
            var post = await plain.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{_pebble.HttpPort}/api/events") { Headers = { Host = "offen.example.test" } });
            Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            manager.Dispose();
        }

        // a restart loads the certificate from the cache without a new order
        var (app2, manager2, httpsPort2) = StartServer(store);
        await app2.StartAsync();
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (manager2.Current is null && DateTime.UtcNow < deadline) await Task.Delay(100);
            Assert.NotNull(manager2.Current);
            Assert.Equal(0, manager2.OrdersPlaced);
            using var https = Client(root, httpsPort2);
            Assert.Equal(HttpStatusCode.OK, (await https.GetAsync($"https://offen.example.test:{httpsPort2}/healthz")).StatusCode);
        }
        finally
        {
            await app2.StopAsync();
            await app2.DisposeAsync();
            manager2.Dispose();
        }
    }

    /// <summary>Resolves every name to 127.0.0.1 so SNI carries the real name; trusts only pebble's root.</summary>
    private static HttpClient Client(X509Certificate2 root, int port, bool trustAnything = false)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (ctx, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, chain, _) =>
                {
                    if (trustAnything) return true;
                    if (cert is null || chain is null) return false;
                    // The given chain's extra store holds what the server sent, so this also proves the intermediate is served.
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(root);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(new X509Certificate2(cert));
                },
            },
        };
        return new HttpClient(handler) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower, Timeout = TimeSpan.FromSeconds(20) };
    }

    private sealed class NoMailer : Offen.Mail.IMailer
    {
        public Task SendAsync(Offen.Mail.MailMessageData message, CancellationToken ct) => Task.CompletedTask;
    }
}
