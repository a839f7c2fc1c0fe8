using System.Security.Cryptography;
using System.Text;

namespace Offen.Crypto;

/// <summary>server.md §6.2 "User id hashing": hex_lower(SHA-256(userId ‖ saltBytes)).</summary>
public static class SecretIds
{
    /// <param name="userId">the value of the visitor's <c>user</c> cookie</param>
    /// <param name="versionedUserSalt">the account's <c>user_salt</c>, e.g. <c>{1,} b2tpZG9raQ==</c></param>
    public static string Hash(string userId, string versionedUserSalt)
    {
        var salt = SaltBytes(versionedUserSalt);
        var id = Encoding.UTF8.GetBytes(userId);
        var buf = new byte[id.Length + salt.Length];
        id.CopyTo(buf, 0);
        salt.CopyTo(buf, id.Length);
        return Convert.ToHexStringLower(SHA256.HashData(buf));
    }

    /// <summary>Accepts the versioned form <c>{1,} b64</c> and, for databases from before migration 003, bare base64.</summary>
    public static byte[] SaltBytes(string versionedUserSalt)
    {
        var s = versionedUserSalt.Trim();
        if (s.StartsWith('{'))
        {
            var space = s.IndexOf(' ');
            s = space < 0 ? "" : s[(space + 1)..];
            var second = s.IndexOf(' ');
            if (second >= 0) s = s[..second];
        }
        return Convert.FromBase64String(s);
    }
}
