namespace Offen.Hosting;

/// <summary>What the HTTP application needs from the configuration (server.md §4.2), resolved once by the CLI.</summary>
public sealed record ServerSettings
{
    public bool ReverseProxy { get; init; }
    /// <summary>The delaying limiter of §1.8; always off in reverse-proxy mode. Only the API tests turn it off otherwise.</summary>
    public bool RateLimiting { get; init; } = true;
    public bool Development { get; init; }
    public string Locale { get; init; } = "en";
    public string? RootAccount { get; init; }
    /// <summary>Set only by <c>offen demo</c>: registers /intro and shortens the style cache (server.md §1.6).</summary>
    public string? DemoAccount { get; init; }
    public string RetentionToken { get; init; } = "6months";
    public TimeSpan Retention { get; init; } = TimeSpan.FromHours(4464);
    public byte[] Secret { get; init; } = [];
    public string SmtpSender { get; init; } = "no-reply@offen.dev";
    public string Revision { get; init; } = "";
    public int ArgonNumCpu { get; init; } = Environment.ProcessorCount;

    /// <summary>D1: lifetimes per token type (server.md §3.4).</summary>
    public static readonly TimeSpan AuthTokenLifetime = TimeSpan.FromHours(24);
    public static readonly TimeSpan ResetTokenLifetime = TimeSpan.FromHours(24);
    public static readonly TimeSpan JoinTokenLifetime = TimeSpan.FromDays(7);
}
