using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using Offen.Hosting.Acme;

namespace Offen.Acme.Tests;

/// <summary>The whole http-01 flow against a real pebble (shared/test-infra.md §3), loopback only.</summary>
[Collection(PebbleCollection.Name)]
public sealed class AcmeCertificateManagerTests(PebbleFixture pebble) : IDisposable
{
    private static readonly string[] Hosts = ["offen.example.test", "www.example.test"];
    private readonly string _cacheDirectory = Path.Combine(pebble.WorkDirectory, "cache-" + Guid.NewGuid().ToString("N"), "certs");
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task GetOrObtain_EmptyCache_ObtainsCertificateForAllHostsAndCachesItPrivately()
    {
        using var manager = CreateManager();

        var certificate = await manager.GetOrObtainAsync(_timeout.Token);

        Assert.Equal(1, manager.OrdersPlaced);
        Assert.True(certificate.HasPrivateKey);
        var sans = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames().Order().ToArray();
        Assert.Equal(Hosts, sans);
        await AssertChainsToPebbleRootAsync(File.ReadAllText(manager.CertificatePath));

        // server.md §7: the cache directory is 0700; keys and certificates are 0600.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_cacheDirectory));
        foreach (var path in new[] { manager.CertificatePath, manager.KeyPath, manager.AccountKeyPath })
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Empty(Directory.GetFiles(_cacheDirectory, "*.tmp"));
        Assert.Equal(0, pebble.Store.Count);
        lock (pebble.ResponderLog)
            Assert.Contains(pebble.ResponderLog, l => l.StartsWith($"offen.example.test:{pebble.HttpPort} /.well-known/acme-challenge/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SelectCertificate_OnlyForAllowedHosts()
    {
        using var manager = CreateManager();
        Assert.Null(manager.SelectCertificate("offen.example.test"));

        var certificate = await manager.GetOrObtainAsync(_timeout.Token);

        Assert.Same(certificate, manager.SelectCertificate("offen.example.test"));
        Assert.Same(certificate, manager.SelectCertificate("WWW.Example.Test"));
        Assert.Null(manager.SelectCertificate("other.example.test"));
        Assert.Null(manager.SelectCertificate("example.test"));
        Assert.Null(manager.SelectCertificate("127.0.0.1"));
        Assert.Null(manager.SelectCertificate(null));
        Assert.Null(manager.SelectCertificate(""));
        Assert.NotNull(manager.SelectCertificateContext("offen.example.test"));
        Assert.Null(manager.SelectCertificateContext("other.example.test"));
    }

    [Fact]
    public async Task GetOrObtain_SecondManagerOnSameCache_ReusesCertificateWithoutOrder()
    {
        string thumbprint;
        using (var first = CreateManager())
            thumbprint = (await first.GetOrObtainAsync(_timeout.Token)).Thumbprint;

        using var second = CreateManager();
        var reused = await second.GetOrObtainAsync(_timeout.Token);

        Assert.Equal(0, second.OrdersPlaced);
        Assert.Equal(thumbprint, reused.Thumbprint);
        Assert.True(reused.HasPrivateKey);
        Assert.False(await second.RenewIfDueAsync(_timeout.Token));
        Assert.Equal(0, second.OrdersPlaced);
    }

    [Fact]
    public async Task RenewIfDue_WithinRenewBefore_OrdersNewCertificate()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        using var manager = CreateManager(time: time);
        var first = await manager.GetOrObtainAsync(_timeout.Token);
        Assert.False(await manager.RenewIfDueAsync(_timeout.Token));
        Assert.Equal(1, manager.OrdersPlaced);

        // 29 days before expiry: inside the 30-day window.
        time.Now = new DateTimeOffset(first.NotAfter.ToUniversalTime()) - TimeSpan.FromDays(29);
        Assert.True(await manager.RenewIfDueAsync(_timeout.Token));

        Assert.Equal(2, manager.OrdersPlaced);
        var renewed = manager.SelectCertificate("offen.example.test");
        Assert.NotNull(renewed);
        Assert.NotEqual(first.Thumbprint, renewed.Thumbprint);
        Assert.Equal(renewed.Thumbprint, X509Certificate2.CreateFromPem(File.ReadAllText(manager.CertificatePath)).Thumbprint);
    }

    [Fact]
    public async Task GetOrObtain_CachedCertificateInsideRenewBefore_OrdersNewOne()
    {
        string thumbprint;
        using (var first = CreateManager())
            thumbprint = (await first.GetOrObtainAsync(_timeout.Token)).Thumbprint;

        // pebble issues for 5 years: a 6-year window makes the cached one due on a restart.
        using var second = CreateManager(renewBefore: TimeSpan.FromDays(6 * 366));
        var renewed = await second.GetOrObtainAsync(_timeout.Token);

        Assert.Equal(1, second.OrdersPlaced);
        Assert.NotEqual(thumbprint, renewed.Thumbprint);
    }

    [Fact]
    public async Task GetOrObtain_ChallengeNotAnswered_ThrowsAcmeException()
    {
        // The manager publishes into a store the responder does not serve: pebble's GETs get 404.
        using var manager = CreateManager(store: new Http01ChallengeStore());

        var ex = await Assert.ThrowsAsync<AcmeException>(() => manager.GetOrObtainAsync(_timeout.Token));

        Assert.Equal("urn:ietf:params:acme:error:unauthorized", ex.Type);
        Assert.Contains("404", ex.Detail);
        Assert.Null(manager.SelectCertificate("offen.example.test"));
        Assert.False(File.Exists(manager.CertificatePath));
    }

    [Fact]
    public async Task GetOrObtain_IdentifierRefused_ThrowsAcmeException()
    {
        using var manager = CreateManager(hosts: ["bad_name!.example.test"]);

        var ex = await Assert.ThrowsAsync<AcmeException>(() => manager.GetOrObtainAsync(_timeout.Token));

        Assert.Equal("urn:ietf:params:acme:error:malformed", ex.Type);
        Assert.NotEmpty(ex.Detail);
    }

    [Fact]
    public async Task GetOrObtain_AcmeServerUnreachable_ThrowsAcmeException()
    {
        using var manager = CreateManager(directory: new Uri("https://127.0.0.1:1/dir"));

        var ex = await Assert.ThrowsAsync<AcmeException>(() => manager.GetOrObtainAsync(_timeout.Token));

        Assert.Equal("offen:acme:connection", ex.Type);
    }

    [Fact]
    public async Task SelectCertificateContext_ServesChainBySni_AndRefusesOtherNames()
    {
        using var manager = CreateManager();
        await manager.GetOrObtainAsync(_timeout.Token);
        using var root = await pebble.FetchRootAsync();

        Assert.True(await HandshakeAsync(manager, root, "offen.example.test"));
        Assert.True(await HandshakeAsync(manager, root, "www.example.test"));
        Assert.False(await HandshakeAsync(manager, root, "other.example.test"));
    }

    [Fact]
    public async Task RunRenewalLoop_ObtainsInBackground_AndStopsOnCancel()
    {
        using var manager = CreateManager();
        using var stop = new CancellationTokenSource();

        var loop = manager.RunRenewalLoopAsync(TimeSpan.FromHours(12), stop.Token);
        while (manager.Current is null && !_timeout.IsCancellationRequested && !loop.IsCompleted)
            await Task.Delay(50);
        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(1, manager.OrdersPlaced);
        Assert.NotNull(manager.SelectCertificate("offen.example.test"));
    }

    public void Dispose() => _timeout.Dispose();

    /// <summary>A TLS handshake over loopback: the server picks by SNI, the client trusts only pebble's root.</summary>
    private async Task<bool> HandshakeAsync(AcmeCertificateManager manager, X509Certificate2 root, string sni)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        var connect = client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, _timeout.Token);
        using var serverSide = await listener.AcceptTcpClientAsync(_timeout.Token);
        await connect;

        await using var serverTls = new SslStream(serverSide.GetStream());
        var serverTask = serverTls.AuthenticateAsServerAsync((_, hello, _, _) =>
        {
            var name = hello.ServerName;
            var context = manager.SelectCertificateContext(name)
                ?? throw new AuthenticationException($"no certificate for {name ?? "(no SNI)"}");
            return ValueTask.FromResult(new SslServerAuthenticationOptions { ServerCertificateContext = context });
        }, null, _timeout.Token).ContinueWith(t =>
        {
            // Like Kestrel: a refused handshake closes the connection, so the client sees it fail at once.
            if (!t.IsCompletedSuccessfully)
                serverSide.Close();
            return t;
        }, TaskScheduler.Default).Unwrap();

        await using var clientTls = new SslStream(client.GetStream());
        var intermediatesSent = 0;
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = sni,
            RemoteCertificateValidationCallback = (_, certificate, sent, errors) =>
            {
                if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                    return false;
                // The intermediate must come from the handshake itself (what SslStream received), not from the cache file.
                using var chain = new X509Chain();
                if (sent is not null)
                    chain.ChainPolicy.ExtraStore.AddRange(sent.ChainPolicy.ExtraStore);
                intermediatesSent = sent?.ChainPolicy.ExtraStore.Count ?? 0;
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(root);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                chain.ChainPolicy.DisableCertificateDownloads = true;
                return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
            },
        };
        try
        {
            await clientTls.AuthenticateAsClientAsync(options, _timeout.Token);
            await serverTask;
            Assert.True(intermediatesSent >= 1, "the server should send pebble's intermediate");
            return true;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            try
            {
                await serverTask;
            }
            catch (Exception inner) when (inner is AuthenticationException or IOException)
            {
            }
            return false;
        }
    }

    private AcmeCertificateManager CreateManager(TimeSpan? renewBefore = null, TimeProvider? time = null,
        Http01ChallengeStore? store = null, string[]? hosts = null, Uri? directory = null)
    {
        var options = new AcmeOptions
        {
            DirectoryUrl = directory ?? pebble.DirectoryUrl,
            Hosts = hosts ?? ["Offen.Example.Test", "www.example.test"],
            Email = "test@example.test",
            CacheDirectory = _cacheDirectory,
            RenewBefore = renewBefore ?? TimeSpan.FromDays(30),
            PollTimeout = TimeSpan.FromSeconds(20),
            HttpClientFactory = pebble.CreateHttpClient,
        };
        return new AcmeCertificateManager(options, store ?? pebble.Store, time ?? TimeProvider.System, NullLogger.Instance);
    }

    private async Task AssertChainsToPebbleRootAsync(string chainPem)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPem(chainPem);
        Assert.True(certificates.Count >= 2, "the chain should hold the leaf and pebble's intermediate");
        using var root = await pebble.FetchRootAsync();
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        for (var i = 1; i < certificates.Count; i++)
            chain.ChainPolicy.ExtraStore.Add(certificates[i]);
        Assert.True(chain.Build(certificates[0]), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
    }

    private sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }
}
