using System.Net;

namespace Offen.Hosting.Acme;

/// <summary>
/// Any failure talking to the ACME server. <see cref="Type"/> and <see cref="Detail"/> come from the problem
/// document (RFC 8555 §6.7, RFC 7807) when the server sent one, e.g. <c>urn:ietf:params:acme:error:badNonce</c>.
/// </summary>
public sealed class AcmeException : Exception
{
    public const string BadNonce = "urn:ietf:params:acme:error:badNonce";

    public AcmeException(string type, string detail, HttpStatusCode? status = null, Exception? inner = null)
        : base(string.IsNullOrEmpty(detail) ? type : $"{type}: {detail}", inner)
    {
        Type = type;
        Detail = detail;
        Status = status;
    }

    /// <summary>The problem type URN, or a local one (<c>offen:acme:…</c>) when the server sent no problem document.</summary>
    public string Type { get; }
    public string Detail { get; }
    public HttpStatusCode? Status { get; }
}
