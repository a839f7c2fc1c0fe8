using System.Text;
using Offen.Hosting;
using Offen.Persistence;
using Offen.Web;

namespace Offen.Features.Health;

/// <summary>ANY /healthz and GET /versionz (server.md §1.4, §9.1).</summary>
public static class HealthApi
{
    public static void MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.Map("/healthz", Healthz);
        app.MapGet("/versionz", Versionz);
    }

    private static async Task Healthz(HttpContext ctx, OffenStore store, ILogger<OffenStore> log)
    {
        ctx.Response.Headers.CacheControl = "no-store";
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await store.PingAsync(timeout.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ctx.RequestAborted.IsCancellationRequested)
        {
            log.LogError("Health check failed: {Reason}", e.GetType().Name);
            await Api.ErrorAsync(ctx, 502, "router: error checking database connection");
            return;
        }
        await Api.JsonAsync(ctx, 200, new HealthResponse(true), WireJson.Default.HealthResponse);
    }

    private static async Task Versionz(HttpContext ctx, ServerSettings settings)
    {
        ctx.Response.Headers.CacheControl = "no-store";
        // §1.4: pretty-printed with a 4-space indent.
        var revision = System.Text.Json.JsonSerializer.Serialize(settings.Revision);
        var bytes = Encoding.UTF8.GetBytes($"{{\n    \"revision\": {revision}\n}}");
        ctx.Response.ContentType = Api.JsonContentType;
        await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted);
    }
}
