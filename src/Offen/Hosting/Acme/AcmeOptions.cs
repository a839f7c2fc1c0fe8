namespace Offen.Hosting.Acme;

/// <summary>server.md §7 rule 2: what <see cref="AcmeCertificateManager"/> needs from the configuration.</summary>
public sealed record AcmeOptions
{
    public const string LetsEncryptProduction = "https://acme-v02.api.letsencrypt.org/directory";

    /// <summary>OFFEN_SERVER_ACMEDIRECTORY; Let's Encrypt production by default.</summary>
    public Uri DirectoryUrl { get; init; } = new(LetsEncryptProduction);

    /// <summary>OFFEN_SERVER_AUTOTLS: the host allow-list, also the certificate's SANs.</summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];

    /// <summary>OFFEN_SERVER_LETSENCRYPTEMAIL: the account contact, optional.</summary>
    public string? Email { get; init; }

    /// <summary>OFFEN_SERVER_CERTIFICATECACHE: created with mode 0700 if missing.</summary>
    public string CacheDirectory { get; init; } = "";

    /// <summary>Renew this long before expiry (autocert: 30 days).</summary>
    public TimeSpan RenewBefore { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Upper bound for polling one authorization or order.</summary>
    public TimeSpan PollTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Makes the HttpClient for the ACME server; the manager owns and disposes it. Default: a plain one with a 30 s timeout.</summary>
    public Func<HttpClient> HttpClientFactory { get; init; } = () => new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
}
