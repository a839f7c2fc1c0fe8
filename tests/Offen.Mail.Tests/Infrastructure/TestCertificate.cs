using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Offen.Mail.Tests.Infrastructure;

/// <summary>A self-signed localhost certificate for the TLS sinks, and a validation callback that trusts exactly it.</summary>
internal sealed class TestCertificate
{
    private readonly string _sha256;

    private TestCertificate(string certPath, string keyPath, string sha256)
    {
        CertPath = certPath;
        KeyPath = keyPath;
        _sha256 = sha256;
    }

    public string CertPath { get; }

    public string KeyPath { get; }

    /// <summary>Trusts the test certificate and nothing else, whatever the chain errors (it is self-signed).</summary>
    public RemoteCertificateValidationCallback TrustIt =>
        (_, certificate, _, _) => certificate is not null
            && string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), _sha256, StringComparison.OrdinalIgnoreCase);

    public static TestCertificate Create(string directory)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));

        var certPath = Path.Combine(directory, "cert.pem");
        var keyPath = Path.Combine(directory, "key.pem");
        File.WriteAllText(certPath, cert.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return new TestCertificate(certPath, keyPath, cert.GetCertHashString(HashAlgorithmName.SHA256));
    }
}
