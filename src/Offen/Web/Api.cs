using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Features;

namespace Offen.Web;

/// <summary>Reading request bodies and writing responses the way upstream's clients expect (server.md §1.2).</summary>
public static class Api
{
    /// <summary>D12: request bodies are size-limited; generous for every real client message (the largest are banner CSS and events).</summary>
    public const int MaxBodyBytes = 1 << 20;

    public const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>
    /// Decodes a JSON body whatever its Content-Type (the vault sends text/plain). The literal <c>null</c>
    /// decodes to an empty object. Returns null after writing 400/413 when the body cannot be decoded.
    /// </summary>
    public static Task<T?> ReadBodyAsync<T>(HttpContext ctx, JsonTypeInfo<T> info, string what) where T : class, new() =>
        ReadBodyAsync(ctx, info, what, MaxBodyBytes);

    /// <summary>
    /// <see cref="ReadBodyAsync{T}(HttpContext, JsonTypeInfo{T}, string)"/> with a limit of this route's own
    /// (our shared-cache routes take more than <see cref="MaxBodyBytes"/>); Kestrel's own limit is raised for this
    /// request when it is lower.
    /// </summary>
    public static async Task<T?> ReadBodyAsync<T>(HttpContext ctx, JsonTypeInfo<T> info, string what, int maxBytes) where T : class, new()
    {
        if (ctx.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } kestrel
            && kestrel.MaxRequestBodySize is { } current && current < maxBytes)
        {
            kestrel.MaxRequestBodySize = maxBytes;
        }
        byte[] body;
        try
        {
            if (ctx.Request.ContentLength > maxBytes) throw new BodyTooLargeException();
            body = await ReadLimitedAsync(ctx.Request.Body, (int?)ctx.Request.ContentLength, maxBytes, ctx.RequestAborted);
        }
        catch (BodyTooLargeException)
        {
            await ErrorAsync(ctx, 413, $"router: request body exceeds {maxBytes} bytes");
            return null;
        }
        catch (Exception e) when ((e is BadHttpRequestException or IOException) && !ctx.RequestAborted.IsCancellationRequested)
        {
            // Kestrel rejects the framing of the body while we read it (a bad chunk size, a truncated body): the
            // client's fault, so a 4xx with the error shape, not the 500 of the recovery middleware (issue 6 item 3).
            var status = e is BadHttpRequestException { StatusCode: >= 400 and < 500 } bad ? bad.StatusCode : 400;
            await ErrorAsync(ctx, status, $"router: error reading {what} request payload");
            return null;
        }
        try
        {
            if (body.Length == 0) throw new JsonException("empty body");
            var value = JsonSerializer.Deserialize(body, info);
            return value ?? new T();
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or ArgumentException or DecoderFallbackException)
        {
            // Never echo the body: it may carry passwords.
            await ErrorAsync(ctx, 400, $"router: error decoding {what} request payload");
            return null;
        }
    }

    private sealed class BodyTooLargeException : Exception;

    private static async Task<byte[]> ReadLimitedAsync(Stream s, int? declared, int limit, CancellationToken ct)
    {
        if (declared is { } length)
        {
            // The common case: the client declared the length, so read straight into a buffer of that size.
            var exact = new byte[length];
            var read = 0;
            while (read < length)
            {
                var n = await s.ReadAsync(exact.AsMemory(read), ct);
                if (n == 0) return exact[..read];
                read += n;
            }
            return exact;
        }
        using var ms = new MemoryStream();
        var buf = System.Buffers.ArrayPool<byte>.Shared.Rent(8192);
        try
        {
            int n;
            while ((n = await s.ReadAsync(buf, ct)) > 0)
            {
                if (ms.Length + n > limit) throw new BodyTooLargeException();
                ms.Write(buf, 0, n);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buf);
        }
        return ms.ToArray();
    }

    public static Task ErrorAsync(HttpContext ctx, int status, string message) =>
        JsonAsync(ctx, status, new ErrorResponse(message, status), WireJson.Default.ErrorResponse);

    /// <summary>
    /// The writer options of responses that are mostly base64 ciphertext (an account's events and secrets, cached
    /// secrets, rollups): only what JSON requires is escaped. The default escaper also writes every '+' as
    /// <c>\u002B</c> (six bytes for one, about 5 % more bytes on such a page) and leaves its fast path at the
    /// first one, which nearly every value holds. These bodies go out as <c>application/json; charset=utf-8</c>
    /// and are read by JSON.parse only, so the HTML-sensitive characters the default also escapes need no escaping
    /// there (upstream's Go server does not escape '+' either).
    /// </summary>
    public static readonly JsonWriterOptions CiphertextWriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><see cref="JsonAsync{T}"/> for a response that is mostly ciphertext (<see cref="CiphertextWriterOptions"/>).</summary>
    public static async Task CiphertextJsonAsync<T>(HttpContext ctx, int status, T value, JsonTypeInfo<T> info)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        await using (var writer = new Utf8JsonWriter(buffer, CiphertextWriterOptions))
        {
            JsonSerializer.Serialize(writer, value, info);
        }
        await JsonBodyAsync(ctx, status, buffer.WrittenMemory);
    }

    public static Task JsonAsync<T>(HttpContext ctx, int status, T value, JsonTypeInfo<T> info) =>
        JsonBodyAsync(ctx, status, JsonSerializer.SerializeToUtf8Bytes(value, info));

    /// <summary>Some routes answer with the literal body <c>null</c> (server.md §11 sharp edges 2, 25).</summary>
    public static Task NullAsync(HttpContext ctx, int status) => JsonBodyAsync(ctx, status, "null"u8.ToArray());

    /// <summary>A JSON body already serialized, with its length.</summary>
    private static async Task JsonBodyAsync(HttpContext ctx, int status, ReadOnlyMemory<byte> body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = JsonContentType;
        ctx.Response.ContentLength = body.Length;
        await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
    }

    public static void NoContent(HttpContext ctx) => ctx.Response.StatusCode = 204;

    /// <summary>Go's RFC3339Nano: fractional seconds with trailing zeros trimmed, Z for UTC (server.md §2).</summary>
    public static string Rfc3339(DateTimeOffset t)
    {
        var utc = t.ToUniversalTime();
        var s = utc.ToString("yyyy-MM-ddTHH:mm:ss.fffffff", System.Globalization.CultureInfo.InvariantCulture).TrimEnd('0').TrimEnd('.');
        return s + "Z";
    }
}

/// <summary>Go's decoder leaves a string field unchanged for a JSON null; we map null to "".</summary>
public sealed class NullAsEmptyStringConverter : JsonConverter<string>
{
    public override bool HandleNull => true;
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Null => "",
            JsonTokenType.String => reader.GetString() ?? "",
            _ => throw new JsonException("expected a string"),
        };
    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString() ?? "";
    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);
}
