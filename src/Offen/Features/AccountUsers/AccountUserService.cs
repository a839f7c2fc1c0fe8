using System.Security.Cryptography;
using System.Text;
using Offen.Crypto;
using Offen.Persistence;

namespace Offen.Features.AccountUsers;

/// <summary>An operation on account users failed; the message never contains an email or a password.</summary>
public sealed class AccountUserException(string message) : Exception(message);

public sealed record LoginAccount(string AccountId, string AccountName, byte[] KeyEncryptionKey, DateTimeOffset Created);
public sealed record LoginOutcome(string AccountUserId, long AdminLevel, IReadOnlyList<LoginAccount> Accounts);
public sealed record ShareOutcome(bool UserExistsWithPassword, IReadOnlyList<string> AccountNames);

public sealed record BootstrapAccount(string? AccountId, string Name);
public sealed record BootstrapUser(string Email, string Password, long AdminLevel, IReadOnlyList<string> AccountIds, bool AllowInsecurePassword = false);

/// <summary>
/// The key-handling operations of server.md §5.4 and §5.9–5.11 (login, password and email changes, one-time
/// keys, sharing, joining, account creation, bootstrap). Crypto from Offen.Crypto, rows from the store.
/// </summary>
public sealed class AccountUserService(OffenStore store, int argonNumCpu)
{
    private byte[] Derive(string value, string salt) => Keys.DeriveKey(value, salt, argonNumCpu);
    private bool Compare(string value, string hashed) => hashed.Length > 0 && Keys.CompareString(value, hashed, argonNumCpu);

    /// <summary>server.md §5.9: O(n) argon2 compares over every user, in shuffled order; emails compared as given.</summary>
    private async Task<AccountUserRecord?> FindByEmailAsync(string email, bool acceptedOnly, CancellationToken ct)
    {
        var users = (await store.ListAccountUsersAsync(ct)).ToArray();
        Random.Shared.Shuffle(users);
        foreach (var u in users)
        {
            if (!Compare(email, u.HashedEmail)) continue;
            if (acceptedOnly && string.IsNullOrEmpty(u.HashedPassword)) continue;
            return u;
        }
        return null;
    }

    private static bool Accepted(RelationshipRecord r) => !string.IsNullOrEmpty(r.PasswordEncryptedKeyEncryptionKey);

    public async Task<LoginOutcome> LoginAsync(string email, string password, CancellationToken ct)
    {
        var user = await FindByEmailAsync(email, acceptedOnly: false, ct) ?? throw new AccountUserException("persistence: user not found");
        if (!Compare(password, user.HashedPassword)) throw new AccountUserException("persistence: bad credentials");
        var pwKey = Derive(password, user.Salt);
        var relationships = await store.ListRelationshipsAsync(user.AccountUserId, ct);
        var accepted = new List<RelationshipRecord>();
        var updated = new List<RelationshipRecord>();
        byte[]? emailKey = null;
        foreach (var r in relationships)
        {
            if (Accepted(r)) { accepted.Add(r); continue; }
            // §5.9 step 4: a pending invitation is accepted by re-wrapping its KEK with the password key.
            emailKey ??= Derive(email, user.Salt);
            var kek = Unwrap(emailKey, r.EmailEncryptedKeyEncryptionKey);
            var nr = r with { PasswordEncryptedKeyEncryptionKey = Aead.EncryptVersioned(pwKey, kek) };
            updated.Add(nr);
            accepted.Add(nr);
        }
        if (updated.Count > 0) await store.SaveRelationshipsAsync(updated, ct);
        var result = new List<LoginAccount>();
        foreach (var r in accepted)
        {
            var kek = Unwrap(pwKey, r.PasswordEncryptedKeyEncryptionKey);
            var account = await store.GetAccountAsync(r.AccountId, ct) ?? throw new AccountUserException("persistence: account of relationship not found");
            result.Add(new LoginAccount(account.AccountId, account.Name, kek, account.Created));
        }
        return new LoginOutcome(user.AccountUserId, user.AdminLevel, result);
    }

    /// <summary>server.md §5.9 LookupAccountUser: accepted relationships only.</summary>
    public async Task<(AccountUserRecord User, IReadOnlyList<string> AccountIds)?> LookupAsync(string accountUserId, CancellationToken ct)
    {
        var user = await store.GetAccountUserAsync(accountUserId, ct);
        if (user is null) return null;
        var rels = await store.ListRelationshipsAsync(accountUserId, ct);
        return (user, rels.Where(Accepted).Select(r => r.AccountId).Distinct().ToList());
    }

    public async Task ChangePasswordAsync(string accountUserId, string current, string changed, CancellationToken ct)
    {
        var user = await store.GetAccountUserAsync(accountUserId, ct) ?? throw new AccountUserException("persistence: user not found");
        if (!Compare(current, user.HashedPassword)) throw new AccountUserException("persistence: current password did not match");
        if (!Keys.ValidatePassword(changed)) throw new AccountUserException("persistence: password must be between 8 and 64 bytes");
        var oldKey = Derive(current, user.Salt);
        var newKey = Derive(changed, user.Salt);
        var rels = (await store.ListRelationshipsAsync(accountUserId, ct)).Where(Accepted)
            .Select(r => r with { PasswordEncryptedKeyEncryptionKey = Aead.EncryptVersioned(newKey, Unwrap(oldKey, r.PasswordEncryptedKeyEncryptionKey)) })
            .ToList();
        await store.SaveAccountUserAsync(user with { HashedPassword = Keys.HashString(changed) }, rels, ct);
    }

    public async Task ChangeEmailAsync(string accountUserId, string newEmail, string currentEmail, string password, CancellationToken ct)
    {
        var user = await FindByEmailAsync(currentEmail, acceptedOnly: false, ct) ?? throw new AccountUserException("persistence: user not found");
        if (user.AccountUserId != accountUserId) throw new AccountUserException("persistence: current email belongs to another user");
        if (!Compare(password, user.HashedPassword)) throw new AccountUserException("persistence: bad credentials");
        foreach (var other in await store.ListAccountUsersAsync(ct))
        {
            if (other.AccountUserId != user.AccountUserId && Compare(newEmail, other.HashedEmail))
                throw new AccountUserException("persistence: email already in use");
        }
        var oldKey = Derive(currentEmail, user.Salt);
        var newKey = Derive(newEmail, user.Salt);
        var rels = (await store.ListRelationshipsAsync(accountUserId, ct))
            .Select(r => r with { EmailEncryptedKeyEncryptionKey = Aead.EncryptVersioned(newKey, Unwrap(oldKey, r.EmailEncryptedKeyEncryptionKey)) })
            .ToList();
        await store.SaveAccountUserAsync(user with { HashedEmail = Keys.HashString(newEmail) }, rels, ct);
    }

    /// <summary>server.md §5.9: wraps every accepted KEK with a fresh 32-byte key that travels in the reset token.</summary>
    public async Task<byte[]> GenerateOneTimeKeyAsync(string email, CancellationToken ct)
    {
        var user = await FindByEmailAsync(email, acceptedOnly: true, ct) ?? throw new AccountUserException("persistence: user not found");
        var key = RandomNumberGenerator.GetBytes(32);
        var emailKey = Derive(email, user.Salt);
        var rels = (await store.ListRelationshipsAsync(user.AccountUserId, ct)).Where(Accepted)
            .Select(r => r with { OneTimeEncryptedKeyEncryptionKey = Aead.EncryptVersioned(key, Unwrap(emailKey, r.EmailEncryptedKeyEncryptionKey)) })
            .ToList();
        await store.SaveRelationshipsAsync(rels, ct);
        return key;
    }

    public async Task ResetPasswordAsync(string email, string password, byte[] oneTimeKey, CancellationToken ct)
    {
        var user = await FindByEmailAsync(email, acceptedOnly: true, ct) ?? throw new AccountUserException("persistence: user not found");
        if (!Keys.ValidatePassword(password)) throw new AccountUserException("persistence: password must be between 8 and 64 bytes");
        var pwKey = Derive(password, user.Salt);
        var rels = new List<RelationshipRecord>();
        foreach (var r in (await store.ListRelationshipsAsync(user.AccountUserId, ct)).Where(Accepted))
        {
            if (string.IsNullOrEmpty(r.OneTimeEncryptedKeyEncryptionKey)) throw new AccountUserException("persistence: no one-time key found");
            var kek = Unwrap(oneTimeKey, r.OneTimeEncryptedKeyEncryptionKey);
            rels.Add(r with { PasswordEncryptedKeyEncryptionKey = Aead.EncryptVersioned(pwKey, kek), OneTimeEncryptedKeyEncryptionKey = "" });
        }
        await store.SaveAccountUserAsync(user with { HashedPassword = Keys.HashString(password) }, rels, ct);
    }

    /// <summary>server.md §5.10 with D2: sharing never demotes an existing invitee.</summary>
    public async Task<ShareOutcome> ShareAccountAsync(string invitee, string providerEmail, string providerPassword, string? accountId, bool grantAdmin, CancellationToken ct)
    {
        var provider = await FindByEmailAsync(providerEmail, acceptedOnly: true, ct) ?? throw new AccountUserException("persistence: provider not found");
        if (!Compare(providerPassword, provider.HashedPassword)) throw new AccountUserException("persistence: bad credentials");
        var target = await FindByEmailAsync(invitee, acceptedOnly: false, ct);
        var existsWithPassword = target is not null && !string.IsNullOrEmpty(target.HashedPassword);
        var userChanged = false;
        if (target is null)
        {
            target = new AccountUserRecord(Guid.NewGuid().ToString(), Keys.HashString(invitee), "", Keys.NewUserSalt(), grantAdmin ? 1 : 0);
            userChanged = true;
        }
        else if (grantAdmin && target.AdminLevel != 1)
        {
            target = target with { AdminLevel = 1 };
            userChanged = true;
        }
        var inviteeAccepted = (await store.ListRelationshipsAsync(target.AccountUserId, ct)).Where(Accepted).Select(r => r.AccountId).ToHashSet();
        var providerKey = Derive(providerPassword, provider.Salt);
        var inviteeEmailKey = Derive(invitee, target.Salt);
        var created = new List<RelationshipRecord>();
        var names = new List<string>();
        foreach (var r in (await store.ListRelationshipsAsync(provider.AccountUserId, ct)).Where(Accepted))
        {
            if (!string.IsNullOrEmpty(accountId) && r.AccountId != accountId) continue;
            if (inviteeAccepted.Contains(r.AccountId)) continue;
            var kek = Unwrap(providerKey, r.PasswordEncryptedKeyEncryptionKey);
            created.Add(new RelationshipRecord(Guid.NewGuid().ToString(), target.AccountUserId, r.AccountId, "", Aead.EncryptVersioned(inviteeEmailKey, kek), ""));
            var account = await store.GetAccountAsync(r.AccountId, ct);
            names.Add(account?.Name ?? r.AccountId);
        }
        if (userChanged || created.Count > 0) await store.SaveAccountUserAsync(target, created, ct);
        return new ShareOutcome(existsWithPassword, names);
    }

    public async Task JoinAsync(string email, string password, CancellationToken ct)
    {
        var user = await FindByEmailAsync(email, acceptedOnly: false, ct) ?? throw new AccountUserException("persistence: user not found");
        if (!string.IsNullOrEmpty(user.HashedPassword)) throw new AccountUserException("persistence: user already has a password");
        if (!Keys.ValidatePassword(password)) throw new AccountUserException("persistence: password must be between 8 and 64 bytes");
        var emailKey = Derive(email, user.Salt);
        var pwKey = Derive(password, user.Salt);
        var rels = (await store.ListRelationshipsAsync(user.AccountUserId, ct))
            .Select(r => r with { PasswordEncryptedKeyEncryptionKey = Aead.EncryptVersioned(pwKey, Unwrap(emailKey, r.EmailEncryptedKeyEncryptionKey)) })
            .ToList();
        await store.SaveAccountUserAsync(user with { HashedPassword = Keys.HashString(password) }, rels, ct);
    }

    /// <summary>server.md §5.11 CreateAccount.</summary>
    public async Task CreateAccountAsync(string name, string email, string password, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new AccountUserException("persistence: account name must not be empty");
        var user = await FindByEmailAsync(email, acceptedOnly: true, ct) ?? throw new AccountUserException("persistence: user not found");
        if (!Compare(password, user.HashedPassword)) throw new AccountUserException("persistence: bad credentials");
        var (account, kek) = NewAccount(null, name);
        var rel = new RelationshipRecord(Guid.NewGuid().ToString(), user.AccountUserId, account.AccountId,
            Aead.EncryptVersioned(Derive(password, user.Salt), kek), Aead.EncryptVersioned(Derive(email, user.Salt), kek), "");
        await store.CreateAccountAsync(account, rel, ct);
    }

    /// <summary>server.md §5.4 Bootstrap (setup, `offen setup`, `offen demo`).</summary>
    public async Task<IReadOnlyList<AccountRecord>> BootstrapAsync(IReadOnlyList<BootstrapAccount> accounts, IReadOnlyList<BootstrapUser> users, bool force, CancellationToken ct)
    {
        foreach (var u in users)
        {
            if (!u.AllowInsecurePassword && !Keys.ValidatePassword(u.Password))
                throw new AccountUserException("persistence: password must be between 8 and 64 bytes");
        }
        if (!force && !await store.IsEmptyAsync(ct)) throw new AccountUserException("persistence: action would overwrite existing data - not allowed");
        var accountRecords = new List<AccountRecord>();
        var keks = new Dictionary<string, byte[]>();
        foreach (var a in accounts)
        {
            if (a.AccountId is not null && !Guid.TryParse(a.AccountId, out _)) throw new AccountUserException("persistence: account id must be a UUID");
            if (string.IsNullOrWhiteSpace(a.Name)) throw new AccountUserException("persistence: account name must not be empty");
            var (record, kek) = NewAccount(a.AccountId, a.Name);
            accountRecords.Add(record);
            keks[record.AccountId] = kek;
        }
        var userRecords = new List<AccountUserRecord>();
        var rels = new List<RelationshipRecord>();
        foreach (var u in users)
        {
            var salt = Keys.NewUserSalt();
            var record = new AccountUserRecord(Guid.NewGuid().ToString(), Keys.HashString(u.Email),
                string.IsNullOrEmpty(u.Password) ? "" : Keys.HashString(u.Password), salt, u.AdminLevel);
            userRecords.Add(record);
            var pwKey = string.IsNullOrEmpty(u.Password) ? null : Derive(u.Password, salt);
            var emailKey = Derive(u.Email, salt);
            foreach (var id in u.AccountIds)
            {
                if (!keks.TryGetValue(id, out var kek)) throw new AccountUserException("persistence: user refers to an unknown account");
                rels.Add(new RelationshipRecord(Guid.NewGuid().ToString(), record.AccountUserId, id,
                    pwKey is null ? "" : Aead.EncryptVersioned(pwKey, kek), Aead.EncryptVersioned(emailKey, kek), ""));
            }
        }
        await store.BootstrapAsync(accountRecords, userRecords, rels, force, ct);
        return accountRecords;
    }

    private static (AccountRecord Account, byte[] Kek) NewAccount(string? id, string name)
    {
        var (publicJwk, privateJwk) = Rsa.GenerateAccountKeyPair();
        var kek = RandomNumberGenerator.GetBytes(32);
        var account = new AccountRecord(id ?? Guid.NewGuid().ToString(), name, publicJwk,
            Aead.EncryptVersioned(kek, Encoding.UTF8.GetBytes(privateJwk)), Keys.NewAccountUserSalt(), false, "", DateTimeOffset.UtcNow);
        return (account, kek);
    }

    private static byte[] Unwrap(byte[] key, string versioned)
    {
        try { return Aead.DecryptVersioned(key, versioned); }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException)
        {
            throw new AccountUserException("persistence: error decrypting key encryption key");
        }
    }
}
