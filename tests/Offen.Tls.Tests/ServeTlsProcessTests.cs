using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Offen.Tls.Tests;

/// <summary>`offen serve` with OFFEN_SERVER_SSLCERTIFICATE and OFFEN_SERVER_SSLKEY, as a real process (server.md §7 rule 1).</summary>
public class ServeTlsProcessTests
{
    private static readonly string Dll = typeof(Offen.Cli.Commands).Assembly.Location;

    private static string TempDir() => Directory.CreateTempSubdirectory("offen-tls-").FullName;

    private static ProcessStartInfo Start(string workDir, IDictionary<string, string> env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        // Isolate from the machine's own configuration: no env file in the cascade, no OFFEN_* from the runner.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("OFFEN_", StringComparison.Ordinal)).ToList()) psi.Environment.Remove(key);
        psi.Environment["HOME"] = workDir;
        psi.Environment["XDG_CONFIG_HOME"] = workDir;
        foreach (var (k, v) in env) psi.Environment[k] = v;
        return psi;
    }

    private static Dictionary<string, string> Env(string dir, TlsPair pair, int port) => new()
    {
        ["OFFEN_DATABASE_CONNECTIONSTRING"] = Path.Combine(dir, "offen.db"),
        ["OFFEN_SERVER_PORT"] = port.ToString(),
        ["OFFEN_SERVER_HOST"] = "127.0.0.1",
        ["OFFEN_SECRET"] = Convert.ToBase64String(new byte[16]),
        ["OFFEN_SERVER_SSLCERTIFICATE"] = pair.CertificatePath,
        ["OFFEN_SERVER_SSLKEY"] = pair.KeyPath,
    };

    /// <summary>Trusts exactly the test certificate, by thumbprint.</summary>
    private static HttpClient TrustingOnly(string thumbprint, int port) => new(new SocketsHttpHandler
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null && string.Equals(cert.GetCertHashString(), thumbprint, StringComparison.OrdinalIgnoreCase),
        },
    })
    { BaseAddress = new Uri($"https://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };

    private static async Task<HttpResponseMessage> GetHealthz(HttpClient http, Version version)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, "/healthz") { Version = version, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        return await http.SendAsync(req);
    }

    /// <summary>A raw TLS handshake offering one ALPN protocol (SslProtocols.None: the system's choice).</summary>
    private static async Task<(SslProtocols Protocol, SslApplicationProtocol Alpn)> HandshakeAsync(int port, string thumbprint, SslProtocols protocols, SslApplicationProtocol alpn)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = protocols,
            ApplicationProtocols = [alpn],
            RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == thumbprint,
        });
        return (ssl.SslProtocol, ssl.NegotiatedApplicationProtocol);
    }

    [Fact]
    public async Task Serve_WithPemPair_ServesHttp2AndHttp11OverTls12Plus_AndNotPlainHttp()
    {
        var dir = TempDir();
        var pair = TlsPair.CreateRsa(dir);
        var port = TestNet.FreePort();
        await WithServerAsync(dir, Env(dir, pair, port), async () =>
        {
            using var http = TrustingOnly(pair.Thumbprint, port);
            await TestNet.WaitHealthyAsync(http);

            using var h2 = await GetHealthz(http, HttpVersion.Version20);
            Assert.Equal(HttpStatusCode.OK, h2.StatusCode);
            Assert.Equal(HttpVersion.Version20, h2.Version);
            using var h1 = await GetHealthz(http, HttpVersion.Version11);
            Assert.Equal(HttpStatusCode.OK, h1.StatusCode);
            Assert.Equal(HttpVersion.Version11, h1.Version);

            // ALPN offers h2 and http/1.1; the handshake is TLS 1.2 or newer.
            var (protocol, alpn) = await HandshakeAsync(port, pair.Thumbprint, SslProtocols.None, SslApplicationProtocol.Http11);
            Assert.Equal(SslApplicationProtocol.Http11, alpn);
            Assert.True(protocol is SslProtocols.Tls12 or SslProtocols.Tls13, protocol.ToString());
            // TLS 1.2 exactly still works (Go's minimum).
            (protocol, alpn) = await HandshakeAsync(port, pair.Thumbprint, SslProtocols.Tls12, SslApplicationProtocol.Http2);
            Assert.Equal(SslProtocols.Tls12, protocol);
            Assert.Equal(SslApplicationProtocol.Http2, alpn);

            // Plain HTTP on the same port is not served.
            using var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetAsync($"http://127.0.0.1:{port}/healthz"));
        });
    }

    [Fact]
    public async Task Serve_WithChainFileAndEcdsaKey_ServesTheLeaf()
    {
        var dir = TempDir();
        var pair = TlsPair.CreateChain(dir);
        var port = TestNet.FreePort();
        await WithServerAsync(dir, Env(dir, pair, port), async () =>
        {
            using var http = TrustingOnly(pair.Thumbprint, port);
            await TestNet.WaitHealthyAsync(http);
            using var h2 = await GetHealthz(http, HttpVersion.Version20);
            Assert.Equal(HttpStatusCode.OK, h2.StatusCode);
        });
    }

    public static TheoryData<string, string> BadPairs => new()
    {
        { "certificate missing", "OFFEN_SERVER_SSLCERTIFICATE" },
        { "key missing", "OFFEN_SERVER_SSLKEY" },
        { "key garbage", "OFFEN_SERVER_SSLKEY" },
        { "key does not match", "OFFEN_SERVER_SSLKEY" },
    };

    [Theory]
    [MemberData(nameof(BadPairs))]
    public async Task Serve_WithBadPemPair_ExitsNonZeroWithOneLineNamingTheVariable(string @case, string variable)
    {
        var dir = TempDir();
        var pair = TlsPair.CreateRsa(dir);
        var env = Env(dir, pair, TestNet.FreePort());
        switch (@case)
        {
            case "certificate missing": env["OFFEN_SERVER_SSLCERTIFICATE"] = Path.Combine(dir, "missing.crt"); break;
            case "key missing": env["OFFEN_SERVER_SSLKEY"] = Path.Combine(dir, "missing.key"); break;
            case "key garbage": File.WriteAllText(pair.KeyPath, "garbage-not-a-key\n"); break;
            case "key does not match": env["OFFEN_SERVER_SSLKEY"] = TlsPair.CreateRsa(dir, "other").KeyPath; break;
        }
        var otherKey = @case == "key does not match" ? File.ReadAllText(env["OFFEN_SERVER_SSLKEY"]) : "";

        using var p = Process.Start(Start(dir, env, "serve"))!;
        var drained = ProcessOutput.Drain(p, "tls-serve-bad-pair");
        p.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await p.WaitForExitAsync(timeout.Token);
        var (output, errors) = (await drained.Stdout, await drained.Stderr);

        Assert.NotEqual(0, p.ExitCode);
        var line = Assert.Single(errors.Trim().Split('\n'));
        Assert.Contains(variable, line);
        Assert.Empty(output);
        Assert.DoesNotContain("PRIVATE KEY", errors);
        Assert.DoesNotContain("garbage-not-a-key", errors);
        var keyLines = pair.KeyBodyLines().Concat(otherKey.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)));
        Assert.All(keyLines, l => Assert.DoesNotContain(l.Trim(), errors));
        Assert.False(File.Exists(Path.Combine(dir, "offen.db")), "startup stopped before the database was opened");
    }

    private static async Task WithServerAsync(string dir, Dictionary<string, string> env, Func<Task> body)
    {
        using var serve = Process.Start(Start(dir, env, "serve"))!;
        var output = ProcessOutput.Drain(serve, "tls-serve");
        serve.StandardInput.Close();
        var stderr = output.Stderr;
        try
        {
            await body();
        }
        catch (Exception) when (serve.HasExited)
        {
            throw new Xunit.Sdk.XunitException($"offen serve exited with {serve.ExitCode}: {await stderr}");
        }
        finally
        {
            if (!serve.HasExited) serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync();
        }
    }

}
