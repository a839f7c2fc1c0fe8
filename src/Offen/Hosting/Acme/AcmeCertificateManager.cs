using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Offen.Hosting.Acme;

/// <summary>
/// server.md §7 rule 2 (autocert's job): keeps one certificate for the host allow-list in the cache directory,
/// obtains it over ACME http-01 when missing or due, and hands it out by SNI for the allowed hosts only.
/// </summary>
public sealed class AcmeCertificateManager : IDisposable
{
    private const string AccountKeyFile = "acme_account+key.pem";
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly AcmeOptions _options;
    private readonly Http01ChallengeStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly HashSet<string> _allowed;
    private readonly IReadOnlyList<string> _hosts;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lazy<HttpClient> _http;
    private volatile Served? _current;
    private int _ordersPlaced;

    private sealed record Served(X509Certificate2 Certificate, SslStreamCertificateContext Context);

    public AcmeCertificateManager(AcmeOptions options, Http01ChallengeStore store, TimeProvider time, ILogger log)
    {
        if (options.Hosts.Count == 0)
            throw new ArgumentException("AutoTLS needs at least one host", nameof(options));
        if (string.IsNullOrWhiteSpace(options.CacheDirectory))
            throw new ArgumentException("AutoTLS needs a certificate cache directory", nameof(options));
        _options = options;
        _store = store;
        _time = time;
        _log = log;
        // server.md §7: the allow-list is matched exactly, lowercased.
        _hosts = options.Hosts.Select(NormalizeHost).Where(h => h.Length > 0).Distinct().Order(StringComparer.Ordinal).ToList();
        _allowed = new HashSet<string>(_hosts, StringComparer.Ordinal);
        _http = new Lazy<HttpClient>(options.HttpClientFactory);
        // One file pair per host set; a long set is shortened with a hash to stay within file name limits.
        var stem = string.Join('+', _hosts);
        if (stem.Length > 120)
            stem = _hosts[0] + "+" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(stem)))[..16];
        CertificateFileStem = Path.Combine(options.CacheDirectory, stem);
    }

    /// <summary>How many new orders this manager has placed (for tests and logs).</summary>
    public int OrdersPlaced => Volatile.Read(ref _ordersPlaced);

    /// <summary>The certificate being served, if any.</summary>
    public X509Certificate2? Current => _current?.Certificate;

    /// <summary>Path of the cached chain (<c>.crt.pem</c>) and key (<c>.key.pem</c>) without the extension.</summary>
    public string CertificateFileStem { get; }

    public string CertificatePath => CertificateFileStem + ".crt.pem";
    public string KeyPath => CertificateFileStem + ".key.pem";
    public string AccountKeyPath => Path.Combine(_options.CacheDirectory, AccountKeyFile);

    /// <summary>
    /// Returns a certificate valid for more than RenewBefore: the one in memory, else the cached one, else a new one.
    /// </summary>
    public async Task<X509Certificate2> GetOrObtainAsync(CancellationToken ct)
    {
        if (_current is { } served && !IsDue(served.Certificate))
            return served.Certificate;
        await _gate.WaitAsync(ct);
        try
        {
            if (_current is { } again && !IsDue(again.Certificate))
                return again.Certificate;
            EnsureCacheDirectory();
            if (LoadCached() is { } cached)
            {
                if (!IsDue(cached.Certificate))
                {
                    _current = cached;
                    _log.LogInformation("ACME: using cached certificate for {Hosts}, valid until {NotAfter:u}", string.Join(", ", _hosts), cached.Certificate.NotAfter.ToUniversalTime());
                    return cached.Certificate;
                }
                // Keep serving the old one while the new one is ordered.
                _current ??= cached;
            }
            var obtained = await ObtainAsync(ct);
            _current = obtained;
            return obtained.Certificate;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>For the renewal loop: orders a new certificate if the current one is within RenewBefore of expiry. True if it did.</summary>
    public async Task<bool> RenewIfDueAsync(CancellationToken ct)
    {
        var before = OrdersPlaced;
        await GetOrObtainAsync(ct);
        return OrdersPlaced != before;
    }

    /// <summary>
    /// Checks every <paramref name="interval"/> until cancelled (server.md §7: renewal is automatic, without a
    /// restart). Failures are logged and retried after 1 min, doubling up to the interval; the old certificate keeps
    /// being served meanwhile.
    /// </summary>
    public async Task RunRenewalLoopAsync(TimeSpan interval, CancellationToken ct)
    {
        var retry = TimeSpan.FromMinutes(1);
        while (!ct.IsCancellationRequested)
        {
            var wait = interval;
            try
            {
                await RenewIfDueAsync(ct);
                retry = TimeSpan.FromMinutes(1);
            }
            catch (Exception ex) when (ex is AcmeException or IOException or UnauthorizedAccessException or CryptographicException)
            {
                _log.LogError(ex, "ACME: obtaining the certificate for {Hosts} failed; retrying in {Retry}", string.Join(", ", _hosts), retry);
                wait = retry < interval ? retry : interval;
                retry *= 2;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            try
            {
                await Task.Delay(wait, _time, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Whether <paramref name="hostName"/> is on the allow-list (server.md §7: exact, lowercased).</summary>
    public bool IsAllowedHost(string? hostName) => hostName is not null && _allowed.Contains(NormalizeHost(hostName));

    /// <summary>
    /// For Kestrel's ServerCertificateSelector: the current certificate for an allowed SNI name, else null, so
    /// handshakes for other names, bare IPs or without SNI fail (server.md §7).
    /// </summary>
    public X509Certificate2? SelectCertificate(string? sniHostName) =>
        IsAllowedHost(sniHostName) ? _current?.Certificate : null;

    /// <summary>
    /// Like <see cref="SelectCertificate"/>, but with the intermediates from the ACME chain, for a
    /// TlsHandshakeCallback (a bare certificate would make SslStream send the leaf alone).
    /// </summary>
    public SslStreamCertificateContext? SelectCertificateContext(string? sniHostName) =>
        IsAllowedHost(sniHostName) ? _current?.Context : null;

    public void Dispose()
    {
        if (_http.IsValueCreated)
            _http.Value.Dispose();
        _gate.Dispose();
    }

    private bool IsDue(X509Certificate2 certificate) =>
        new DateTimeOffset(certificate.NotAfter.ToUniversalTime()) - _time.GetUtcNow() <= _options.RenewBefore;

    private async Task<Served> ObtainAsync(CancellationToken ct)
    {
        _log.LogInformation("ACME: ordering a certificate for {Hosts} from {Directory}", string.Join(", ", _hosts), _options.DirectoryUrl);
        using var accountKey = LoadOrCreateAccountKey();
        var client = new AcmeClient(_http.Value, _options.DirectoryUrl, accountKey) { PollTimeout = _options.PollTimeout };
        await client.RegisterAccountAsync(_options.Email, ct);

        using var certificateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest(new X500DistinguishedName("CN=" + _hosts[0]), certificateKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var host in _hosts)
            san.AddDnsName(host);
        csr.CertificateExtensions.Add(san.Build());

        Interlocked.Increment(ref _ordersPlaced);
        var chainPem = await client.ObtainCertificateAsync(_hosts, csr.CreateSigningRequest(), _store, ct);
        var keyPem = certificateKey.ExportPkcs8PrivateKeyPem();
        var served = Load(chainPem, keyPem);
        WriteFile(KeyPath, keyPem);
        WriteFile(CertificatePath, chainPem);
        _log.LogInformation("ACME: obtained a certificate for {Hosts}, valid until {NotAfter:u}", string.Join(", ", _hosts), served.Certificate.NotAfter.ToUniversalTime());
        return served;
    }

    private Served? LoadCached()
    {
        if (!File.Exists(CertificatePath) || !File.Exists(KeyPath))
            return null;
        try
        {
            var served = Load(File.ReadAllText(CertificatePath), File.ReadAllText(KeyPath));
            // A cache written for another host set under the same name would be a bug; check the SANs anyway.
            if (!CoversHosts(served.Certificate))
            {
                _log.LogWarning("ACME: cached certificate {Path} does not cover {Hosts}; ordering a new one", CertificatePath, string.Join(", ", _hosts));
                return null;
            }
            return served;
        }
        catch (CryptographicException ex)
        {
            _log.LogWarning(ex, "ACME: cached certificate {Path} is unreadable; ordering a new one", CertificatePath);
            return null;
        }
    }

    private bool CoversHosts(X509Certificate2 certificate)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var ext in certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>())
            foreach (var name in ext.EnumerateDnsNames())
                names.Add(NormalizeHost(name));
        return _hosts.All(names.Contains);
    }

    private static Served Load(string chainPem, string keyPem)
    {
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(chainPem);
        if (chain.Count == 0)
            throw new CryptographicException("the certificate chain holds no certificate");
        var leaf = X509Certificate2.CreateFromPem(chainPem, keyPem);
        var intermediates = new X509Certificate2Collection();
        for (var i = 1; i < chain.Count; i++)
            intermediates.Add(chain[i]);
        var context = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
        return new Served(leaf, context);
    }

    private ECDsa LoadOrCreateAccountKey()
    {
        var key = ECDsa.Create();
        if (File.Exists(AccountKeyPath))
        {
            key.ImportFromPem(File.ReadAllText(AccountKeyPath));
            return key;
        }
        key.GenerateKey(ECCurve.NamedCurves.nistP256);
        WriteFile(AccountKeyPath, key.ExportPkcs8PrivateKeyPem());
        return key;
    }

    /// <summary>server.md §7: the cache directory is created with mode 0700 (an existing one is left as it is).</summary>
    private void EnsureCacheDirectory()
    {
        if (System.IO.Directory.Exists(_options.CacheDirectory))
            return;
        if (OperatingSystem.IsWindows())
            System.IO.Directory.CreateDirectory(_options.CacheDirectory);
        else
            System.IO.Directory.CreateDirectory(_options.CacheDirectory, DirectoryMode);
    }

    /// <summary>Writes via a temporary file created 0600 and a rename, so a crash never leaves half a key.</summary>
    private static void WriteFile(string path, string content)
    {
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = PrivateFileMode;
        File.Delete(temp);
        using (var stream = new FileStream(temp, options))
        {
            stream.Write(Encoding.UTF8.GetBytes(content));
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    private static string NormalizeHost(string host) => host.Trim().TrimEnd('.').ToLowerInvariant();
}
