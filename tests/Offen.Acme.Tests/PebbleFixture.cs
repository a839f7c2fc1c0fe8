using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Offen.Hosting.Acme;

namespace Offen.Acme.Tests;

[CollectionDefinition(Name)]
public sealed class PebbleCollection : ICollectionFixture<PebbleFixture>
{
    public const string Name = "pebble";
}

/// <summary>
/// Debian's pebble + pebble-challtestsrv on loopback (shared/test-infra.md §3), with pebble's listener CA trusted
/// only by <see cref="CreateHttpClient"/>, and a minimal Kestrel on pebble's httpPort answering http-01 from
/// <see cref="Store"/>. A missing pebble fails the tests: CI installs it.
/// </summary>
public sealed class PebbleFixture : IAsyncLifetime
{
    private const string PebbleBinary = "/usr/bin/pebble";
    private const string ChallTestSrvBinary = "/usr/bin/pebble-challtestsrv";

    private readonly List<Process> _processes = [];
    private WebApplication? _responder;
    private X509Certificate2? _listenerCa;

    public string WorkDirectory { get; } = Path.Combine(Path.GetTempPath(), "offen-acme-" + Guid.NewGuid().ToString("N"));
    public Http01ChallengeStore Store { get; } = new();
    public Uri DirectoryUrl { get; private set; } = null!;
    public int ManagementPort { get; private set; }
    public int HttpPort { get; private set; }
    /// <summary>Every path the responder was asked for, to show pebble's validation requests.</summary>
    public List<string> ResponderLog { get; } = [];
    /// <summary>False when the server under test answers the challenges itself on <see cref="HttpPort"/>.</summary>
    public bool WithResponder { get; init; } = true;

    public async Task InitializeAsync()
    {
        if (!File.Exists(PebbleBinary) || !File.Exists(ChallTestSrvBinary))
            throw new InvalidOperationException($"{PebbleBinary} or {ChallTestSrvBinary} is missing: install the Debian package 'pebble' (shared/test-infra.md §3)");
        Directory.CreateDirectory(WorkDirectory);
        var dir = WorkDirectory;

        // Debian's pebble ships no test certificates: make a CA and a localhost/127.0.0.1 cert for its listeners.
        await RunAsync("openssl", $"req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=pebble-test-CA -keyout {dir}/ca.key -out {dir}/ca.pem");
        await RunAsync("openssl", $"req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout {dir}/key.pem -out {dir}/cert.csr");
        await File.WriteAllTextAsync($"{dir}/ext.cnf", "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\n");
        await RunAsync("openssl", $"x509 -req -in {dir}/cert.csr -CA {dir}/ca.pem -CAkey {dir}/ca.key -CAcreateserial -days 3650 -out {dir}/cert.pem -extfile {dir}/ext.cnf");
        _listenerCa = X509Certificate2.CreateFromPem(File.ReadAllText($"{dir}/ca.pem"));

        var acmePort = TestNet.FreePort();
        ManagementPort = TestNet.FreePort();
        HttpPort = TestNet.FreePort();
        var tlsPort = TestNet.FreePort();
        var dnsPort = TestNet.FreePort();
        var challMgmtPort = TestNet.FreePort();

        if (WithResponder) await StartResponderAsync();

        var config = $"{{\"pebble\": {{\"listenAddress\": \"127.0.0.1:{acmePort}\", \"managementListenAddress\": \"127.0.0.1:{ManagementPort}\", "
            + $"\"certificate\": \"{dir}/cert.pem\", \"privateKey\": \"{dir}/key.pem\", \"httpPort\": {HttpPort}, \"tlsPort\": {tlsPort}, "
            + "\"ocspResponderURL\": \"\", \"externalAccountBindingRequired\": false}}";
        await File.WriteAllTextAsync($"{dir}/pebble-config.json", config);

        // challtestsrv is only the DNS server: every A query → 127.0.0.1, AAAA → nothing.
        Start(ChallTestSrvBinary, $"-defaultIPv4 127.0.0.1 -defaultIPv6 \"\" -dns01 127.0.0.1:{dnsPort} -http01 \"\" -https01 \"\" -tlsalpn01 \"\" -management 127.0.0.1:{challMgmtPort}",
            "challtestsrv.log", new Dictionary<string, string>());
        Start(PebbleBinary, $"-config {dir}/pebble-config.json -dnsserver 127.0.0.1:{dnsPort}", "pebble.log", new Dictionary<string, string>
        {
            ["PEBBLE_VA_NOSLEEP"] = "1",
            ["PEBBLE_WFE_NONCEREJECT"] = "0",
            ["PEBBLE_AUTHZREUSE"] = "0",
        });

        DirectoryUrl = new Uri($"https://127.0.0.1:{acmePort}/dir");
        using var http = CreateHttpClient();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            foreach (var p in _processes)
                if (p.HasExited)
                    throw new InvalidOperationException($"{p.StartInfo.FileName} exited with {p.ExitCode}: " + Logs());
            try
            {
                using var response = await http.GetAsync(DirectoryUrl);
                if (response.IsSuccessStatusCode)
                    break;
            }
            catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromSeconds(15))
            {
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(15))
                throw new TimeoutException("pebble did not come up in 15 s: " + Logs());
            await Task.Delay(100);
        }
    }

    /// <summary>An HttpClient trusting pebble's listener CA only (never the system store's change).</summary>
    public HttpClient CreateHttpClient()
    {
        var ca = _listenerCa ?? throw new InvalidOperationException("fixture not initialized");
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                if (certificate is null)
                    return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate);
            },
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(20) };
    }

    /// <summary>pebble's issuing root, regenerated at every pebble start.</summary>
    public async Task<X509Certificate2> FetchRootAsync()
    {
        using var http = CreateHttpClient();
        var pem = await http.GetStringAsync($"https://127.0.0.1:{ManagementPort}/roots/0");
        return X509Certificate2.CreateFromPem(pem);
    }

    public string Logs()
    {
        var text = "";
        foreach (var name in new[] { "pebble.log", "challtestsrv.log" })
        {
            var path = Path.Combine(WorkDirectory, name);
            if (File.Exists(path))
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                text += $"\n--- {name} ---\n" + new StreamReader(stream).ReadToEnd();
            }
        }
        return text;
    }

    public async Task DisposeAsync()
    {
        foreach (var p in _processes)
        {
            try
            {
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                    await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
            }
            p.Dispose();
        }
        if (_responder is not null)
        {
            await _responder.StopAsync();
            await _responder.DisposeAsync();
        }
        _listenerCa?.Dispose();
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task StartResponderAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, HttpPort));
        var app = builder.Build();
        app.Run(async context =>
        {
            lock (ResponderLog)
                ResponderLog.Add($"{context.Request.Host} {context.Request.Path}");
            if (!await Store.TryHandleAsync(context))
                context.Response.StatusCode = StatusCodes.Status404NotFound;
        });
        await app.StartAsync();
        _responder = app;
    }

    private void Start(string file, string arguments, string logName, Dictionary<string, string> env)
    {
        var psi = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = WorkDirectory,
        };
        foreach (var (k, v) in env)
            psi.Environment[k] = v;
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        _processes.Add(process);
        var log = new StreamWriter(new FileStream(Path.Combine(WorkDirectory, logName), FileMode.Create, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        var gate = new object();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (gate) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (gate) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private static async Task RunAsync(string file, string arguments)
    {
        var psi = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {arguments} failed: {await stderr}");
    }

}
