using System.Text.Encodings.Web;
using System.Text.Json;

namespace Offen.Crypto.Tests;

/// <summary>crypto-vectors.json (clients-and-crypto.md §6), parsed once.</summary>
internal static class Vectors
{
    private static readonly Lazy<JsonDocument> Doc = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Vectors", "crypto-vectors.json"))));

    public static JsonElement Root => Doc.Value.RootElement;

    public static JsonElement Get(string name) => Root.GetProperty(name);

    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString()!;

    /// <summary>The element re-serialized compactly with its members in file order (used for JWK objects).</summary>
    public static string Compact(this JsonElement e) =>
        JsonSerializer.Serialize(e, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
