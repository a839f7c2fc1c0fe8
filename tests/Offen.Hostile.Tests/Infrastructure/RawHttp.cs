using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Offen.Hostile.Tests;

/// <summary>
/// One HTTP/1.1 request as raw bytes. HttpClient cannot send most hostile input (it normalizes <c>/../</c>,
/// refuses bad header bytes, fixes the framing), so the generator writes the bytes itself. The body is kept
/// apart from the head so that the megabyte bodies can be shared between requests.
/// </summary>
/// <param name="Head">request line and headers, up to and including the empty line.</param>
/// <param name="Body">the bytes after the head, exactly as sent (already chunk-framed if chunked).</param>
/// <param name="HeadMethod">a HEAD request: the response has no body whatever its headers say.</param>
public sealed record RawRequest(byte[] Head, ReadOnlyMemory<byte> Body, bool HeadMethod = false)
{
    /// <summary>Latin-1, so that a char U+0080..U+00FF in a test string stands for exactly that raw byte.</summary>
    public static byte[] Latin1(string s) => Encoding.Latin1.GetBytes(s);

    public string HeadText => Encoding.Latin1.GetString(Head);
}

public enum RawKind
{
    /// <summary>A complete response was read (it may still be malformed, see <see cref="RawResult.Malformed"/>).</summary>
    Response,
    /// <summary>The server closed or reset the connection without sending a single byte.</summary>
    Closed,
    /// <summary>No complete response within the deadline: a hang.</summary>
    Timeout,
    /// <summary>The TCP connect failed: the server is gone.</summary>
    Refused,
}

public sealed record RawResult(RawKind Kind, int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body, string? Malformed, TimeSpan Elapsed)
{
    public string? Header(string name) => Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
    public IEnumerable<string> HeaderValues(string name) => Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);
    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>
/// A minimal HTTP/1.1 client over a fresh TCP connection per request (every request says Connection: close).
/// It writes and reads at the same time (a server may answer 413 before it has read a huge body) and checks the
/// framing of what comes back strictly: status line, header syntax, Content-Length or chunked, nothing extra.
/// </summary>
public static partial class RawHttp
{
    private const int MaxHeaderBytes = 64 * 1024;
    private const int MaxBodyBytes = 16 * 1024 * 1024;

    [GeneratedRegex(@"^HTTP/1\.[01] ([1-5][0-9][0-9]) [^\r\n]*$")] private static partial Regex StatusLine();
    [GeneratedRegex(@"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")] private static partial Regex Token();

    public static async Task<RawResult> SendAsync(IPEndPoint server, RawRequest request, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await socket.ConnectAsync(server, cts.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return new RawResult(RawKind.Refused, 0, [], [], e.GetType().Name, clock.Elapsed);
        }
        var stream = new NetworkStream(socket, ownsSocket: false);
        var write = WriteAsync(stream, request, cts.Token);
        RawResult result;
        try
        {
            result = await ReadAsync(stream, request.HeadMethod, clock, cts.Token);
        }
        catch (OperationCanceledException)
        {
            result = new RawResult(RawKind.Timeout, 0, [], [], "no complete response in time", clock.Elapsed);
        }
        // A write still blocked on a server that stopped reading ends when the socket closes.
        socket.Close(0);
        await write;
        await stream.DisposeAsync();
        return result;
    }

    private static async Task WriteAsync(Stream stream, RawRequest request, CancellationToken ct)
    {
        try
        {
            await stream.WriteAsync(request.Head, ct);
            // In slices, so a server that answers early (413) does not leave one giant write pending.
            for (var offset = 0; offset < request.Body.Length; offset += 64 * 1024)
                await stream.WriteAsync(request.Body.Slice(offset, Math.Min(64 * 1024, request.Body.Length - offset)), ct);
            await stream.FlushAsync(ct);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The server may close a connection whose request it rejected; what it answered is read separately.
        }
    }

    private sealed class Buffer(Stream stream, CancellationToken ct)
    {
        public byte[] Data = new byte[16 * 1024];
        public int Length;
        public int Position;
        private bool _eof;

        /// <summary>Reads more bytes; false at the end of the stream (a reset counts as the end).</summary>
        public async Task<bool> FillAsync()
        {
            if (_eof) return false;
            if (Length == Data.Length) Array.Resize(ref Data, Data.Length * 2);
            int n;
            try
            {
                n = await stream.ReadAsync(Data.AsMemory(Length), ct);
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                n = 0;
            }
            if (n == 0) { _eof = true; return false; }
            Length += n;
            return true;
        }

        public int IndexOf(ReadOnlySpan<byte> needle, int from) => Data.AsSpan(from, Length - from).IndexOf(needle) is var i and >= 0 ? i + from : -1;
    }

    private static async Task<RawResult> ReadAsync(Stream stream, bool head, Stopwatch clock, CancellationToken ct)
    {
        var buf = new Buffer(stream, ct);
        List<KeyValuePair<string, string>> headers = [];
        var status = 0;
        RawResult Bad(string why) => new(RawKind.Response, status, headers, [], why, clock.Elapsed);

        int end;
        while ((end = buf.IndexOf("\r\n\r\n"u8, 0)) < 0)
        {
            if (buf.Length > MaxHeaderBytes) return Bad("response headers larger than 64 KiB");
            if (!await buf.FillAsync())
                return buf.Length == 0 ? new RawResult(RawKind.Closed, 0, [], [], null, clock.Elapsed) : Bad("connection ended inside the response head");
        }
        var lines = Encoding.Latin1.GetString(buf.Data, 0, end).Split("\r\n");
        var m = StatusLine().Match(lines[0]);
        if (!m.Success) return Bad($"bad status line '{Trim(lines[0])}'");
        status = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0 || !Token().IsMatch(line[..colon])) return Bad($"bad header line '{Trim(line)}'");
            headers.Add(new(line[..colon], line[(colon + 1)..].Trim(' ', '\t')));
        }
        buf.Position = end + 4;

        var lengths = headers.Where(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).Distinct().ToList();
        var chunked = headers.Any(h => h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && h.Value.Contains("chunked", StringComparison.OrdinalIgnoreCase));
        if (lengths.Count > 1) return Bad("conflicting Content-Length headers");
        if (chunked && lengths.Count == 1) return Bad("both Content-Length and chunked");
        byte[] body;
        if (head || status is (>= 100 and < 200) or 204 or 304)
        {
            if (status is 204 or 304 && (chunked || (lengths.Count == 1 && lengths[0] != "0"))) return Bad($"{status} announces a body");
            body = [];
        }
        else if (chunked)
        {
            using var ms = new MemoryStream();
            while (true)
            {
                int eol;
                while ((eol = buf.IndexOf("\r\n"u8, buf.Position)) < 0)
                    if (!await buf.FillAsync()) return Bad("connection ended inside a chunk header");
                var sizeText = Encoding.Latin1.GetString(buf.Data, buf.Position, eol - buf.Position).Split(';')[0].Trim();
                if (!int.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0 || ms.Length + size > MaxBodyBytes)
                    return Bad($"bad chunk size '{Trim(sizeText)}'");
                buf.Position = eol + 2;
                if (size == 0)
                {
                    while ((eol = buf.IndexOf("\r\n"u8, buf.Position)) < 0)
                        if (!await buf.FillAsync()) return Bad("connection ended before the last chunk's CRLF");
                    if (eol != buf.Position) return Bad("unexpected trailers");
                    buf.Position = eol + 2;
                    break;
                }
                while (buf.Length - buf.Position < size + 2)
                    if (!await buf.FillAsync()) return Bad("connection ended inside a chunk");
                ms.Write(buf.Data, buf.Position, size);
                if (buf.Data[buf.Position + size] != '\r' || buf.Data[buf.Position + size + 1] != '\n') return Bad("chunk not followed by CRLF");
                buf.Position += size + 2;
            }
            body = ms.ToArray();
        }
        else if (lengths.Count == 1)
        {
            if (!int.TryParse(lengths[0], NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length > MaxBodyBytes)
                return Bad($"bad Content-Length '{Trim(lengths[0])}'");
            while (buf.Length - buf.Position < length)
                if (!await buf.FillAsync()) return Bad("connection ended inside the body");
            body = buf.Data.AsSpan(buf.Position, length).ToArray();
            buf.Position += length;
        }
        else
        {
            // No framing: the body runs to the end of the connection (legal, though Kestrel always frames).
            while (await buf.FillAsync())
                if (buf.Length > MaxBodyBytes) return Bad("unframed body too large");
            body = buf.Data.AsSpan(buf.Position, buf.Length - buf.Position).ToArray();
            buf.Position = buf.Length;
        }
        // The request said Connection: close, so nothing may follow the response: a second response would mean
        // the server read one request as two (request smuggling).
        if (buf.Length > buf.Position) return Bad($"{buf.Length - buf.Position} bytes after the response");
        return new RawResult(RawKind.Response, status, headers, body, null, clock.Elapsed);
    }

    private static string Trim(string s) => s.Length > 80 ? s[..80] + "…" : s;
}
