using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Offen.Hostile.Tests;

/// <summary>
/// The generator covers every route the server maps (read from the application's own endpoint table, so a new
/// route fails this test until the corpus aims at it), and a seed names exactly one corpus.
/// </summary>
public sealed class RouteCoverageTests(ITestOutputHelper output)
{
    private static CorpusContext Context(byte[] secret) => new("127.0.0.1:8080", "9b63c4d8-65c0-438c-9d30-cc4b01173393", "3f1b2a0e-0000-4000-8000-000000000001",
        "admin@example.test", "admin password", new Offen.Crypto.TokenSigner(secret).Sign("auth", "3f1b2a0e-0000-4000-8000-000000000001", DateTimeOffset.UtcNow),
        "cmVzZXQ.bWFj", "am9pbg.bWFj", "invitee@example.test", secret, ["11111111-1111-4111-8111-111111111111"], "22222222-2222-4222-8222-222222222222");

    [Fact]
    public async Task Corpus_AimsAtEveryMappedRoute_WithAtLeastFiftyRequests()
    {
        await using var host = await InProcessHost.StartAsync();
        var mapped = host.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => $"{(e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods is { } m ? string.Join(",", m) : "ANY")} {e.RoutePattern.RawText}")
            .ToList();
        output.WriteLine("mapped: " + string.Join("; ", mapped));
        Assert.True(mapped.Count >= 24, "the endpoint table looks incomplete");

        var corpus = HostileCorpus.Generate(Context(RandomNumberGenerator.GetBytes(16)), 7);
        var perRoute = corpus.GroupBy(p => p.Route).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(corpus.Count >= 10_000, $"{corpus.Count} requests");
        Assert.All(mapped, route => Assert.True(perRoute.GetValueOrDefault(route) >= 50, $"{route}: {perRoute.GetValueOrDefault(route)} requests"));
        Assert.True(perRoute.GetValueOrDefault(HostileCorpus.Unmatched) >= 50);
    }

    [Fact]
    public void SameSeed_SameBytes_OtherSeed_OtherBytes()
    {
        var context = Context(RandomNumberGenerator.GetBytes(16));
        var now = DateTimeOffset.UtcNow;
        static string Digest(IReadOnlyList<Probe> corpus)
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (var p in corpus)
            {
                sha.AppendData(p.Request.Head);
                sha.AppendData(p.Request.Body.Span);
            }
            return Convert.ToHexString(sha.GetHashAndReset());
        }
        var a = HostileCorpus.Generate(context, 42, 0.1, now);
        Assert.Equal(Digest(a), Digest(HostileCorpus.Generate(context, 42, 0.1, now)));
        Assert.NotEqual(Digest(a), Digest(HostileCorpus.Generate(context, 43, 0.1, now)));
    }
}
