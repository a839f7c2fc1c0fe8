using System.Security.Cryptography;
using Offen.Hosting;

namespace Offen.Tls.Tests;

/// <summary>Loading the PEM pair of OFFEN_SERVER_SSLCERTIFICATE / OFFEN_SERVER_SSLKEY (server.md §4.2, §7 rule 1).</summary>
public class TlsCertificatesTests
{
    private static string TempDir() => Directory.CreateTempSubdirectory("offen-tls-").FullName;

    [Fact]
    public void Load_RsaPkcs8RsaPkcs1AndEcdsaKeys_GivesLeafWithPrivateKey()
    {
        var dir = TempDir();
        foreach (var pair in new[] { TlsPair.CreateRsa(dir, "pkcs8"), TlsPair.CreateRsa(dir, "pkcs1", pkcs1: true), TlsPair.CreateEcdsa(dir, "ec") })
        {
            var tls = TlsCertificates.Load(pair.CertificatePath, pair.KeyPath);
            Assert.True(tls.Leaf.HasPrivateKey);
            Assert.Equal(pair.Thumbprint, tls.Leaf.Thumbprint);
            Assert.Empty(tls.Chain);
        }
    }

    [Fact]
    public void Load_CertificateFileWithChain_LeafFirstIntermediatesAfter()
    {
        var pair = TlsPair.CreateChain(TempDir());
        var tls = TlsCertificates.Load(pair.CertificatePath, pair.KeyPath);
        Assert.Equal(pair.Thumbprint, tls.Leaf.Thumbprint);
        Assert.Equal("CN=Offen Test CA", Assert.Single(tls.Chain).Subject);
    }

    public static TheoryData<string, string, string> BadPairs => new()
    {
        // case, variable named, words in the reason
        { "missing certificate", "OFFEN_SERVER_SSLCERTIFICATE", "does not exist" },
        { "certificate is a directory", "OFFEN_SERVER_SSLCERTIFICATE", "is a directory" },
        { "certificate not PEM", "OFFEN_SERVER_SSLCERTIFICATE", "does not contain a PEM certificate" },
        { "certificate block corrupt", "OFFEN_SERVER_SSLCERTIFICATE", "not a valid X.509 certificate" },
        { "missing key", "OFFEN_SERVER_SSLKEY", "does not exist" },
        { "key garbage", "OFFEN_SERVER_SSLKEY", "does not contain a PEM private key" },
        { "key block corrupt", "OFFEN_SERVER_SSLKEY", "is not a valid RSA private key" },
        { "key of the other type", "OFFEN_SERVER_SSLKEY", "is not a valid RSA private key" },
        { "key encrypted", "OFFEN_SERVER_SSLKEY", "encrypted private key" },
        { "key does not match", "OFFEN_SERVER_SSLKEY", "does not match the certificate" },
    };

    [Theory]
    [MemberData(nameof(BadPairs))]
    public void Load_BadPair_ThrowsOneLineNamingTheVariable_WithoutKeyMaterial(string @case, string variable, string reason)
    {
        var dir = TempDir();
        var pair = TlsPair.CreateRsa(dir);
        var (cert, key) = (pair.CertificatePath, pair.KeyPath);
        switch (@case)
        {
            case "missing certificate": cert = Path.Combine(dir, "nope.crt"); break;
            case "certificate is a directory": cert = dir; break;
            case "certificate not PEM": File.WriteAllText(cert, "hello"); break;
            case "certificate block corrupt": File.WriteAllText(cert, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"); break;
            case "missing key": key = Path.Combine(dir, "nope", "x.key"); break;
            case "key garbage": File.WriteAllText(key, "garbage-not-a-key"); break;
            case "key block corrupt": File.WriteAllText(key, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"); break;
            case "key of the other type": key = TlsPair.CreateEcdsa(dir, "ec").KeyPath; break;
            case "key encrypted":
                using (var rsa = RSA.Create(2048))
                    File.WriteAllText(key, rsa.ExportEncryptedPkcs8PrivateKeyPem("pw", new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1000)));
                break;
            case "key does not match": key = TlsPair.CreateRsa(dir, "other").KeyPath; break;
        }
        var e = Assert.Throws<TlsCertificateException>(() => TlsCertificates.Load(cert, key));
        Assert.StartsWith(variable + ":", e.Message);
        Assert.Contains(reason, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain("PRIVATE KEY-----", e.Message);
        Assert.DoesNotContain("garbage-not-a-key", e.Message);
        Assert.All(pair.KeyBodyLines(), l => Assert.DoesNotContain(l, e.Message));
    }
}
