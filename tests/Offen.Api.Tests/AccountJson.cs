using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Offen.Api.Tests;

/// <summary>Reading GET account responses in the tests of its extensions (limit, uncovered, shared caches).</summary>
internal static class AccountJson
{
    /// <summary>Owner of the i-th seeded event: 6 of 13 visitor A, 3 of 13 visitor B, the rest anonymous.</summary>
    public static char OwnerOf(int i) => (i % 13) switch { < 6 => 'A', < 9 => 'B', _ => '-' };

    public static async Task<string> GetTextAsync(TestClient client, string path)
    {
        var res = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        return await res.Content.ReadAsStringAsync();
    }

    public static async Task<JsonNode> GetOkAsync(TestClient client, string path) => JsonNode.Parse(await GetTextAsync(client, path))!;

    /// <summary>An error response exactly as the API writes it: status, and the body <c>{"error":…,"status":…}</c>.</summary>
    public static async Task AssertErrorAsync(HttpResponseMessage res, int status, string message)
    {
        Assert.Equal((HttpStatusCode)status, res.StatusCode);
        Assert.Equal(JsonSerializer.Serialize(new { error = message, status }), await res.Content.ReadAsStringAsync());
    }

    public static List<JsonNode> Events(JsonNode account) =>
        account["events"]?[account["accountId"]!.GetValue<string>()]?.AsArray().Select(e => e!).ToList() ?? [];

    public static string Id(JsonNode e) => e["eventId"]!.GetValue<string>();

    /// <summary>server.md §11.10 per page: the secrets are exactly those the page's events refer to.</summary>
    public static void AssertSecretsCoverExactlyThePage(JsonNode page)
    {
        var referenced = Events(page).Select(e => e["secretId"]?.GetValue<string>()).OfType<string>().Distinct().Order(StringComparer.Ordinal);
        var given = (page["secrets"]?.AsObject().Select(kv => kv.Key) ?? []).Order(StringComparer.Ordinal);
        Assert.Equal(referenced, given);
    }
}
