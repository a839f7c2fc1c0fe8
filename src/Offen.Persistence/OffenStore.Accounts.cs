namespace Offen.Persistence;

public sealed partial class OffenStore
{
    /// <summary>
    /// server.md §5.4 steps 2–3. Migrates first (so a fresh database qualifies as empty), then in ONE transaction:
    /// requires an empty database unless <paramref name="force"/>, clears every table except <c>tombstones</c>
    /// (§11.37) and inserts the given rows. Upstream drops and re-creates the tables; clearing them after the
    /// migrations have run leaves the same schema and stays transactional on MySQL, where DDL commits implicitly.
    /// </summary>
    public async Task BootstrapAsync(
        IReadOnlyList<AccountRecord> accounts,
        IReadOnlyList<AccountUserRecord> users,
        IReadOnlyList<RelationshipRecord> relationships,
        bool force,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(relationships);
        await MigrateAsync(ct);
        await WriteAsync(async s =>
        {
            if (!force)
            {
                foreach (var table in Queries.Tables)
                {
                    if (await s.ScalarAsync<long>($"SELECT count(*) FROM {table}") != 0) throw new WouldOverwriteException();
                }
            }
            foreach (var table in Queries.BootstrapCleared) await s.ExecuteAsync($"DELETE FROM {table}");
            await s.StepAsync("bootstrap:cleared");
            foreach (var a in accounts) await s.ExecuteAsync(_q.InsertAccount, AccountParameters(a));
            foreach (var u in users) await s.ExecuteAsync(_q.InsertAccountUser, u);
            foreach (var r in relationships) await s.ExecuteAsync(_q.InsertRelationship, r);
        }, ct);
    }

    /// <summary>An account by id, retired or not (server.md §11.35); null when unknown.</summary>
    public Task<AccountRecord?> GetAccountAsync(string accountId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        return ReadAsync(async s =>
            (await s.QuerySingleOrDefaultAsync<AccountRow>(_q.AccountById, new { id = accountId }))?.ToRecord(), snapshot: false, ct);
    }

    /// <summary>All accounts, retired ones included, ordered by id.</summary>
    public Task<IReadOnlyList<AccountRecord>> ListAccountsAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<AccountRecord>>(async s =>
            (await s.QueryAsync<AccountRow>(_q.AllAccounts)).Select(r => r.ToRecord()).ToList(), snapshot: false, ct);

    /// <summary>
    /// server.md §5.11 CreateAccount step 2 and 5, in one transaction: rejects a name equal (ordinal, so the same
    /// on every collation) to that of any account, retired ones included, then inserts the account and the
    /// creator's relationship. Concurrent creations queue on a lock so two equal names cannot both pass.
    /// </summary>
    public Task CreateAccountAsync(AccountRecord account, RelationshipRecord creatorRelationship, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(creatorRelationship);
        return WriteAsync(async s =>
        {
            if (_sql.LockAccountsForInsert is { } lockSql) await s.ExecuteAsync(lockSql);
            var names = await s.QueryAsync<string?>(_q.AccountNames);
            if (names.Any(n => string.Equals(n ?? "", account.Name, StringComparison.Ordinal))) throw new DuplicateAccountNameException();
            await s.ExecuteAsync(_q.InsertAccount, AccountParameters(account));
            await s.StepAsync("create-account:inserted");
            await s.ExecuteAsync(_q.InsertRelationship, creatorRelationship);
        }, ct);
    }

    /// <summary>
    /// server.md §5.11 RetireAccount, in one transaction: sets <c>retired</c> and deletes all relationships of the
    /// account and its shared caches (ADR 0005); events and secrets stay until expiry. False when the account is
    /// unknown or already retired.
    /// </summary>
    public Task<bool> RetireAccountAsync(string accountId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        return WriteAsync(async s =>
        {
            var row = await s.QuerySingleOrDefaultAsync<AccountFlagRow>(_q.AccountRetiredForUpdate, new { id = accountId });
            if (row is null || Values.Bool(row.Retired)) return false;
            await s.ExecuteAsync(_q.RetireAccount, new { id = accountId, retired = true });
            await s.StepAsync("retire:flagged");
            await s.ExecuteAsync(_q.DeleteRelationshipsOfAccount, new { id = accountId });
            // Our shared caches (ADR 0005) of a retired account are of no use to anyone.
            await s.ExecuteAsync(_q.DeleteRollupsOfAccount, new { id = accountId });
            await s.ExecuteAsync(_q.DeleteCachedSecretsOfAccount, new { id = accountId });
            return true;
        }, ct);
    }

    /// <summary>server.md §5.11 UpdateAccountStyles: stores the CSS on any account by id; false when unknown.</summary>
    public Task<bool> UpdateAccountStylesAsync(string accountId, string css, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        ArgumentNullException.ThrowIfNull(css);
        return WriteAsync(async s =>
        {
            if (await s.QuerySingleOrDefaultAsync<AccountFlagRow>(_q.AccountRetiredForUpdate, new { id = accountId }) is null) return false;
            await s.ExecuteAsync(_q.UpdateAccountStyles, new { id = accountId, css });
            return true;
        }, ct);
    }

    // ------------------------------------------------------------------ account users (server.md §5.9, §5.10)

    public Task<IReadOnlyList<AccountUserRecord>> ListAccountUsersAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<AccountUserRecord>>(async s =>
            (await s.QueryAsync<AccountUserRow>(_q.AllAccountUsers)).Select(r => r.ToRecord()).ToList(), snapshot: false, ct);

    public Task<AccountUserRecord?> GetAccountUserAsync(string accountUserId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(accountUserId);
        return ReadAsync(async s =>
            (await s.QuerySingleOrDefaultAsync<AccountUserRow>(_q.AccountUserById, new { id = accountUserId }))?.ToRecord(), snapshot: false, ct);
    }

    /// <summary>Every relationship of the user, pending invitations (password key <c>""</c>, §11.16) included.</summary>
    public Task<IReadOnlyList<RelationshipRecord>> ListRelationshipsAsync(string accountUserId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(accountUserId);
        return ReadAsync<IReadOnlyList<RelationshipRecord>>(async s =>
            (await s.QueryAsync<RelationshipRow>(_q.RelationshipsOfUser, new { id = accountUserId })).Select(r => r.ToRecord()).ToList(),
            snapshot: false, ct);
    }

    /// <summary>One transaction: insert-or-update the user row, then insert-or-update each relationship by id.</summary>
    public Task SaveAccountUserAsync(AccountUserRecord user, IReadOnlyList<RelationshipRecord> upsertRelationships, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(upsertRelationships);
        return WriteAsync(async s =>
        {
            await s.ExecuteAsync(_q.UpsertAccountUser, user);
            await s.StepAsync("save-user:user");
            foreach (var r in upsertRelationships) await s.ExecuteAsync(_q.UpsertRelationship, r);
        }, ct);
    }

    /// <summary>One transaction: insert-or-update each relationship by id (one-time keys, accepted invitations).</summary>
    public Task SaveRelationshipsAsync(IReadOnlyList<RelationshipRecord> upsert, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(upsert);
        return WriteAsync(async s =>
        {
            for (var i = 0; i < upsert.Count; i++)
            {
                if (i > 0) await s.StepAsync("save-relationships:one");
                await s.ExecuteAsync(_q.UpsertRelationship, upsert[i]);
            }
        }, ct);
    }

    private object AccountParameters(AccountRecord a) => new
    {
        a.AccountId,
        a.Name,
        a.PublicKey,
        a.EncryptedPrivateKey,
        a.UserSalt,
        a.Retired,
        a.AccountStyles,
        Created = _sql.TimeParameter(a.Created),
    };
}
