using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Offen.Configuration;

namespace Offen.Hosting;

/// <summary>A certificate whose file or key cannot be used; the message names the variable and never holds key material.</summary>
public sealed class TlsCertificateException(string message) : Exception(message);

/// <summary>The leaf (with its private key) and the intermediates that follow it in the certificate file.</summary>
public sealed record TlsCertificate(X509Certificate2 Leaf, X509Certificate2Collection Chain)
{
    /// <summary>server.md §7 rule 1: "Go's defaults apply", i.e. TLS 1.2 and 1.3, ALPN h2 and http/1.1.</summary>
    public void Apply(HttpsConnectionAdapterOptions https)
    {
        https.ServerCertificate = Leaf;
        https.ServerCertificateChain = Chain;
        https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
    }
}

/// <summary>Loads the PEM pair of OFFEN_SERVER_SSLCERTIFICATE and OFFEN_SERVER_SSLKEY (server.md §4.2, §7 rule 1).</summary>
public static class TlsCertificates
{
    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string EcOid = "1.2.840.10045.2.1";

    /// <summary>
    /// Like Go's <c>tls.LoadX509KeyPair</c>: the certificate file holds the leaf first and any intermediates after it;
    /// the key file holds one unencrypted private key (PKCS#8, PKCS#1 or SEC 1) that matches the leaf.
    /// </summary>
    /// <exception cref="TlsCertificateException">A one-line reason naming the variable at fault.</exception>
    public static TlsCertificate Load(string certificatePath, string keyPath)
    {
        const string certVar = ConfigKeys.ServerSslCertificate;
        const string keyVar = ConfigKeys.ServerSslKey;

        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(ReadFile(certVar, certificatePath));
        }
        catch (CryptographicException)
        {
            throw new TlsCertificateException($"{certVar}: \"{certificatePath}\" holds a CERTIFICATE block that is not a valid X.509 certificate");
        }
        if (certificates.Count == 0)
            throw new TlsCertificateException($"{certVar}: \"{certificatePath}\" does not contain a PEM certificate");

        var keyPem = ReadFile(keyVar, keyPath);
        var label = FirstPrivateKeyLabel(keyPem)
            ?? throw new TlsCertificateException($"{keyVar}: \"{keyPath}\" does not contain a PEM private key");
        if (label == "ENCRYPTED PRIVATE KEY")
            throw new TlsCertificateException($"{keyVar}: \"{keyPath}\" holds an encrypted private key; decrypt it first (e.g. openssl pkey)");

        var leaf = certificates[0];
        X509Certificate2 withKey;
        try
        {
            withKey = leaf.GetKeyAlgorithm() switch
            {
                RsaOid => WithKey(leaf, RSA.Create(), keyPem, keyVar, keyPath, "RSA", (c, k) => c.CopyWithPrivateKey(k)),
                EcOid => WithKey(leaf, ECDsa.Create(), keyPem, keyVar, keyPath, "ECDSA", (c, k) => c.CopyWithPrivateKey(k)),
                _ => throw new TlsCertificateException($"{certVar}: \"{certificatePath}\" has a public key type that is not supported (use RSA or ECDSA)"),
            };
        }
        finally
        {
            leaf.Dispose();
        }

        // Windows' SslStream cannot use an ephemeral (PEM-imported) key; a PKCS#12 round trip persists it.
        // OpenSSL on Linux and macOS uses the key as is.
        if (OperatingSystem.IsWindows())
        {
            using var ephemeral = withKey;
            withKey = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
        }

        var chain = new X509Certificate2Collection();
        for (var i = 1; i < certificates.Count; i++) chain.Add(certificates[i]);
        return new TlsCertificate(withKey, chain);
    }

    private static X509Certificate2 WithKey<TKey>(X509Certificate2 leaf, TKey key, string keyPem, string keyVar, string keyPath, string kind,
        Func<X509Certificate2, TKey, X509Certificate2> combine) where TKey : AsymmetricAlgorithm
    {
        using (key)
        {
            try
            {
                key.ImportFromPem(keyPem);
            }
            catch (Exception e) when (e is ArgumentException or CryptographicException)
            {
                // The exception text is not passed on: it could quote parts of the file.
                throw new TlsCertificateException(
                    $"{keyVar}: \"{keyPath}\" is not a valid {kind} private key, which the certificate in {ConfigKeys.ServerSslCertificate} needs");
            }
            try
            {
                return combine(leaf, key);
            }
            catch (Exception e) when (e is ArgumentException or CryptographicException)
            {
                throw new TlsCertificateException(
                    $"{keyVar}: the private key in \"{keyPath}\" does not match the certificate in {ConfigKeys.ServerSslCertificate}");
            }
        }
    }

    private static string? FirstPrivateKeyLabel(string pem)
    {
        var rest = pem.AsMemory();
        while (PemEncoding.TryFind(rest.Span, out var fields))
        {
            var label = rest.Span[fields.Label].ToString();
            if (label.EndsWith("PRIVATE KEY", StringComparison.Ordinal)) return label;
            rest = rest[fields.Location.End..];
        }
        return null;
    }

    private static string ReadFile(string variable, string path)
    {
        if (Directory.Exists(path)) throw new TlsCertificateException($"{variable}: \"{path}\" is a directory, not a file");
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new TlsCertificateException($"{variable}: file \"{path}\" does not exist");
        }
        catch (UnauthorizedAccessException)
        {
            throw new TlsCertificateException($"{variable}: file \"{path}\" cannot be read: permission denied");
        }
        catch (IOException e)
        {
            throw new TlsCertificateException($"{variable}: file \"{path}\" cannot be read: {e.Message.ReplaceLineEndings(" ")}");
        }
    }
}
