namespace Offen.Persistence;

/// <summary>
/// The shared encrypted caches (our extension, docs/adr/0005-shared-caches.md): opaque ciphertext that operators'
/// browsers store so a later dashboard load of the same account is fast. The server never sees a key; it only keeps
/// the caches consistent with the events, so that deleting an event (purge, expiry, parking) also deletes every
/// cached value derived from it, in the same transaction.
/// </summary>
public sealed partial class OffenStore
{
    /// <summary>Every cached secret of an active account (secret id to encrypted value).</summary>
    /// <exception cref="UnknownAccountException">the account does not exist or is retired.</exception>
    public Task<IReadOnlyDictionary<string, string>> GetCachedSecretsAsync(string accountId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        return ReadAsync<IReadOnlyDictionary<string, string>>(async s =>
        {
            await RequireActiveAccountAsync(s, accountId, _q.AccountFlag);
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var row in await s.QueryAsync<CachedSecretRow>(_q.CachedSecretsOfAccount, new { id = accountId }))
            {
                if (row.SecretId is not null) result[row.SecretId] = row.EncryptedValue ?? "";
            }
            return result;
        }, snapshot: true, ct);
    }

    /// <summary>
    /// Inserts or replaces cached secrets of an active account, keeping only those whose secret id has at least one
    /// event in the account right now: a visitor purged while an operator's browser was still uploading cannot be
    /// cached again. Returns the number of rows stored.
    /// </summary>
    /// <exception cref="UnknownAccountException">the account does not exist or is retired.</exception>
    public Task<int> StoreCachedSecretsAsync(string accountId, IReadOnlyDictionary<string, string> secrets, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        ArgumentNullException.ThrowIfNull(secrets);
        return WriteAsync(async s =>
        {
            // FOR UPDATE on the account row: purge, expiry and parking take it FOR SHARE before they tombstone, so
            // either they see these rows (and delete them) or this sees their deletions (and skips the secrets).
            await RequireActiveAccountAsync(s, accountId, _q.AccountRetiredForUpdate);
            if (secrets.Count == 0) return 0;
            var withEvents = (await s.QueryChunkedAsync<string>(_q.SecretIdsWithEventsInAccount, secrets.Keys.ToList(), new { id = accountId }))
                .ToHashSet(StringComparer.Ordinal);
            var rows = secrets
                .Where(kv => withEvents.Contains(kv.Key))
                .OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => new object?[] { accountId, kv.Key, kv.Value })
                .ToList();
            await s.StepAsync("cached-secrets:checked");
            if (rows.Count > 0) await s.InsertRowsAsync("cached_secrets", Queries.CachedSecretColumns, rows, _q.CachedSecretUpsertSuffix);
            return rows.Count;
        }, ct);
    }

    /// <summary>The rollups of an active account without their payloads, ordered by first event id.</summary>
    /// <exception cref="UnknownAccountException">the account does not exist or is retired.</exception>
    public Task<IReadOnlyList<RollupRecord>> ListRollupsAsync(string accountId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        return ReadAsync<IReadOnlyList<RollupRecord>>(async s =>
        {
            await RequireActiveAccountAsync(s, accountId, _q.AccountFlag);
            return (await s.QueryAsync<RollupRow>(_q.RollupsOfAccount, new { id = accountId })).Select(r => r.ToRecord()).ToList();
        }, snapshot: true, ct);
    }

    /// <summary>One rollup with its payload; null when there is none under this key (any more).</summary>
    public Task<RollupRecord?> GetRollupAsync(string accountId, string key, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        ArgumentNullException.ThrowIfNull(key);
        return ReadAsync(async s =>
            (await s.QuerySingleOrDefaultAsync<RollupRow>(_q.RollupByKey, new { id = accountId, key }))?.ToRecord(), snapshot: false, ct);
    }

    /// <summary>
    /// Stores a rollup under its key, in ONE transaction and only if it describes exactly the account's current events
    /// of its range: the number of events in <c>[FirstEventId, LastEventId]</c> equals <c>EventCount</c>; no event and
    /// no tombstone in the range has a sequence after <c>AsOf</c>; no other rollup of the account overlaps the range.
    /// Replacing a rollup under the same key is allowed.
    /// </summary>
    /// <exception cref="UnknownAccountException">the account does not exist or is retired.</exception>
    /// <exception cref="ValueTooLargeException">MySQL: the payload does not fit into one statement (max_allowed_packet).</exception>
    public Task<RollupPutResult> PutRollupAsync(string accountId, RollupRecord rollup, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        ArgumentNullException.ThrowIfNull(rollup);
        if (rollup.Payload is null) throw new ArgumentException("a rollup needs a payload", nameof(rollup));
        if (string.CompareOrdinal(rollup.FirstEventId, rollup.LastEventId) > 0) throw new ArgumentException("first event id after last event id", nameof(rollup));
        if (rollup.EventCount < 1) throw new ArgumentException("a rollup holds at least one event", nameof(rollup));
        return WriteAsync(async s =>
        {
            await RequireActiveAccountAsync(s, accountId, _q.AccountRetiredForUpdate);
            if (_sql.Kind == Dialect.MySql)
            {
                // MySQL refuses a statement (and a result row) larger than max_allowed_packet, which only the
                // server's configuration can raise: refuse clearly instead of failing inside the driver.
                var limit = await s.ScalarAsync<long>("SELECT @@max_allowed_packet");
                if ((long)rollup.Payload.Length + 4096 > limit) throw new ValueTooLargeException(limit);
            }
            var range = new { id = accountId, first = rollup.FirstEventId, last = rollup.LastEventId, asOf = rollup.AsOf, key = rollup.Key };
            if (await s.ScalarAsync<long>(_q.CountEventsInRange, range) != rollup.EventCount)
                return new RollupPutResult(RollupPutOutcome.CountMismatch);
            if (await s.ScalarAsync<string?>(_q.EventChangedInRange, range) is not null
                || await s.ScalarAsync<string?>(_q.TombstoneChangedInRange, range) is not null)
                return new RollupPutResult(RollupPutOutcome.Stale);
            if (await s.ScalarAsync<string?>(_q.OverlappingRollup, range) is { } other)
                return new RollupPutResult(RollupPutOutcome.Overlap, other);
            await s.StepAsync("rollup:checked");
            await s.ExecuteAsync(_q.UpsertRollup, new
            {
                AccountId = accountId,
                RollupKey = rollup.Key,
                rollup.FirstEventId,
                rollup.LastEventId,
                rollup.EventCount,
                rollup.AsOf,
                rollup.Payload,
            });
            return new RollupPutResult(RollupPutOutcome.Stored);
        }, ct);
    }

    /// <summary>Deletes one rollup of an active account; true when there was one.</summary>
    /// <exception cref="UnknownAccountException">the account does not exist or is retired.</exception>
    public Task<bool> DeleteRollupAsync(string accountId, string key, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        ArgumentNullException.ThrowIfNull(key);
        return WriteAsync(async s =>
        {
            await RequireActiveAccountAsync(s, accountId, _q.AccountFlag);
            return await s.ExecuteAsync(_q.DeleteRollup, new { id = accountId, key }) > 0;
        }, ct);
    }

    /// <summary>
    /// Deletes, in the calling transaction, every rollup that holds an id the operation <paramref name="seq"/> has
    /// just tombstoned; for parking (<paramref name="parkedIn"/>) also every rollup of that account that holds one of
    /// the copies the operation wrote under <paramref name="seq"/> (same millisecond as their originals, new
    /// randomness, so they may land inside a rollup that held none of the originals). Per account: the span of the
    /// operation's ids, the rollups overlapping it, and one read of the ids in order, matched against those rollups.
    /// Linear in the operation's tombstones plus the candidates on every dialect, whatever plan the database picks.
    /// </summary>
    /// <returns>the accounts the operation tombstoned events of.</returns>
    private async Task<List<string>> DropRollupsHoldingAsync(Session s, string seq, string? parkedIn = null)
    {
        List<SpanRow> spans;
        if (parkedIn is null)
        {
            spans = await s.QueryAsync<SpanRow>(_q.TombstoneSpansOfOperation, new { seq });
        }
        else
        {
            var tombstoned = await s.QuerySingleOrDefaultAsync<SpanRow>(_q.TombstoneSpanOfOperationInAccount, new { seq, account = parkedIn });
            var copies = await s.QuerySingleOrDefaultAsync<SpanRow>(_q.EventSpanOfSequenceInAccount, new { seq, account = parkedIn });
            spans = [new SpanRow { AccountId = parkedIn, Lo = MinId(tombstoned?.Lo, copies?.Lo), Hi = Max(tombstoned?.Hi, copies?.Hi) }];
        }
        foreach (var span in spans)
        {
            if (span.AccountId is null || span.Lo is null || span.Hi is null) continue;
            var candidates = (await s.QueryAsync<RollupRow>(_q.RollupsOverlapping, new { account = span.AccountId, lo = span.Lo, hi = span.Hi }))
                .Where(r => r.FirstEventId is not null && r.LastEventId is not null)
                .ToList();
            if (candidates.Count == 0) continue;
            var holding = new HashSet<string>(StringComparer.Ordinal);
            var ids = new { seq, account = span.AccountId };
            await MatchAsync(s.QueryUnbufferedAsync<string>(_q.TombstoneIdsOfOperationInAccount, ids), candidates, holding);
            if (parkedIn is not null) await MatchAsync(s.QueryUnbufferedAsync<string>(_q.EventIdsOfSequenceInAccount, ids), candidates, holding);
            foreach (var key in holding) await s.ExecuteAsync(_q.DeleteRollup, new { id = span.AccountId, key });
        }
        return [.. spans.Where(x => x.AccountId is not null && x.Lo is not null).Select(x => x.AccountId!)];
    }

    /// <summary>
    /// Adds to <paramref name="holding"/> the key of every rollup that holds one of <paramref name="ids"/> (ascending).
    /// <paramref name="rollups"/> are ordered by first event id; those whose range has started and not ended are
    /// "open" (one at a time, since rollups do not overlap, but overlaps would only cost time).
    /// </summary>
    private static async Task MatchAsync(IAsyncEnumerable<string> ids, List<RollupRow> rollups, HashSet<string> holding)
    {
        var next = 0;
        var open = new List<RollupRow>();
        await foreach (var id in ids)
        {
            while (next < rollups.Count && string.CompareOrdinal(rollups[next].FirstEventId, id) <= 0) open.Add(rollups[next++]);
            for (var i = open.Count - 1; i >= 0; i--)
            {
                if (string.CompareOrdinal(open[i].LastEventId, id) >= 0) holding.Add(open[i].RollupKey!);
                // Held, or ended before this id: either way no later id changes anything for it.
                open.RemoveAt(i);
            }
            if (next == rollups.Count && open.Count == 0) break;
        }
    }

    /// <summary>
    /// Expiry: the cached secrets of visitors who had events deleted by the operation <paramref name="seq"/> and now
    /// have none left in that account go, in the calling transaction.
    /// </summary>
    private async Task DropCachedSecretsLeftWithoutEventsAsync(Session s, string seq, IEnumerable<string> accounts)
    {
        foreach (var account in accounts)
        {
            // Most accounts may have none: then the operation's visitors need not be read at all.
            if (await s.ScalarAsync<string?>(_q.AnyCachedSecretOfAccount, new { account }) is null) continue;
            var visitors = await s.QueryAsync<string>(_q.SecretIdsOfOperationInAccount, new { seq, account });
            if (visitors.Count == 0) continue;
            var touched = await s.QueryChunkedAsync<string>(_q.CachedSecretIdsIn, visitors, new { id = account });
            if (touched.Count == 0) continue;
            var alive = (await s.QueryChunkedAsync<string>(_q.SecretIdsWithEventsInAccount, touched, new { id = account }))
                .ToHashSet(StringComparer.Ordinal);
            var gone = touched.Where(id => !alive.Contains(id)).ToList();
            if (gone.Count > 0) await s.ExecuteChunkedAsync(_q.DeleteCachedSecretsOfAccountIn, gone, new { id = account });
        }
    }

    private static string? MinId(string? a, string? b) => a is null ? b : b is null ? a : string.CompareOrdinal(a, b) <= 0 ? a : b;

    private static async Task RequireActiveAccountAsync(Session s, string accountId, string query)
    {
        var row = await s.QuerySingleOrDefaultAsync<AccountFlagRow>(query, new { id = accountId });
        if (row is null || Values.Bool(row.Retired)) throw new UnknownAccountException(accountId);
    }
}
