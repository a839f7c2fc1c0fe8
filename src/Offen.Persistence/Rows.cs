using System.Reflection;
using Dapper;

namespace Offen.Persistence;

// Rows as the drivers return them. Every text column may be NULL in an upstream database (e.g. account_styles on
// rows older than migration 007), and retired/created/admin_level come back as different CLR types per dialect,
// so rows are read loosely and converted once (server.md §5.1).

internal sealed class AccountRow
{
    public string? AccountId { get; set; }
    public string? Name { get; set; }
    public string? PublicKey { get; set; }
    public string? EncryptedPrivateKey { get; set; }
    public string? UserSalt { get; set; }
    public object? Retired { get; set; }
    public string? AccountStyles { get; set; }
    public object? Created { get; set; }

    public AccountRecord ToRecord() => new(
        AccountId ?? "", Name ?? "", PublicKey ?? "", EncryptedPrivateKey ?? "", UserSalt ?? "",
        Values.Bool(Retired), AccountStyles ?? "", Values.Time(Created));
}

internal sealed class AccountUserRow
{
    public string? AccountUserId { get; set; }
    public string? HashedEmail { get; set; }
    public string? HashedPassword { get; set; }
    public string? Salt { get; set; }
    public object? AdminLevel { get; set; }

    public AccountUserRecord ToRecord() =>
        new(AccountUserId ?? "", HashedEmail ?? "", HashedPassword ?? "", Salt ?? "", Values.Int64(AdminLevel));
}

internal sealed class RelationshipRow
{
    public string? RelationshipId { get; set; }
    public string? AccountUserId { get; set; }
    public string? AccountId { get; set; }
    public string? PasswordEncryptedKeyEncryptionKey { get; set; }
    public string? EmailEncryptedKeyEncryptionKey { get; set; }
    public string? OneTimeEncryptedKeyEncryptionKey { get; set; }

    public RelationshipRecord ToRecord() => new(
        RelationshipId ?? "", AccountUserId ?? "", AccountId ?? "", PasswordEncryptedKeyEncryptionKey ?? "",
        EmailEncryptedKeyEncryptionKey ?? "", OneTimeEncryptedKeyEncryptionKey ?? "");
}

internal sealed class EventRow
{
    public string? EventId { get; set; }
    public string? Sequence { get; set; }
    public string? AccountId { get; set; }
    public string? SecretId { get; set; }
    public string? Payload { get; set; }

    public EventRecord ToRecord() => new(EventId ?? "", Sequence ?? "", AccountId ?? "", SecretId, Payload ?? "");
}

internal sealed class TombstoneRow
{
    public string? EventId { get; set; }
    public string? Sequence { get; set; }
}

internal sealed class SecretRow
{
    public string? SecretId { get; set; }
    public string? EncryptedSecret { get; set; }
}

internal sealed class AccountSaltRow
{
    public string? AccountId { get; set; }
    public string? UserSalt { get; set; }
}

internal sealed class AccountFlagRow
{
    public string? AccountId { get; set; }
    public object? Retired { get; set; }
}

internal sealed class CachedSecretRow
{
    public string? SecretId { get; set; }
    public string? EncryptedValue { get; set; }
}

internal sealed class RollupRow
{
    public string? RollupKey { get; set; }
    public string? FirstEventId { get; set; }
    public string? LastEventId { get; set; }
    public object? EventCount { get; set; }
    public string? AsOf { get; set; }
    public string? Payload { get; set; }

    public RollupRecord ToRecord() =>
        new(RollupKey ?? "", FirstEventId ?? "", LastEventId ?? "", Values.Int64(EventCount), AsOf ?? "", Payload);
}

internal sealed class SpanRow
{
    public string? AccountId { get; set; }
    public string? Lo { get; set; }
    public string? Hi { get; set; }
}

internal static class RowMaps
{
    private static int _registered;

    /// <summary>
    /// Maps snake_case columns to the PascalCase properties of the row types above only, instead of flipping
    /// Dapper's process-wide <c>MatchNamesWithUnderscores</c> for everyone else in the process.
    /// </summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;
        foreach (var type in new[]
                 {
                     typeof(AccountRow), typeof(AccountUserRow), typeof(RelationshipRow), typeof(EventRow),
                     typeof(TombstoneRow), typeof(SecretRow), typeof(AccountSaltRow), typeof(AccountFlagRow),
                     typeof(CachedSecretRow), typeof(RollupRow), typeof(SpanRow),
                 })
        {
            SqlMapper.SetTypeMap(type, new CustomPropertyTypeMap(type, static (t, column) =>
                t.GetProperty(column.Replace("_", "", StringComparison.Ordinal),
                    BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)!));
        }
    }
}
