using System.Security.Cryptography;
using System.Text;

namespace Offen.Auth;

/// <summary>D5: comparisons of secrets and of values taken from signed tokens are constant time.</summary>
public static class ConstantTime
{
    public static bool Equal(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}

/// <summary>
/// Names bound into each token's MAC, so a token of one kind never verifies as another
/// (server.md §3.4; clients never look inside tokens).
/// </summary>
public static class TokenNames
{
    public const string Auth = "auth";
    public const string Reset = "reset-credentials";
    public const string Join = "join-credentials";
}
