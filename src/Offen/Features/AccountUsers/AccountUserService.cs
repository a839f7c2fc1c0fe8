using System.Collections.Concurrent;
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
    private Task<byte[]> DeriveAsync(string value, string salt, CancellationToken ct) => Argon2Queue.RunAsync(() => Keys.DeriveKey(value, salt, argonNumCpu), ct);
    private async Task<bool> CompareAsync(string value, string hashed, CancellationToken ct) =>
        hashed.Length > 0 && await Argon2Queue.RunAsync(() => Keys.CompareString(value, hashed, argonNumCpu), ct);
    private static Task<string> HashAsync(string value, CancellationToken ct) => Argon2Queue.RunAsync(() => Keys.HashString(value), ct);

    /// <summary>server.md §5.9: O(n) argon2 compares over every user, in shuffled order; emails compared as given.</summary>
    private async Task<AccountUserRecord?> FindByEmailAsync(string email, bool acceptedOnly, CancellationToken ct)
    {
        var users = (await store.ListAccountUsersAsync(ct)).ToArray();
        Random.Shared.Shuffle(users);
        foreach (var u in users)
        {
            if (!await CompareAsync(email, u.HashedEmail, ct)) continue;
            if (acceptedOnly && string.IsNullOrEmpty(u.HashedPassword)) continue;
            return u;
        }
        return null;
    }

    private static bool Accepted(RelationshipRecord r) => !string.IsNullOrEmpty(r.PasswordEncryptedKeyEncryptionKey);

    public async Task<LoginOutcome> LoginAsync(string email, string password, CancellationToken ct)
    {
        var user = await FindByEmailAsync(email, acceptedOnly: false, ct) ?? throw new AccountUserException("persistence: user not found");
        if (!await CompareAsync(password, user.HashedPassword, ct)) throw new AccountUserException("persistence: bad credentials");
        var pwKey = await DeriveAsync(password, user.Salt, ct);
        var relationships = await store.ListRelationshipsAsync(user.AccountUserId, ct);
        var accepted = new List<RelationshipRecord>();
        var updated = new List<RelationshipRecord>();
        byte[]? emailKey = null;
        foreach (var r in relationships)
        {
            if (Accepted(r)) { accepted.Add(r); continue; }
            // §5.9 step 4: a pending invitation is accepted by re-wrapping its KEK with the password key.
            emailKey ??= await DeriveAsync(email, user.Salt, ct);
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
        if (!await CompareAsync(current, user.HashedPassword, ct)) throw new AccountUserException("persistence: current password did not match");
        if (!Keys.ValidatePassword(changed)) throw new AccountUserException("persistence: password must be between 8 and 64 bytes");
        var oldKey = await DeriveAsync(current, user.Salt, ct);
        var newKey = await DeriveAsync(changed, user.Salt, ct);
        var rels = (await store.ListRelationshipsAsync(accountUserId, ct)).Where(Accepted)
            .Select(r => r with { PasswordEncryptedKeyEncryptionKey = Aead.EncryptVersioned(newKey, Unwrap(oldKey, r.PasswordEncryptedKeyEncryptionKey)) })
            .ToList();
        await store.SaveAccountUserAsync(user with { HashedPassword = await HashAsync(changed, ct) }, rels, ct);
    }

    public async Task ChangeEmailAsync(string accountUserId, string newEmail, string currentEmail, string password, CancellationToken ct)
    {
        var user = await FindByEmailAsync(currentEmail, acceptedOnly: false, ct) ?? throw new AccountUserException("persistence: user not found");
        if (user.AccountUserId != accountUserId) throw new AccountUserException("persistence: current email belongs to another user");
        if (!await CompareAsync(password, user.HashedPassword, ct)) throw new AccountUserException("persistence: bad credentials");
        foreach (var other in await store.ListAccountUsersAsync(ct))
        {
            if (other.AccountUserId != user.AccountUserId && await CompareAsync(newEmail, other.HashedEmail, ct))
                throw new AccountUserException("persistence: email already in use");
        }
        var oldKey = await DeriveAsync(currentEmail, user.Salt, ct);
        var newKey = await DeriveAsync(newEmail, user.Salt, ct);
        var rels = (await store.ListRelationshipsAsync(accountUserId, ct))
            .Select(r => r with { EmailEncryptedKeyEncryptionKey = Aead.EncryptVersioned(newKey, Unwrap(oldKey, r.EmailEncryptedKeyEncryptionKey)) })
            .ToList();
        await store.SaveAccountUserAsync(user with { HashedEmail = await HashAsync(newEmail, ct) }, rels, ct);
    }

    /// <summary>server.md §5.9: wraps every accepted KEK with a fresh 32-byte key that travels in the reset token.</summary>
    public async Task<byte[]> GenerateOneTimeKeyAsync(string email, CancellationToken ct)
    {
        var user = await FindByEmailAsync(email, acceptedOnly: true, ct) ?? throw new AccountUserException("persistence: user not found");
        var key = RandomNumberGenerator.GetBytes(32);
        var emailKey = await DeriveAsync(email, user.Salt, ct);
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
        var pwKey = await DeriveAsync(password, user.Salt, ct);
        var rels = new List<RelationshipRecord>();
        foreach (var r in (await store.ListRelationshipsAsync(user.AccountUserId, ct)).Where(Accepted))
        {
            if (string.IsNullOrEmpty(r.OneTimeEncryptedKeyEncryptionKey)) throw new AccountUserException("persistence: no one-time key found");
            var kek = Unwrap(oneTimeKey, r.OneTimeEncryptedKeyEncryptionKey);
            rels.Add(r with { PasswordEncryptedKeyEncryptionKey = Aead.EncryptVersioned(pwKey, kek), OneTimeEncryptedKeyEncryptionKey = "" });
        }
        await store.SaveAccountUserAsync(user with { HashedPassword = await HashAsync(password, ct) }, rels, ct);
    }

    /// <summary>server.md §5.10 with D2: sharing never demotes an existing invitee.</summary>
    public async Task<ShareOutcome> ShareAccountAsync(string invitee, string providerEmail, string providerPassword, string? accountId, bool grantAdmin, CancellationToken ct)
    {
        var provider = await FindByEmailAsync(providerEmail, acceptedOnly: true, ct) ?? throw new AccountUserException("persistence: provider not found");
        if (!await CompareAsync(providerPassword, provider.HashedPassword, ct)) throw new AccountUserException("persistence: bad credentials");
        var target = await FindByEmailAsync(invitee, acceptedOnly: false, ct);
        var existsWithPassword = target is not null && !string.IsNullOrEmpty(target.HashedPassword);
        var userChanged = false;
        if (target is null)
        {
            target = new AccountUserRecord(Guid.NewGuid().ToString(), await HashAsync(invitee, ct), "", Keys.NewUserSalt(), grantAdmin ? 1 : 0);
            userChanged = true;
        }
        else if (grantAdmin && target.AdminLevel != 1)
        {
            target = target with { AdminLevel = 1 };
            userChanged = true;
        }
        var inviteeAccepted = (await store.ListRelationshipsAsync(target.AccountUserId, ct)).Where(Accepted).Select(r => r.AccountId).ToHashSet();
        var providerKey = await DeriveAsync(providerPassword, provider.Salt, ct);
        var inviteeEmailKey = await DeriveAsync(invitee, target.Salt, ct);
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
        var emailKey = await DeriveAsync(email, user.Salt, ct);
        var pwKey = await DeriveAsync(password, user.Salt, ct);
        var rels = (await store.ListRelationshipsAsync(user.AccountUserId, ct))
            .Select(r => r with { PasswordEncryptedKeyEncryptionKey = Aead.EncryptVersioned(pwKey, Unwrap(emailKey, r.EmailEncryptedKeyEncryptionKey)) })
            .ToList();
        await store.SaveAccountUserAsync(user with { HashedPassword = await HashAsync(password, ct) }, rels, ct);
    }

    /// <summary>server.md §5.11 CreateAccount.</summary>
    public async Task CreateAccountAsync(string name, string email, string password, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new AccountUserException("persistence: account name must not be empty");
        var user = await FindByEmailAsync(email, acceptedOnly: true, ct) ?? throw new AccountUserException("persistence: user not found");
        if (!await CompareAsync(password, user.HashedPassword, ct)) throw new AccountUserException("persistence: bad credentials");
        var (account, kek) = NewAccount(null, name);
        var rel = new RelationshipRecord(Guid.NewGuid().ToString(), user.AccountUserId, account.AccountId,
            Aead.EncryptVersioned(await DeriveAsync(password, user.Salt, ct), kek), Aead.EncryptVersioned(await DeriveAsync(email, user.Salt, ct), kek), "");
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
            var record = new AccountUserRecord(Guid.NewGuid().ToString(), await HashAsync(u.Email, ct),
                string.IsNullOrEmpty(u.Password) ? "" : await HashAsync(u.Password, ct), salt, u.AdminLevel);
            userRecords.Add(record);
            var pwKey = string.IsNullOrEmpty(u.Password) ? null : await DeriveAsync(u.Password, salt, ct);
            var emailKey = await DeriveAsync(u.Email, salt, ct);
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

/// <summary>The Argon2 queue is full: answered 429 like the rate limiter's deadline (server.md §1.8).</summary>
public sealed class Argon2BusyException() : Exception("argon2: too many derivations waiting");

/// <summary>
/// Every Argon2 computation of the server (server.md §6.2) runs here, in arrival order, on one dedicated thread
/// per four cores (a derivation already fills four lanes in parallel). Run directly on the request threads, a
/// flood of logins or share requests started derivations without bound: each holds a 16 MiB buffer while the
/// CPU thrashes between them, and the native buffers spread over every thread's malloc arena, so the hostile
/// input test (issue 6 item 3) saw 2.5 GB RSS that never came back. Work that could not start within
/// <see cref="MaxWait"/> is refused at once (<see cref="Argon2BusyException"/>), so under a flood requests fail
/// fast instead of queueing without bound; a job whose request is gone is skipped.
/// </summary>
internal static class Argon2Queue
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);
    private static readonly int Workers = Math.Max(1, Environment.ProcessorCount / 4);
    private static readonly BlockingCollection<Action> Jobs = Start();
    private static int _pending;
    // Starts pessimistic: a low first guess admits a long queue before the average catches up with a loaded host.
    private static long _averageTicks = TimeSpan.FromMilliseconds(500).Ticks;

    private static BlockingCollection<Action> Start()
    {
        var jobs = new BlockingCollection<Action>();
        for (var i = 0; i < Workers; i++)
        {
            new Thread(() =>
            {
                foreach (var job in jobs.GetConsumingEnumerable()) job();
            }) { IsBackground = true, Name = "offen-argon2" }.Start();
        }
        return jobs;
    }

    public static Task<T> RunAsync<T>(Func<T> work, CancellationToken ct)
    {
        var ahead = Interlocked.Increment(ref _pending) - 1;
        if (ahead > 0 && Volatile.Read(ref _averageTicks) * ahead / Workers > MaxWait.Ticks)
        {
            Interlocked.Decrement(ref _pending);
            return Task.FromException<T>(new Argon2BusyException());
        }
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = System.Diagnostics.Stopwatch.GetTimestamp();
        Jobs.Add(() =>
        {
            try
            {
                if (ct.IsCancellationRequested)
                {
                    done.TrySetCanceled(ct);
                    return;
                }
                // The admission check above trusts an average; when the host slows down after admission (CPU
                // contention), the real wait can exceed it. A job that still could not start within twice the
                // horizon is refused like one turned away at the door, so no request waits without bound.
                if (System.Diagnostics.Stopwatch.GetElapsedTime(queued) > 2 * MaxWait)
                {
                    done.TrySetException(new Argon2BusyException());
                    return;
                }
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                done.TrySetResult(work());
                // A moving average of the cost, for the wait estimate above.
                var took = System.Diagnostics.Stopwatch.GetElapsedTime(started).Ticks;
                var average = Volatile.Read(ref _averageTicks);
                Volatile.Write(ref _averageTicks, average + (took - average) / 8);
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
            finally
            {
                Interlocked.Decrement(ref _pending);
            }
        });
        return done.Task;
    }
}

/// <summary>Answers <see cref="Argon2BusyException"/> with 429 and the error shape, on every route that derives keys.</summary>
public sealed class Argon2BusyFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Argon2BusyException) when (!context.HttpContext.Response.HasStarted)
        {
            await Web.Api.ErrorAsync(context.HttpContext, 429, RateLimiting.RateLimitingHttp.Message);
            return Results.Empty;
        }
    }
}
