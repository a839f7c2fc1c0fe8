using System.Globalization;
using Offen.Hosting;

namespace Offen.Auth;

/// <summary>server.md §3.2: the two cookies the server sets, written byte for byte like upstream.</summary>
public static class Cookies
{
    public const string User = "user";
    public const string Auth = "auth";
    public const string Consent = "consent";
    private const string Epoch = "Thu, 01 Jan 1970 00:00:00 GMT";

    public static void SetUser(HttpContext ctx, string userId, TimeSpan retention)
    {
        var secure = RequestLocation.Of(ctx).SecureContext;
        var expires = (DateTimeOffset.UtcNow + retention).ToString("ddd, dd MMM yyyy HH:mm:ss 'GMT'", CultureInfo.InvariantCulture);
        Append(ctx, $"{User}={userId}; Path=/api; Expires={expires}; HttpOnly{(secure ? "; Secure; SameSite=None" : "; SameSite=Lax")}");
    }

    public static void ClearUser(HttpContext ctx)
    {
        var secure = RequestLocation.Of(ctx).SecureContext;
        Append(ctx, $"{User}=; Path=/api; Expires={Epoch}; HttpOnly{(secure ? "; Secure; SameSite=None" : "; SameSite=Lax")}");
    }

    public static void SetAuth(HttpContext ctx, string token)
    {
        var secure = RequestLocation.Of(ctx).SecureContext;
        Append(ctx, $"{Auth}={token}; Path=/api; HttpOnly{(secure ? "; Secure" : "")}; SameSite=Lax");
    }

    public static void ClearAuth(HttpContext ctx)
    {
        var secure = RequestLocation.Of(ctx).SecureContext;
        Append(ctx, $"{Auth}=; Path=/api; Expires={Epoch}; HttpOnly{(secure ? "; Secure" : "")}; SameSite=Lax");
    }

    private static void Append(HttpContext ctx, string header) => ctx.Response.Headers.Append("Set-Cookie", header);

    /// <summary>Presence matters (an empty <c>user=</c> passes, server.md §11.6), so null means "absent".</summary>
    public static string? Read(HttpContext ctx, string name) =>
        ctx.Request.Cookies.TryGetValue(name, out var v) ? v : null;
}
