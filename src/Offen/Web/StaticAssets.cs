using System.Collections.Frozen;
using System.Reflection;

namespace Offen.Web;

/// <summary>
/// The embedded file tree (server.md §1.5): everything under src/Offen/static is compiled into the binary
/// and looked up through the locale cascade static/&lt;locale&gt;P, static/enP, staticP.
/// </summary>
public sealed class StaticAssets
{
    private readonly FrozenDictionary<string, Func<byte[]>> _files;
    private readonly FrozenSet<string> _directories;
    private readonly string _locale;

    public StaticAssets(string locale, Assembly? assembly = null)
    {
        _locale = locale;
        assembly ??= typeof(StaticAssets).Assembly;
        var files = new Dictionary<string, Func<byte[]>>(StringComparer.Ordinal);
        var dirs = new HashSet<string>(StringComparer.Ordinal) { "/static" };
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith("static/", StringComparison.Ordinal)) continue;
            var path = "/" + name;
            var cached = new Lazy<byte[]>(() =>
            {
                using var s = assembly.GetManifestResourceStream(name)!;
                using var ms = new MemoryStream();
                s.CopyTo(ms);
                return ms.ToArray();
            });
            files[path] = () => cached.Value;
            for (var i = path.LastIndexOf('/'); i > 0; i = path.LastIndexOf('/', i - 1)) dirs.Add(path[..i]);
        }
        _files = files.ToFrozenDictionary(StringComparer.Ordinal);
        _directories = dirs.ToFrozenSet(StringComparer.Ordinal);
    }

    public enum Kind { Missing, File, Directory }

    /// <summary>Resolves a cleaned URL path through the cascade.</summary>
    public (Kind Kind, string? Resolved) Lookup(string path)
    {
        foreach (var prefix in new[] { $"/static/{_locale}", "/static/en", "/static" })
        {
            var full = path == "/" ? prefix : prefix + path.TrimEnd('/');
            if (_files.ContainsKey(full)) return (Kind.File, full);
            if (_directories.Contains(full)) return (Kind.Directory, full);
        }
        return (Kind.Missing, null);
    }

    public byte[]? Read(string resolved) => _files.TryGetValue(resolved, out var f) ? f() : null;

    /// <summary>Reads a file through the cascade, e.g. a rev-manifest.json.</summary>
    public byte[]? ReadCascaded(string path)
    {
        var (kind, resolved) = Lookup(path);
        return kind == Kind.File ? Read(resolved!) : null;
    }

    /// <summary>Go's path.Clean on a URL path, keeping a trailing slash as net/http does; null if it is not rooted.</summary>
    public static string Clean(string path)
    {
        if (string.IsNullOrEmpty(path)) return "/";
        var trailing = path.Length > 1 && path.EndsWith('/');
        var parts = new List<string>();
        foreach (var seg in path.Split('/'))
        {
            if (seg.Length == 0 || seg == ".") continue;
            if (seg == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
            parts.Add(seg);
        }
        var cleaned = "/" + string.Join('/', parts);
        return trailing && cleaned != "/" ? cleaned + "/" : cleaned;
    }

    /// <summary>Content types as Go's mime package gives them for the extensions we embed.</summary>
    public static string ContentType(string path, ReadOnlySpan<byte> content)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        return ext switch
        {
            ".html" or ".htm" => "text/html; charset=utf-8",
            ".js" or ".mjs" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            ".json" => "application/json",
            ".svg" => "image/svg+xml",
            ".txt" => "text/plain; charset=utf-8",
            ".jpg" or ".jpeg" => "image/jpeg",
            ".png" => "image/png",
            ".ico" => "image/vnd.microsoft.icon",
            ".woff" => "font/woff",
            ".woff2" => "font/woff2",
            ".ttf" => "font/ttf",
            ".xml" => "text/xml; charset=utf-8",
            ".wasm" => "application/wasm",
            _ => Sniff(content),
        };
    }

    private static string Sniff(ReadOnlySpan<byte> content)
    {
        var head = content[..Math.Min(content.Length, 512)];
        var text = System.Text.Encoding.UTF8.GetString(head).TrimStart();
        if (text.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) || text.StartsWith("<html", StringComparison.OrdinalIgnoreCase))
            return "text/html; charset=utf-8";
        foreach (var b in head)
        {
            if (b < 0x09 || (b > 0x0d && b < 0x20 && b != 0x1b)) return "application/octet-stream";
        }
        return "text/plain; charset=utf-8";
    }
}
