using System.Net.Security;
using System.Security.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Offen.Hosting.Acme;

namespace Offen.Hosting;

/// <summary>
/// server.md §7 rule 2 (OFFEN_SERVER_AUTOTLS): plain HTTP on <see cref="HttpPort"/> answers ACME http-01
/// challenges and redirects everything else to https; HTTPS on <see cref="HttpsPort"/> serves the certificate
/// of <see cref="Manager"/> by SNI, for the allowed hosts only. The ports are 80 and 443 in production.
/// </summary>
public sealed record AutoTlsListen(int HttpPort, int HttpsPort, AcmeCertificateManager Manager, Http01ChallengeStore Challenges)
{
    /// <summary>How often the renewal loop checks the certificate (it renews ~30 days before expiry).</summary>
    public TimeSpan CheckInterval { get; init; } = TimeSpan.FromHours(12);

    public void Configure(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions k, System.Net.IPAddress address)
    {
        k.Listen(address, HttpPort);
        k.Listen(address, HttpsPort, l =>
        {
            l.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1AndHttp2;
            l.UseHttps(new TlsHandshakeCallbackOptions
            {
                OnConnection = ctx =>
                {
                    // No certificate for unknown names, bare IPs or missing SNI: the handshake fails (§7).
                    var context = Manager.SelectCertificateContext(ctx.ClientHelloInfo.ServerName)
                        ?? throw new AuthenticationException("no certificate for the requested host");
                    return ValueTask.FromResult(new SslServerAuthenticationOptions
                    {
                        ServerCertificateContext = context,
                        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                        ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
                    });
                },
            });
        });
    }

    /// <summary>The port-80 side: challenges, else 302 to https for GET/HEAD and 400 for other methods.</summary>
    public async Task<bool> TryHandlePlainHttpAsync(HttpContext ctx)
    {
        if (ctx.Connection.LocalPort != HttpPort || ctx.Request.IsHttps) return false;
        if (await Challenges.TryHandleAsync(ctx)) return true;
        if (HttpMethods.IsGet(ctx.Request.Method) || HttpMethods.IsHead(ctx.Request.Method))
        {
            var host = RequestLocation.HostName(ctx.Request.Host.Value ?? "");
            var port = HttpsPort == 443 ? "" : $":{HttpsPort}";
            ctx.Response.StatusCode = 302;
            ctx.Response.Headers.Location = $"https://{host}{port}{ctx.Request.PathBase}{ctx.Request.Path}{ctx.Request.QueryString}";
            return true;
        }
        ctx.Response.StatusCode = 400;
        return true;
    }
}

/// <summary>Obtains the certificate once the listeners are up (http-01 needs port 80), then renews it in place.</summary>
public sealed class AcmeRenewalService(ListenOptions listen, IHostApplicationLifetime lifetime, ILogger<AcmeRenewalService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (listen.AutoTls is not { } auto) return;
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled()))
        {
            try { await started.Task; }
            catch (TaskCanceledException) { return; }
        }
        log.LogInformation("Obtaining or loading the TLS certificate via ACME");
        await auto.Manager.RunRenewalLoopAsync(auto.CheckInterval, stoppingToken);
    }
}
