using System.Text;
using System.Text.Json.Nodes;

namespace Offen.Hostile.Tests;

/// <summary>
/// Regression for a bug the hostile generator found: a request body with broken chunked framing made Kestrel
/// throw while the handler read the body, and the recovery middleware answered 500 (and logged an "Unhandled
/// error"). A body the client framed wrongly is the client's error: 400 with the error shape (server.md §1.2).
/// </summary>
public sealed class BodyFramingRegressionTests
{
    [Theory]
    [InlineData("/api/login", "ZZ\r\n{}\r\n0\r\n\r\n")]
    [InlineData("/api/login", "FFFFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n")]
    [InlineData("/api/setup", "3\r\n{\"accountName\":\"x\"}\r\n0\r\n\r\n")]
    [InlineData("/api/exchange", "2\r\n{}XX0\r\n\r\n")]
    [InlineData("/api/forgot-password", "-2\r\n{}\r\n0\r\n\r\n")]
    public async Task BrokenChunkedBody_Is400WithErrorShape(string path, string chunkedBody)
    {
        await using var host = await InProcessHost.StartAsync();
        var head = $"POST {path} HTTP/1.1\r\nHost: {host.Authority}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
        var res = await RawHttp.SendAsync(host.EndPoint, new RawRequest(Encoding.ASCII.GetBytes(head), Encoding.ASCII.GetBytes(chunkedBody)), TimeSpan.FromSeconds(20));
        Assert.Equal(RawKind.Response, res.Kind);
        Assert.Null(res.Malformed);
        Assert.Equal(400, res.Status);
        var error = JsonNode.Parse(res.Body)!;
        Assert.Equal(400, error["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(error["error"]!.GetValue<string>()));
    }
}
