using Microsoft.AspNetCore.Http;
using Offen.Hosting.Acme;

namespace Offen.Acme.Tests;

public sealed class Http01ChallengeStoreTests
{
    [Theory]
    [InlineData("offen.example.test:5002")]
    [InlineData("offen.example.test")]
    [InlineData("OFFEN.example.test.")]
    public async Task Get_KnownToken_Returns200WithKeyAuthorization(string host)
    {
        var store = new Http01ChallengeStore();
        store.Add("tok", "tok.thumb", "offen.example.test");

        var (handled, context) = await SendAsync(store, "GET", "/.well-known/acme-challenge/tok", host);

        Assert.True(handled);
        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("text/plain", context.Response.ContentType);
        Assert.Equal("tok.thumb", ReadBody(context));
    }

    [Fact]
    public async Task Get_AnsweredRepeatedly_UntilRemoved()
    {
        var store = new Http01ChallengeStore();
        store.Add("tok", "tok.thumb");
        for (var i = 0; i < 3; i++)
            Assert.Equal(200, (await SendAsync(store, "GET", "/.well-known/acme-challenge/tok", "a:1")).Context.Response.StatusCode);

        store.Remove("tok");

        Assert.Equal(404, (await SendAsync(store, "GET", "/.well-known/acme-challenge/tok", "a:1")).Context.Response.StatusCode);
    }

    [Theory]
    [InlineData("/.well-known/acme-challenge/other", "offen.example.test")]
    [InlineData("/.well-known/acme-challenge/", "offen.example.test")]
    [InlineData("/.well-known/acme-challenge/tok", "www.example.test:5002")]
    public async Task Get_UnknownTokenOrWrongHost_Returns404(string path, string host)
    {
        var store = new Http01ChallengeStore();
        store.Add("tok", "tok.thumb", "offen.example.test");

        var (handled, context) = await SendAsync(store, "GET", path, host);

        Assert.True(handled);
        Assert.Equal(404, context.Response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/")]
    [InlineData("GET", "/.well-known/other")]
    [InlineData("POST", "/.well-known/acme-challenge/tok")]
    public async Task OtherRequests_AreNotHandled(string method, string path)
    {
        var store = new Http01ChallengeStore();
        store.Add("tok", "tok.thumb");

        var (handled, _) = await SendAsync(store, method, path, "offen.example.test");

        Assert.False(handled);
    }

    private static async Task<(bool Handled, HttpContext Context)> SendAsync(Http01ChallengeStore store, string method, string path, string host)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.Host = new HostString(host);
        context.Response.Body = new MemoryStream();
        var handled = await store.TryHandleAsync(context);
        return (handled, context);
    }

    private static string ReadBody(HttpContext context)
    {
        context.Response.Body.Position = 0;
        return new StreamReader(context.Response.Body).ReadToEnd();
    }
}
