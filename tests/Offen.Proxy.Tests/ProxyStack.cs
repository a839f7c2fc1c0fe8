using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Offen.Proxy.Tests;

/// <summary>
/// The real `offen serve` in reverse-proxy mode behind a real nginx (Debian 1.22) that terminates TLS with a
/// self-signed certificate for offen.example.test, everything on loopback and inside one temp directory
/// (test-infra.md §5). The nginx site config is deploy/nginx.conf, with only ports and paths rewritten.
/// </summary>
public sealed class ProxyStack : IAsyncDisposable
{
    public const string HostName = "offen.example.test";

    private readonly string _dir;
    private readonly Process _offen;
    private readonly Process _nginx;
    private readonly StringBuilder _offenStdout = new();
    private readonly StringBuilder _offenStderr = new();
    private readonly StringBuilder _nginxLog = new();
    private bool _offenStopped;

    public int OffenPort { get; }
    public int TlsPort { get; }
    public int HttpPort { get; }
    public X509Certificate2 Certificate { get; }

    /// <summary>https://offen.example.test:&lt;port&gt;, reached through nginx.</summary>
    public Uri PublicAddress => new($"https://{HostName}:{TlsPort}");

    private ProxyStack(string dir, Process offen, Process nginx, int offenPort, int tlsPort, int httpPort, X509Certificate2 cert)
    {
        (_dir, _offen, _nginx, OffenPort, TlsPort, HttpPort, Certificate) = (dir, offen, nginx, offenPort, tlsPort, httpPort, cert);
    }

    public static async Task<ProxyStack> StartAsync()
    {
        var dir = Directory.CreateTempSubdirectory("offen-proxy-").FullName;
        // As root, nginx workers run as nobody and must reach tmp/ below the prefix.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        var (offenPort, tlsPort, httpPort) = (TestNet.FreePort(), TestNet.FreePort(), TestNet.FreePort());

        await RunToEndAsync("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", $"/CN={HostName}",
            "-addext", $"subjectAltName=DNS:{HostName}", "-keyout", Path.Combine(dir, "tls.key"), "-out", Path.Combine(dir, "tls.crt"));
        var cert = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(dir, "tls.crt"));
        await File.WriteAllTextAsync(Path.Combine(dir, "nginx.conf"), NginxConfig(dir, offenPort, tlsPort, httpPort));
        Directory.CreateDirectory(Path.Combine(dir, "tmp"));

        var offen = StartOffen(dir, offenPort);
        Process? nginx = null;
        try
        {
            nginx = StartNginx(dir);
            var stack = new ProxyStack(dir, offen, nginx, offenPort, tlsPort, httpPort, cert);
            var offenLog = TestLogs.Open("proxy-offen"); // OFFEN_TEST_LOG_DIR: scripts/check-logs.py reads it
            Capture(offen.StandardOutput, stack._offenStdout, offenLog);
            Capture(offen.StandardError, stack._offenStderr, offenLog);
            Capture(nginx.StandardOutput, stack._nginxLog);
            Capture(nginx.StandardError, stack._nginxLog);
            try
            {
                using var direct = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{offenPort}") };
                await WaitAsync(direct, "offen serve", () => offen.HasExited ? stack._offenStderr.ToString() : null);
                using var proxied = stack.Client();
                await WaitAsync(proxied, "nginx", () => nginx.HasExited ? stack._nginxLog.ToString() : null);
            }
            catch
            {
                await stack.DisposeAsync();
                throw;
            }
            return stack;
        }
        catch when (nginx is null)
        {
            offen.Kill(entireProcessTree: true);
            throw;
        }
    }

    /// <summary>deploy/nginx.conf inside a minimal main config, with loopback ports and the temp directory's paths.</summary>
    public static string NginxConfig(string dir, int offenPort, int tlsPort, int httpPort) => NginxConfig(dir, [offenPort], tlsPort, httpPort);

    /// <summary>
    /// deploy/nginx.conf with one upstream server per port (nginx balances round-robin, per request) and
    /// <paramref name="locationExtra"/> appended to the proxied location (e.g. a test-only response header).
    /// </summary>
    public static string NginxConfig(string dir, IReadOnlyList<int> offenPorts, int tlsPort, int httpPort, string locationExtra = "")
    {
        var site = File.ReadAllText(Path.Combine(RepoRoot(), "deploy", "nginx.conf"));
        site = Rewrite(site, "server 127.0.0.1:3000;", string.Join(" ", offenPorts.Select(p => $"server 127.0.0.1:{p};")));
        if (locationExtra.Length > 0) site = Rewrite(site, "proxy_buffering off;", "proxy_buffering off;\n        " + locationExtra);
        site = Rewrite(site, "listen 80;", $"listen 127.0.0.1:{httpPort};");
        site = Rewrite(site, "listen [::]:80;", "");
        site = Rewrite(site, "listen 443 ssl http2;", $"listen 127.0.0.1:{tlsPort} ssl http2;");
        site = Rewrite(site, "listen [::]:443 ssl http2;", "");
        site = Rewrite(site, "server_name offen.example.com;", $"server_name {HostName};");
        site = Rewrite(site, "/etc/letsencrypt/live/offen.example.com/fullchain.pem", Path.Combine(dir, "tls.crt"));
        site = Rewrite(site, "/etc/letsencrypt/live/offen.example.com/privkey.pem", Path.Combine(dir, "tls.key"));
        return $$"""
            worker_processes 1;
            pid nginx.pid;
            error_log stderr notice;
            events { worker_connections 256; }
            http {
              access_log off;
              client_body_temp_path tmp/body; proxy_temp_path tmp/proxy; fastcgi_temp_path tmp/fastcgi;
              uwsgi_temp_path tmp/uwsgi; scgi_temp_path tmp/scgi;
            {{site}}
            }
            """;
    }

    private static string Rewrite(string text, string from, string to)
    {
        var count = text.Split(from).Length - 1;
        if (count == 0) throw new InvalidOperationException($"deploy/nginx.conf no longer contains '{from}'; update {nameof(ProxyStack)}");
        return text.Replace(from, to, StringComparison.Ordinal);
    }

    private static Process StartOffen(string dir, int port)
    {
        var psi = OffenProcess(dir, "serve");
        psi.Environment["OFFEN_SERVER_REVERSEPROXY"] = "true";
        psi.Environment["OFFEN_SERVER_PORT"] = port.ToString();
        psi.Environment["OFFEN_SERVER_HOST"] = "127.0.0.1";
        psi.Environment["OFFEN_DATABASE_CONNECTIONSTRING"] = Path.Combine(dir, "offen.db");
        psi.Environment["OFFEN_SECRET"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        psi.Environment["OFFEN_SMTP_HOST"] = "smtp.invalid";
        return Process.Start(psi)!;
    }

    /// <summary>
    /// `dotnet offen.dll &lt;args&gt;` in <paramref name="dir"/>, isolated from the machine's configuration: no env
    /// file in the cascade (HOME and XDG_CONFIG_HOME point at the temp dir), no OFFEN_* from the runner.
    /// </summary>
    public static ProcessStartInfo OffenProcess(string dir, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(typeof(Offen.Cli.Commands).Assembly.Location);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("OFFEN_", StringComparison.Ordinal)).ToList()) psi.Environment.Remove(key);
        psi.Environment["HOME"] = dir;
        psi.Environment["XDG_CONFIG_HOME"] = dir;
        return psi;
    }

    /// <summary>nginx in the foreground with <paramref name="dir"/> as its prefix (test-infra.md §5).</summary>
    public static Process StartNginx(string dir)
    {
        var psi = new ProcessStartInfo("nginx") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        foreach (var a in new[] { "-p", dir + "/", "-c", "nginx.conf", "-e", "stderr", "-g", "daemon off;" }) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    /// <summary>TERM to the master named in its pid file (a fast stop), then the process handle as a fallback.</summary>
    public static async Task StopNginxAsync(string dir, Process nginx)
    {
        var pidFile = Path.Combine(dir, "nginx.pid");
        if (File.Exists(pidFile) && int.TryParse((await File.ReadAllTextAsync(pidFile)).Trim(), out var pid))
            await RunToEndAsync("kill", "-TERM", pid.ToString());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await nginx.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { nginx.Kill(entireProcessTree: true); }
    }

    /// <summary>A client that speaks HTTP/2 over TLS to nginx, resolves offen.example.test to 127.0.0.1 (so SNI
    /// and Host are the real name) and trusts only the test certificate.</summary>
    public HttpClient Client() => TlsClient(PublicAddress, Certificate);

    /// <summary>As <see cref="Client()"/>, for any nginx front with <paramref name="certificate"/> on <paramref name="address"/>.</summary>
    public static HttpClient TlsClient(Uri address, X509Certificate2 certificate)
    {
        var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectCallback = async (ctx, ct) =>
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                var host = ctx.DnsEndPoint.Host == HostName ? IPAddress.Loopback.ToString() : ctx.DnsEndPoint.Host;
                await s.ConnectAsync(host, ctx.DnsEndPoint.Port, ct);
                return new NetworkStream(s, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, cert, _, errors) => TrustOnly(certificate, cert, errors),
            },
        };
        return new HttpClient(handler)
        {
            BaseAddress = address,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    private static bool TrustOnly(X509Certificate2 trusted, X509Certificate? cert, SslPolicyErrors errors)
    {
        if (cert is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(trusted);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return custom.Build(new X509Certificate2(cert));
    }

    /// <summary>Stops offen gracefully (SIGTERM), so that anything it buffered for stdout is written, and returns its stdout.</summary>
    public async Task<string> StopOffenAsync()
    {
        if (!_offenStopped)
        {
            _offenStopped = true;
            await RunToEndAsync("kill", "-TERM", _offen.Id.ToString());
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _offen.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _offen.Kill(entireProcessTree: true);
                await _offen.WaitForExitAsync();
            }
        }
        lock (_offenStdout) return _offenStdout.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await StopNginxAsync(_dir, _nginx);
        if (!_offenStopped)
        {
            _offen.Kill(entireProcessTree: true);
            await _offen.WaitForExitAsync();
        }
        _nginx.Dispose();
        _offen.Dispose();
        Certificate.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Offen.slnx"))) return d.FullName;
        throw new InvalidOperationException("Offen.slnx not found above " + AppContext.BaseDirectory);
    }

    public static async Task<string> RunToEndAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} failed ({p.ExitCode}): {await stderr}");
        return await stdout + await stderr;
    }

    /// <param name="log">Also copy every line there (see tests/Shared/TestLogs.cs); null: keep it in memory only.</param>
    public static void Capture(StreamReader reader, StringBuilder into, TestLogFile? log = null) => _ = Task.Run(async () =>
    {
        string? line;
        while ((line = await reader.ReadLineAsync()) is not null)
        {
            lock (into) into.AppendLine(line);
            log?.WriteLine(line);
        }
    });

    public static async Task WaitAsync(HttpClient http, string what, Func<string?> exited)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (exited() is { } log) throw new InvalidOperationException($"{what} exited early: {log}");
            try
            {
                if ((await http.GetAsync("/healthz")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what} did not answer /healthz");
            await Task.Delay(50);
        }
    }
}
