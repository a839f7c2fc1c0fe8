namespace Offen.Configuration;

/// <summary>
/// A configuration error, reported at startup and by <c>offen debug</c> (README D10). The message is one line that
/// names the variable and what it allows; it never contains the value of a secret.
/// </summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string message)
        : base(message)
    {
    }

    public ConfigException(string message, string? variable)
        : base(message)
    {
        Variable = variable;
    }

    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ConfigException()
    {
    }

    /// <summary>The variable (or <c>-envfile</c>) the error is about, when there is one.</summary>
    public string? Variable { get; }
}
