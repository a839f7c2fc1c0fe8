namespace Offen.Cli;

/// <summary>A one-line reason for a failed command; the process exits non-zero after printing it.</summary>
public sealed class CliException(string message) : Exception(message);

/// <summary>
/// Go `flag` package semantics (server.md §9.4): `-name value`, `-name=value`, `--name`; boolean flags take
/// no separate value (`-force` or `-force=false`); parsing stops at the first non-flag argument.
/// </summary>
public sealed class Flags
{
    private readonly Dictionary<string, (bool IsBool, string? Default, string Help)> _known = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly string _command;

    public Flags(string command) => _command = command;

    public Flags String(string name, string? @default, string help) { _known[name] = (false, @default, help); return this; }
    public Flags Bool(string name, string help) { _known[name] = (true, "false", help); return this; }

    public IReadOnlyList<string> Parse(IReadOnlyList<string> args)
    {
        var i = 0;
        for (; i < args.Count; i++)
        {
            var a = args[i];
            if (a == "--") { i++; break; }
            if (a.Length < 2 || a[0] != '-') break;
            var name = a.TrimStart('-');
            string? value = null;
            var eq = name.IndexOf('=');
            if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
            if (name is "h" or "help") throw new CliException(Usage());
            if (!_known.TryGetValue(name, out var def)) throw new CliException($"flag provided but not defined: -{name}\n{Usage()}");
            if (def.IsBool)
            {
                value ??= "true";
                if (!Configuration.GoStrconv.TryParseBool(value, out _)) throw new CliException($"invalid boolean value \"{value}\" for -{name}");
            }
            else if (value is null)
            {
                if (i + 1 >= args.Count) throw new CliException($"flag needs an argument: -{name}");
                value = args[++i];
            }
            _values[name] = value;
        }
        return args.Skip(i).ToList();
    }

    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v : _known[name].Default;
    public bool IsSet(string name) => _values.ContainsKey(name);
    public bool GetBool(string name) => Configuration.GoStrconv.TryParseBool(Get(name) ?? "false", out var b) && b;

    public int GetInt(string name)
    {
        var v = Get(name) ?? "0";
        if (!Configuration.GoStrconv.TryParseInt64(v, out var n) || n < int.MinValue || n > int.MaxValue)
            throw new CliException($"invalid value \"{v}\" for flag -{name}: parse error");
        return (int)n;
    }

    public string Usage()
    {
        var lines = new List<string> { $"Usage of {_command}:" };
        foreach (var (name, def) in _known.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            lines.Add($"  -{name}{(def.IsBool ? "" : " string")}");
            lines.Add($"    \t{def.Help}{(def.IsBool || string.IsNullOrEmpty(def.Default) ? "" : $" (default \"{def.Default}\")")}");
        }
        return string.Join('\n', lines);
    }
}

/// <summary>Application log lines on stderr in logrus' text layout (server.md §9.2).</summary>
public static class CliLog
{
    public static TextWriter Out { get; set; } = Console.Error;

    public static void Info(string message, params (string Key, object? Value)[] fields) => Write("info", message, fields);
    public static void Warn(string message, params (string Key, object? Value)[] fields) => Write("warning", message, fields);
    public static void Error(string message, params (string Key, object? Value)[] fields) => Write("error", message, fields);

    private static void Write(string level, string message, (string Key, object? Value)[] fields)
    {
        var extra = string.Concat(fields.Select(f => $" {f.Key}={Quote(Convert.ToString(f.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "")}"));
        Out.WriteLine($"time=\"{DateTimeOffset.Now:yyyy-MM-ddTHH:mm:ssK}\" level={level} msg={Quote(message)}{extra}");
    }

    private static string Quote(string s) =>
        s.Length > 0 && s.All(c => char.IsLetterOrDigit(c) || c is '-' or '.' or '_' or '/' or '@' or '^' or '+')
            ? s : "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
