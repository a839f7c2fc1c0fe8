using System.Net;
using Offen.Auth;
using Offen.Crypto;
using Offen.Features.Accounts;
using Offen.Features.AccountUsers;
using Offen.Features.Events;
using Offen.Features.Exchange;
using Offen.Features.Health;
using Offen.Features.Login;
using Offen.Features.Setup;
using Offen.Features.SharedCaches;
using Offen.Features.Sharing;
using Offen.Jobs;
using Offen.Mail;
using Offen.Persistence;
using Offen.RateLimiting;
using Offen.Web;

namespace Offen.Hosting;

/// <summary>Where and how Kestrel listens (server.md §7); <paramref name="Tls"/> set: HTTPS with that certificate (rule 1).</summary>
public sealed record ListenOptions(IPAddress Address, int Port, TlsCertificate? Tls = null)
{
    /// <summary>Rule 2: Let's Encrypt (ACME) on the ports 80/443; <see cref="Port"/> is then ignored.</summary>
    public AutoTlsListen? AutoTls { get; init; }
}

/// <summary>Builds the HTTP application: services, then the request pipeline in the order of server.md §1.1.</summary>
public static class OffenApp
{
    public static WebApplication Build(ServerSettings settings, OffenStore store, IMailer mailer, ListenOptions listen,
        LogLevel logLevel, bool runExpiryJob, Stream? accessLogOutput = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ssK "; });
        builder.Logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(logLevel);
        // Framework request logs could carry paths with tokens; our own access log is the only request log.
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            if (listen.AutoTls is { } auto)
            {
                auto.Configure(k, listen.Address);
                return;
            }
            k.Listen(listen.Address, listen.Port, l =>
            {
                if (listen.Tls is not { } tls) return;
                // server.md §7 rule 1: HTTP/2 on, negotiated by ALPN next to http/1.1.
                l.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1AndHttp2;
                l.UseHttps(tls.Apply);
            });
        });

        var s = builder.Services;
        s.AddSingleton(settings);
        s.AddSingleton(store);
        s.AddSingleton(mailer);
        s.AddSingleton(TimeProvider.System);
        s.AddSingleton(new TokenSigner(settings.Secret));
        s.AddSingleton(new DelayingRateLimiter(enabled: !settings.ReverseProxy && settings.RateLimiting));
        s.AddSingleton(new AccountUserService(store, settings.ArgonNumCpu));
        s.AddSingleton(new StaticAssets(settings.Locale));
        s.AddSingleton<AccountStylesCache>();
        s.AddSingleton<Pages>();
        s.AddSingleton<StaticFiles>();
        s.AddSingleton<RouteQuirks>();
        s.AddSingleton<AccountUserFilter>();
        if (runExpiryJob) s.AddHostedService<ExpiryJob>();
        s.AddSingleton(listen);
        if (listen.AutoTls is not null) s.AddHostedService<AcmeRenewalService>();

        var app = builder.Build();
        UsePipeline(app, settings, accessLogOutput);
        MapRoutes(app, settings);
        return app;
    }

    private static void UsePipeline(WebApplication app, ServerSettings settings, Stream? accessLogOutput)
    {
        // §7 rule 2: the plain-HTTP listener only answers ACME challenges and redirects to https.
        if (app.Services.GetRequiredService<ListenOptions>().AutoTls is { } auto)
        {
            app.Use(async (ctx, next) =>
            {
                if (!await auto.TryHandlePlainHttpAsync(ctx)) await next(ctx);
            });
        }
        // 1. access log and gzip, only without a reverse proxy in front
        if (!settings.ReverseProxy)
        {
            var accessLog = new AccessLog(accessLogOutput ?? Console.OpenStandardOutput(), TimeProvider.System);
            app.Lifetime.ApplicationStopped.Register(() => accessLog.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(2)));
            app.Use(accessLog.InvokeAsync);
            app.Use(Gzip.InvokeAsync);
        }
        // 2. panic recovery: 500 with an empty body; then the location resolver and secure context
        app.Use(async (ctx, next) =>
        {
            try
            {
                RequestLocation.Set(ctx, RequestLocation.Resolve(ctx.Request, settings.Development));
                await next(ctx);
            }
            catch (Exception e) when (!ctx.RequestAborted.IsCancellationRequested)
            {
                app.Logger.LogError("Unhandled error serving a request: {Type}: {Message}", e.GetType().Name, e.Message);
                if (!ctx.Response.HasStarted)
                {
                    ctx.Response.Clear();
                    ctx.Response.StatusCode = 500;
                }
            }
            catch (OperationCanceledException)
            {
                // the client went away
            }
        });
        // 3. gin's trailing-slash redirect runs before matching (ASP.NET would otherwise ignore the slash)
        var quirks = app.Services.GetRequiredService<RouteQuirks>();
        app.Use(async (ctx, next) =>
        {
            if (!quirks.TryRedirect(ctx)) await next(ctx);
        });
        app.UseRouting();
        // 4. no route matched (a wrong method counts as no route): static files, then the index page
        var files = app.Services.GetRequiredService<StaticFiles>();
        app.Use(async (ctx, next) =>
        {
            var endpoint = ctx.GetEndpoint();
            if (endpoint is null || RouteQuirks.IsMethodNotAllowed(endpoint))
            {
                ctx.SetEndpoint(null);
                await files.ServeAsync(ctx);
                return;
            }
            await next(ctx);
        });
    }

    private static void MapRoutes(WebApplication app, ServerSettings settings)
    {
        app.MapHealthApi();
        var pages = app.Services.GetRequiredService<Pages>();
        app.MapGet("/vault", (HttpContext ctx) => pages.VaultAsync(ctx));
        if (settings.DemoAccount is not null) app.MapGet("/intro", (HttpContext ctx) => pages.IntroAsync(ctx));

        // server.md §1.2: every /api route sends no-store; D6: cross-site state changes are refused.
        var api = app.MapGroup("/api").AddEndpointFilter(async (context, next) =>
        {
            var ctx = context.HttpContext;
            ctx.Response.Headers.CacheControl = "no-store";
            if (!HttpMethods.IsGet(ctx.Request.Method) && !HttpMethods.IsHead(ctx.Request.Method)
                && ctx.Request.Headers.Origin.ToString() is { Length: > 0 } origin
                && !string.Equals(origin, RequestLocation.Of(ctx).Origin, StringComparison.OrdinalIgnoreCase))
            {
                await Api.ErrorAsync(ctx, 403, "router: cross-origin request refused");
                return Results.Empty;
            }
            return await next(context);
        });
        var authed = api.MapGroup("").AddEndpointFilter<AccountUserFilter>();

        api.MapEventsApi();
        api.MapExchangeApi();
        api.MapLoginApi(authed);
        api.MapSharingApi(authed);
        api.MapSetupApi();
        authed.MapAccountsApi();
        authed.MapSharedCachesApi();
    }
}
