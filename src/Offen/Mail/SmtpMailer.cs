using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using SaslAuthenticationException = MailKit.Security.AuthenticationException;

namespace Offen.Mail;

/// <summary>How the SMTP connection is protected. Chosen from host and port by <see cref="SmtpMailer.ChooseSecurity"/>.</summary>
internal enum SmtpTransportSecurity
{
    /// <summary>TLS from the first byte (SMTPS, port 465).</summary>
    ImplicitTls,

    /// <summary>STARTTLS, and fail when the server does not offer it.</summary>
    StartTlsRequired,

    /// <summary>STARTTLS when the server offers it, plain text otherwise. Only for loopback servers.</summary>
    StartTlsWhenOffered,
}

/// <summary>The SASL mechanism forced for AUTH, from OFFEN_SMTP_AUTHTYPE (server.md §4.2).</summary>
internal enum SmtpAuthType
{
    Login,
    Plain,
    CramMd5,
    NoAuth,
}

/// <summary>
/// Sends through an SMTP server with MailKit, one connection per message: connect, authenticate, send, disconnect
/// (server.md §8, D10).
/// </summary>
/// <remarks>
/// Transport security (D10, server.md §11 edge 41):
/// <list type="bullet">
/// <item>Port 465 uses implicit TLS. Upstream cannot talk to it at all.</item>
/// <item>Any other port needs STARTTLS, as upstream (go-mail) does, so neither the password nor the reset link crosses
/// a network in clear text. A server that does not offer STARTTLS is an error.</item>
/// <item>The one exception is a server on loopback (<c>localhost</c>, 127.0.0.0/8, ::1). It gets STARTTLS when it offers
/// it and plain text otherwise. That traffic never leaves the machine, and a local relay (a postfix or an SMTP sidecar
/// beside Offen) often has no TLS at all. Upstream rejects such a relay, and then reset mail silently never arrives.
/// We decided this from the literal host only, without a DNS lookup, so a name that merely resolves to 127.0.0.1
/// still needs STARTTLS.</item>
/// </list>
/// When TLS is used, it is TLS 1.2 or newer and the certificate is checked against the system store, on loopback too.
/// Tests pass their own validation callback for the self-signed sink certificate.
/// </remarks>
public sealed class SmtpMailer : IMailer
{
    /// <summary>go-mail's default, which upstream uses.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private readonly string _host;
    private readonly int _port;
    private readonly string? _user;
    private readonly string? _password;
    private readonly SmtpAuthType _authType;
    private readonly TimeSpan _timeout;
    private readonly SmtpTransportSecurity _security;
    private readonly RemoteCertificateValidationCallback? _certificateValidation;

    /// <param name="host">OFFEN_SMTP_HOST.</param>
    /// <param name="port">OFFEN_SMTP_PORT. 465 means implicit TLS.</param>
    /// <param name="user">OFFEN_SMTP_USER. When it is empty, no AUTH is sent whatever <paramref name="authType"/> says.</param>
    /// <param name="password">OFFEN_SMTP_PASSWORD.</param>
    /// <param name="authType"><c>LOGIN</c>, <c>PLAIN</c>, <c>CRAM-MD5</c> or <c>NOAUTH</c>, case-insensitive.</param>
    /// <param name="timeout">Limit for the whole exchange of one message (normally <see cref="DefaultTimeout"/>).</param>
    /// <param name="certificateValidation">Replaces the system-store check of the server certificate (tests only).</param>
    /// <exception cref="MailException">The auth type is unknown, the host is empty or the port is out of range.</exception>
    public SmtpMailer(string host, int port, string? user, string? password, string authType, TimeSpan timeout,
        RemoteCertificateValidationCallback? certificateValidation = null)
        : this(host, port, user, password, authType, timeout, certificateValidation, security: null)
    {
    }

    /// <summary>Tests use <paramref name="security"/> to run implicit TLS on a free port and to require STARTTLS on
    /// loopback. Production passes null, so host and port decide.</summary>
    internal SmtpMailer(string host, int port, string? user, string? password, string authType, TimeSpan timeout,
        RemoteCertificateValidationCallback? certificateValidation, SmtpTransportSecurity? security)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            throw new MailException("the SMTP host is empty");
        }

        if (port is < 1 or > 65535)
        {
            throw new MailException($"the SMTP port {port} is out of range (1-65535)");
        }

        if (timeout <= TimeSpan.Zero)
        {
            throw new MailException("the SMTP timeout must be positive");
        }

        _host = host.Trim();
        _port = port;
        _user = user;
        _password = password;
        _authType = ParseAuthType(authType);
        _timeout = timeout;
        _certificateValidation = certificateValidation;
        _security = security ?? ChooseSecurity(_host, port);
    }

    /// <summary>Parses OFFEN_SMTP_AUTHTYPE. Anything unknown is a fatal configuration error (server.md §4.2).</summary>
    internal static SmtpAuthType ParseAuthType(string? authType) => authType?.Trim().ToUpperInvariant() switch
    {
        "LOGIN" => SmtpAuthType.Login,
        "PLAIN" => SmtpAuthType.Plain,
        "CRAM-MD5" => SmtpAuthType.CramMd5,
        "NOAUTH" => SmtpAuthType.NoAuth,
        _ => throw new MailException(
            $"unknown SMTP auth type \"{MailException.OneLine(authType, 40)}\"; use LOGIN, PLAIN, CRAM-MD5 or NOAUTH"),
    };

    /// <summary>The transport rule described on the class (D10).</summary>
    internal static SmtpTransportSecurity ChooseSecurity(string host, int port)
    {
        if (port == 465)
        {
            return SmtpTransportSecurity.ImplicitTls;
        }

        return IsLoopback(host) ? SmtpTransportSecurity.StartTlsWhenOffered : SmtpTransportSecurity.StartTlsRequired;
    }

    internal static bool IsLoopback(string host)
    {
        var h = host.Trim().TrimStart('[').TrimEnd(']');
        if (IPAddress.TryParse(h, out var ip))
        {
            return IPAddress.IsLoopback(ip);
        }

        // RFC 6761: "localhost" and its subdomains always name the loopback interface.
        return h.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || h.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
    }

    public async Task SendAsync(MailMessageData message, CancellationToken ct)
    {
        var mime = MimeMessageBuilder.Build(message);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(_timeout);
        using var client = new SmtpClient
        {
            Timeout = (int)Math.Min(int.MaxValue, _timeout.TotalMilliseconds),
            SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            // Like upstream (Go's crypto/tls), revocation is not checked: a CRL endpoint the server cannot reach would
            // otherwise make every mail fail with "revocation status unknown".
            CheckCertificateRevocation = false,
        };
        string? certificateProblem = null;
        client.ServerCertificateValidationCallback = (sender, certificate, chain, errors) =>
        {
            if (_certificateValidation is not null)
            {
                return _certificateValidation(sender, certificate, chain, errors);
            }

            // Plain .NET validation against the system store. MailKit's default callback also waves through a built-in
            // list of well-known certificates, which we do not want to depend on.
            certificateProblem = DescribeCertificateErrors(errors, chain);
            return errors == SslPolicyErrors.None;
        };

        var stage = "connect to";
        try
        {
            await client.ConnectAsync(_host, _port, ToMailKit(_security), deadline.Token).ConfigureAwait(false);
            if (_authType != SmtpAuthType.NoAuth && !string.IsNullOrEmpty(_user))
            {
                stage = "authenticate with";
                await client.AuthenticateAsync(CreateMechanism(_authType, _user, _password ?? ""), deadline.Token)
                    .ConfigureAwait(false);
            }

            stage = "send through";
            await client.SendAsync(mime, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new MailException($"timed out after {_timeout.TotalSeconds:0.#} s trying to {stage} SMTP server {Endpoint}");
        }
        catch (Exception e) when (e is not OperationCanceledException and not MailException)
        {
            throw Translate(e, stage, certificateProblem);
        }

        // D10: the server has accepted the message. Whatever goes wrong with QUIT or the close is not a failure.
        try
        {
            await client.DisconnectAsync(quit: true, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Deliberately ignored, see above.
        }
    }

    /// <summary>For `offen debug` and startup logs: never the password, and not the user either (often an email).</summary>
    public override string ToString() =>
        $"SMTP {Endpoint} ({_security}, auth {_authType}{(string.IsNullOrEmpty(_user) ? ", no user" : "")})";

    private string Endpoint => _host.Contains(':') && !_host.StartsWith('[') ? $"[{_host}]:{_port}" : $"{_host}:{_port}";

    private static SecureSocketOptions ToMailKit(SmtpTransportSecurity security) => security switch
    {
        SmtpTransportSecurity.ImplicitTls => SecureSocketOptions.SslOnConnect,
        SmtpTransportSecurity.StartTlsRequired => SecureSocketOptions.StartTls,
        _ => SecureSocketOptions.StartTlsWhenAvailable,
    };

    // Explicit mechanism classes force the configured mechanism even when the server offers others, as upstream does.
    private static SaslMechanism CreateMechanism(SmtpAuthType type, string user, string password) => type switch
    {
        SmtpAuthType.Login => new SaslMechanismLogin(user, password),
        SmtpAuthType.Plain => new SaslMechanismPlain(user, password),
        SmtpAuthType.CramMd5 => new SaslMechanismCramMd5(user, password),
        _ => throw new InvalidOperationException("NOAUTH has no SASL mechanism"),
    };

    private static string AuthName(SmtpAuthType type) => type == SmtpAuthType.CramMd5 ? "CRAM-MD5" : type.ToString().ToUpperInvariant();

    private MailException Translate(Exception e, string stage, string? certificateProblem)
    {
        var where = $"SMTP server {Endpoint}";
        switch (e)
        {
            case TimeoutException:
                return new MailException($"timed out after {_timeout.TotalSeconds:0.#} s trying to {stage} {where}");
            case SocketException se:
                return new MailException($"could not connect to {where}: {se.SocketErrorCode}", se);
            case SslHandshakeException when certificateProblem is not null:
                return new MailException($"TLS handshake with {where} failed: the server certificate is not trusted ({certificateProblem})");
            case SslHandshakeException hs:
                // MailKit's own text is a multi-paragraph help page; the inner exception says what failed.
                return new MailException(
                    $"TLS handshake with {where} failed: {MailException.OneLine(hs.InnerException?.Message ?? hs.Message)}", hs.InnerException);
            case SaslAuthenticationException ae:
                // The server's reply to AUTH is about the credentials; it helps the operator (e.g. "app password required").
                return new MailException($"{where} rejected the {AuthName(_authType)} login: {MailException.OneLine(ae.Message)}");
            case ServiceNotAuthenticatedException:
                return new MailException($"{where} requires authentication; set OFFEN_SMTP_USER and OFFEN_SMTP_PASSWORD");
            case SmtpCommandException ce:
                return new MailException(DescribeCommandError(ce, where));
            case NotSupportedException ns when stage == "connect to":
                return new MailException($"{where} does not offer STARTTLS, which is required for a server that is not on loopback " +
                    $"(use port 465 for implicit TLS): {MailException.OneLine(ns.Message)}");
            case NotSupportedException:
                return new MailException($"{where} does not offer SMTP AUTH; set OFFEN_SMTP_AUTHTYPE=NOAUTH if it needs no login");
            case SmtpProtocolException or ServiceNotConnectedException or IOException:
                return new MailException($"the connection to {where} failed while trying to {stage} it: {MailException.OneLine(e.Message)}",
                    e is IOException ? e : null);
            default:
                return new MailException($"could not {stage} {where}: {e.GetType().Name}: {MailException.OneLine(e.Message)}");
        }
    }

    private static string? DescribeCertificateErrors(SslPolicyErrors errors, X509Chain? chain)
    {
        if (errors == SslPolicyErrors.None)
        {
            return null;
        }

        var parts = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            parts.Add("no certificate sent");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            parts.Add("name does not match the host");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            var statuses = chain?.ChainStatus.Select(s => s.Status.ToString()).Distinct().ToArray() ?? [];
            parts.Add(statuses.Length == 0 ? "chain not trusted" : "chain: " + string.Join(", ", statuses));
        }

        return string.Join("; ", parts);
    }

    // Replies to MAIL FROM / RCPT TO often quote the address, so only the status code is kept.
    private static string DescribeCommandError(SmtpCommandException ce, string where)
    {
        var code = (int)ce.StatusCode;
        return ce.ErrorCode switch
        {
            SmtpErrorCode.SenderNotAccepted => $"{where} rejected the sender address ({code})",
            SmtpErrorCode.RecipientNotAccepted => $"{where} rejected the recipient address ({code})",
            SmtpErrorCode.MessageNotAccepted => $"{where} rejected the message ({code})",
            _ => $"{where} answered with an unexpected status ({code})",
        };
    }
}
