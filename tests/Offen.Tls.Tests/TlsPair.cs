using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Offen.Tls.Tests;

/// <summary>Self-signed certificates and keys written as PEM files into a fresh temporary directory.</summary>
internal sealed class TlsPair
{
    public required string Directory { get; init; }
    public required string CertificatePath { get; init; }
    public required string KeyPath { get; init; }
    public required string Thumbprint { get; init; }
    public required string KeyPem { get; init; }

    public static TlsPair CreateRsa(string dir, string name = "server", bool pkcs1 = false)
    {
        using var key = RSA.Create(2048);
        using var cert = SelfSigned(new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        return Write(dir, name, cert, pkcs1 ? key.ExportRSAPrivateKeyPem() : key.ExportPkcs8PrivateKeyPem());
    }

    public static TlsPair CreateEcdsa(string dir, string name = "server")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var cert = SelfSigned(new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256));
        return Write(dir, name, cert, key.ExportECPrivateKeyPem());
    }

    /// <summary>A leaf issued by a throwaway CA; the certificate file holds the leaf, then the CA (a chain).</summary>
    public static TlsPair CreateChain(string dir, string name = "chain")
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caReq = new CertificateRequest("CN=Offen Test CA", caKey, HashAlgorithmName.SHA256);
        caReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var ca = caReq.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2));
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafReq = LeafRequest(new CertificateRequest("CN=localhost", leafKey, HashAlgorithmName.SHA256));
        using var leaf = leafReq.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3, 4]);
        var pair = Write(dir, name, leaf, leafKey.ExportPkcs8PrivateKeyPem());
        File.AppendAllText(pair.CertificatePath, ca.ExportCertificatePem() + "\n");
        return pair;
    }

    private static CertificateRequest LeafRequest(CertificateRequest req)
    {
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        san.AddDnsName("localhost");
        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return req;
    }

    private static X509Certificate2 SelfSigned(CertificateRequest req) =>
        LeafRequest(req).CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

    private static TlsPair Write(string dir, string name, X509Certificate2 cert, string keyPem)
    {
        var certPath = Path.Combine(dir, name + ".crt");
        var keyPath = Path.Combine(dir, name + ".key");
        File.WriteAllText(certPath, cert.ExportCertificatePem() + "\n");
        File.WriteAllText(keyPath, keyPem + "\n");
        return new TlsPair { Directory = dir, CertificatePath = certPath, KeyPath = keyPath, Thumbprint = cert.Thumbprint, KeyPem = keyPem };
    }

    /// <summary>Lines of the key's base64 body: none of them may appear in any output.</summary>
    public IEnumerable<string> KeyBodyLines() =>
        KeyPem.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith("-----", StringComparison.Ordinal));
}
