using System.Data.Common;
using Offen.Crypto;

namespace Offen.Persistence;

public sealed partial class OffenStore
{
    /// <summary>
    /// server.md §5.5: validates and inserts one event through the group commit; the returned task completes with
    /// the event id only once the row is COMMITTED. Fails with <see cref="UnknownAccountException"/> (missing or
    /// retired account) or <see cref="UnknownSecretException"/> (no secret for hash(userId, salt)).
    /// </summary>
    public Task<string> InsertEventAsync(NewEvent e, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(e);
        ct.ThrowIfCancellationRequested();
        if (e.EventId is { } given && !Ulids.IsValid(given)) throw new ArgumentException("event id must be a ULID", nameof(e));
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposing) != 0, this);
        // §5.5 step 1: the event id is the time of receipt; the sequence is made later, inside the transaction.
        return _batcher.EnqueueAsync(e, e.EventId ?? Ulids.New(), ct);
    }

    /// <summary>Demo seeding (server.md §9.5): all events in one transaction, all or nothing.</summary>
    public Task InsertEventsAsync(IReadOnlyList<NewEvent> events, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var pending = new List<PendingInsert>(events.Count);
        foreach (var e in events)
        {
            if (e.EventId is { } given && !Ulids.IsValid(given)) throw new ArgumentException("event id must be a ULID", nameof(events));
            pending.Add(new PendingInsert(e, e.EventId ?? Ulids.New(), ct));
        }
        return WriteAsync(async s =>
        {
            await InsertCoreAsync(s, pending, isolateFailures: false);
        }, ct);
    }

    private Task ProcessInsertBatchAsync(List<PendingInsert> batch) =>
        WriteAsync(s => InsertCoreAsync(s, batch, isolateFailures: true), CancellationToken.None);

    /// <summary>
    /// Validates every event inside the transaction (the database is the source of truth, nothing is cached, so
    /// several processes may share it) and inserts the valid ones. With <paramref name="isolateFailures"/> a bad
    /// event only marks itself failed; otherwise the first failure aborts the whole transaction.
    /// </summary>
    private async Task InsertCoreAsync(Session s, List<PendingInsert> batch, bool isolateFailures)
    {
        // §5.5 step 2: the account must exist and not be retired.
        var accountIds = batch.Select(p => p.Event.AccountId).Distinct(StringComparer.Ordinal).ToList();
        var salts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in await s.QueryChunkedAsync<AccountRow>(_q.AccountsByIds, accountIds))
        {
            if (row.AccountId is { } id && !Values.Bool(row.Retired)) salts[id] = row.UserSalt ?? "";
        }

        // §5.5 step 3: a non-empty user id must have a secret; an empty one stores an anonymous event.
        foreach (var p in batch)
        {
            if (!salts.TryGetValue(p.Event.AccountId, out var salt))
            {
                p.Error = new UnknownAccountException(p.Event.AccountId);
                continue;
            }
            if (p.Event.UserId.Length == 0) continue;
            try
            {
                p.SecretId = SecretIds.Hash(p.Event.UserId, salt);
            }
            catch (FormatException e)
            {
                p.Error = new StoreException("persistence: account has an unreadable user salt", e);
            }
        }
        var wanted = batch.Where(p => p.Error is null && p.SecretId is not null).Select(p => p.SecretId!)
            .Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Count > 0)
        {
            // FOR SHARE: a concurrent re-association (parking) of one of these secrets waits until this commits.
            var known = (await s.QueryChunkedAsync<string>(_q.SecretsExistForShare, wanted)).ToHashSet(StringComparer.Ordinal);
            foreach (var p in batch)
            {
                if (p.Error is null && p.SecretId is not null && !known.Contains(p.SecretId)) p.Error = new UnknownSecretException();
            }
        }

        if (!isolateFailures && batch.FirstOrDefault(p => p.Error is not null) is { Error: { } first }) throw first;

        // §5.5 step 4: sequences are made now, after the event ids and in commit order of this writer.
        var valid = batch.Where(p => p.Error is null).ToList();
        if (valid.Count == 0) return;
        foreach (var p in valid) p.Sequence = Ulids.New();
        await s.StepAsync("insert:validated");
        await InsertValidatedAsync(s, valid, isolateFailures);
        await DropRollupsReachingAsync(s, valid.Where(p => p.Error is null).ToList());
    }

    private static async Task InsertValidatedAsync(Session s, List<PendingInsert> valid, bool isolateFailures)
    {
        if (isolateFailures && s.Sql.Kind == Dialect.Sqlite)
        {
            // On SQLite the only row a batch can reject is a duplicate id (no other constraints, no strict types).
            // DO NOTHING plus the change count isolates it without a savepoint: a savepoint would make SQLite copy
            // every page it touches into a statement journal, which halved the group commit's throughput.
            var changed = await s.InsertEachAsync("events", Queries.EventColumns, valid.Select(Row).ToList(), " ON CONFLICT (event_id) DO NOTHING");
            for (var i = 0; i < valid.Count; i++)
            {
                if (changed[i] == 0) valid[i].Error = new StoreException("persistence: an event with this id already exists");
            }
            return;
        }
        if (!isolateFailures || valid.Count == 1)
        {
            await s.InsertRowsAsync("events", Queries.EventColumns, valid.Select(Row).ToList());
            return;
        }
        try
        {
            await s.SavepointAsync("batch");
            await s.InsertRowsAsync("events", Queries.EventColumns, valid.Select(Row).ToList());
            await s.ReleaseAsync("batch");
        }
        catch (DbException)
        {
            // One row was rejected (e.g. a duplicate event id): retry one by one so only that caller fails.
            await s.RollbackToAsync("batch");
            foreach (var p in valid)
            {
                try
                {
                    await s.SavepointAsync("one");
                    await s.InsertRowsAsync("events", Queries.EventColumns, [Row(p)]);
                    await s.ReleaseAsync("one");
                }
                catch (DbException e)
                {
                    await s.RollbackToAsync("one");
                    p.Error = e;
                }
            }
        }

        static object?[] Row(PendingInsert p) => [p.EventId, p.Sequence, p.Event.AccountId, p.SecretId, p.Event.Payload];
    }

    /// <summary>
    /// A rollup (docs/adr/0005-shared-caches.md) must count exactly the events of its range. New ids are the time of
    /// receipt, so they land after every rollup the client could build, except a rollup that reaches up to the
    /// present (or beyond) and the demo's backdated ids: such rollups go, in the inserting transaction. With
    /// idx_rollups_account_id_last_event_id the usual case is one empty index range per batch.
    /// </summary>
    private async Task DropRollupsReachingAsync(Session s, List<PendingInsert> inserted)
    {
        if (inserted.Count == 0) return;
        string minId = inserted[0].EventId, maxId = minId;
        foreach (var p in inserted)
        {
            if (string.CompareOrdinal(p.EventId, minId) < 0) minId = p.EventId;
            if (string.CompareOrdinal(p.EventId, maxId) > 0) maxId = p.EventId;
        }
        var accounts = inserted.Select(p => p.Event.AccountId).Distinct(StringComparer.Ordinal).ToList();
        await s.ExecuteChunkedAsync(_q.DeleteRollupsReachingIds, accounts, new { minId, maxId });
    }

    /// <summary>
    /// server.md §5.6, in ONE transaction (the secret insert of step 4 included, so an exchange is all or nothing):
    /// if the user already has a secret, their events are "parked" under a random secret id with sibling ids, the
    /// old ids get tombstones, and the new secret replaces the old one.
    /// </summary>
    public Task AssociateUserSecretAsync(string accountId, string userId, string encryptedSecret, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(encryptedSecret);
        return WriteAsync(async s =>
        {
            // FOR SHARE: a concurrent write of the account's shared caches (which locks this row FOR UPDATE) either
            // commits first, so the deletes below see it, or waits and then sees the tombstones.
            var account = await s.QuerySingleOrDefaultAsync<AccountRow>(_q.AccountByIdForShare, new { id = accountId });
            if (account is null || Values.Bool(account.Retired)) throw new UnknownAccountException(accountId);
            var salt = account.UserSalt ?? "";
            var hash = SecretIds.Hash(userId, salt);

            // FOR UPDATE: concurrent exchanges and event inserts for this user queue behind this transaction.
            var existing = await s.QuerySingleOrDefaultAsync<SecretRow>(_q.SecretForUpdate, new { id = hash });
            if (existing is not null)
            {
                var parkedHash = SecretIds.Hash(Guid.NewGuid().ToString(), salt);
                await s.ExecuteAsync(_q.InsertSecret, new { SecretId = parkedHash, EncryptedSecret = existing.EncryptedSecret ?? "" });
                var seq = Ulids.New();
                var events = await s.QueryAsync<EventRow>(_q.EventsOfSecret, new { id = hash });
                // Copies keep the millisecond of their original id (Ulids.Sibling), so the operator's data keeps its time.
                var copies = events
                    .Select(e => new object?[] { Ulids.IsValid(e.EventId) ? Ulids.Sibling(e.EventId!) : Ulids.New(), seq, e.AccountId, parkedHash, e.Payload })
                    .ToList();
                await s.InsertRowsAsync("events", Queries.EventColumns, copies);
                await s.ExecuteAsync(_q.TombstoneEventsOfSecret, new { id = hash, seq });
                // Shared caches (ADR 0005): rollups holding an old id or a copy, and the old hash's cached secret,
                // which the visitor's new secret is about to reuse.
                await DropRollupsHoldingAsync(s, seq, parkedIn: accountId);
                await s.StepAsync("park:copied");
                // Rows that point at the secret go first, so upstream databases with foreign keys accept the order.
                await s.ExecuteAsync(_q.DeleteEventsOfSecret, new { id = hash });
                await s.ExecuteAsync(_q.DeleteSecret, new { id = hash });
                await s.ExecuteAsync(_q.DeleteCachedSecretOfAccount, new { account = accountId, id = hash });
            }
            await s.ExecuteAsync(_q.UpsertSecret, new { SecretId = hash, EncryptedSecret = encryptedSecret });
        }, ct);
    }

    /// <summary>server.md §5.7 user query: the user's events in every account (retired included, §11.9).</summary>
    public Task<UserEventsResult> GetUserEventsAsync(string userId, string? since, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return ReadAsync(async s =>
        {
            var hashes = UserHashes(await s.QueryAsync<AccountSaltRow>(_q.AccountSalts), userId);
            var byAccount = new Dictionary<string, List<EventRecord>>(StringComparer.Ordinal);
            string? max = null;
            var deleted = new List<string>();
            if (hashes.Count > 0)
            {
                var rows = since is null
                    ? await s.QueryChunkedAsync<EventRow>(_q.EventsOfSecrets, hashes)
                    : await s.QueryChunkedAsync<EventRow>(_q.EventsOfSecretsSince, hashes, new { since });
                foreach (var e in rows.Select(r => r.ToRecord()).OrderBy(e => e.EventId, StringComparer.Ordinal))
                {
                    if (!byAccount.TryGetValue(e.AccountId, out var list)) byAccount[e.AccountId] = list = [];
                    list.Add(e);
                    max = Max(max, e.Sequence);
                }
                if (since is not null)
                {
                    foreach (var t in await s.QueryChunkedAsync<TombstoneRow>(_q.TombstonesOfSecretsSince, hashes, new { since }))
                    {
                        deleted.Add(t.EventId ?? "");
                        max = Max(max, t.Sequence);
                    }
                }
            }
            return new UserEventsResult(
                byAccount.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<EventRecord>)kv.Value, StringComparer.Ordinal),
                deleted, max);
        }, snapshot: true, ct);
    }

    /// <summary>
    /// server.md §5.7 account query with README D3: events with <c>sequence &gt; since</c>, read in pages, the
    /// tombstones after <c>since</c> and the secrets of the returned events only. Null for an unknown account.
    /// </summary>
    public Task<AccountEventsResult?> GetAccountEventsAsync(string accountId, string? since, CancellationToken ct = default) =>
        GetAccountEventsAsync(accountId, since, limit: null, ct);

    /// <summary>
    /// The account query with our optional <paramref name="limit"/> (not upstream's: its clients never send it),
    /// so a vault can fetch an account too big for one response body in pages. With a limit, at most about
    /// <paramref name="limit"/> events are returned in (sequence, event_id) order, read on past it until the
    /// sequence changes: events that share a sequence (a parked secret's copies, server.md §5.6) must come in one
    /// page, or the next page's <c>since</c> would skip the rest of them. When more events remain (the page is
    /// cut), <see cref="AccountEventsResult.Sequence"/> is the last returned event's sequence and only the
    /// tombstones up to it are returned (later ones come with a later page); otherwise the result is exactly the
    /// one without a limit.
    /// </summary>
    public Task<AccountEventsResult?> GetAccountEventsAsync(string accountId, string? since, int? limit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        if (limit is < 1) throw new ArgumentOutOfRangeException(nameof(limit), "limit must be positive");
        var pageSize = Math.Max(500, _options.AccountQueryPageSize);
        return ReadAsync(async s =>
        {
            var account = await s.QuerySingleOrDefaultAsync<AccountRow>(_q.AccountById, new { id = accountId });
            if (account is null) return null;
            var events = new List<EventRecord>();
            string? max = null;
            EventRow? last = null;
            var cut = false;
            var wanted = limit ?? int.MaxValue;
            while (!cut)
            {
                // Below the limit, read one row more than it needs: that row tells whether the page is cut.
                var take = events.Count < wanted ? (int)Math.Min(pageSize, (long)wanted - events.Count + 1) : pageSize;
                var page = last is not null
                    ? await s.QueryAsync<EventRow>(_q.AccountEventsNextPage, new { id = accountId, afterSequence = last.Sequence, afterId = last.EventId, limit = take })
                    : since is null
                        ? await s.QueryAsync<EventRow>(_q.AccountEventsFirstPage, new { id = accountId, limit = take })
                        : await s.QueryAsync<EventRow>(_q.AccountEventsFirstPageSince, new { id = accountId, since, limit = take });
                foreach (var r in page)
                {
                    var e = r.ToRecord();
                    // Cut only where the sequence changes; never after an empty sequence, which as a `since` would
                    // mean "from the start" to the client.
                    if (events.Count >= wanted && events[^1].Sequence.Length > 0
                        && !string.Equals(e.Sequence, events[^1].Sequence, StringComparison.Ordinal))
                    {
                        cut = true;
                        break;
                    }
                    events.Add(e);
                    max = Max(max, e.Sequence);
                }
                if (page.Count < take) break;
                last = page[^1];
            }
            if (cut) max = events[^1].Sequence;
            var deleted = new List<string>();
            if (since is not null)
            {
                var tombstones = cut
                    ? await s.QueryAsync<TombstoneRow>(_q.TombstonesOfAccountBetween, new { id = accountId, since, until = events[^1].Sequence })
                    : await s.QueryAsync<TombstoneRow>(_q.TombstonesOfAccountSince, new { id = accountId, since });
                foreach (var t in tombstones)
                {
                    deleted.Add(t.EventId ?? "");
                    max = Max(max, t.Sequence);
                }
            }
            // §11.10: only the secrets the returned events refer to.
            var secretIds = events.Where(e => e.SecretId is not null).Select(e => e.SecretId!).Distinct(StringComparer.Ordinal).ToList();
            var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var row in await s.QueryChunkedAsync<SecretRow>(_q.SecretsByIds, secretIds))
            {
                if (row.SecretId is not null) secrets[row.SecretId] = row.EncryptedSecret ?? "";
            }
            return new AccountEventsResult(account.ToRecord(), events, deleted, max, secrets);
        }, snapshot: true, ct);
    }

    /// <summary>
    /// The account query's "uncovered" mode (our extension, docs/adr/0005-shared-caches.md), in one snapshot: the
    /// account (null when unknown; a retired one is returned as by <see cref="GetAccountEventsAsync(string, string?, int?, CancellationToken)"/>),
    /// its rollups' metadata by first event id, the latest sequence of its events and tombstones, and the events that
    /// lie in no rollup range and after <paramref name="after"/>, in event id order, at most <paramref name="limit"/>
    /// (all without one), with the secrets of those events only. The events are read as primary-key ranges between
    /// the rollups, never inside one: a rollup covers <c>first &lt;= event_id &lt;= last</c> by the same comparison the
    /// rollup count uses, so the ranges here are <c>last &lt; event_id &lt; next first</c>.
    /// </summary>
    /// <param name="after">a canonical ULID (<see cref="Ulids.IsCanonical"/>) or null.</param>
    public Task<UncoveredEventsResult?> GetUncoveredEventsAsync(string accountId, string? after, int? limit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        if (after is not null && !Ulids.IsCanonical(after)) throw new ArgumentException("after must be a canonical ULID", nameof(after));
        if (limit is < 1 or int.MaxValue) throw new ArgumentOutOfRangeException(nameof(limit), "limit must be positive and less than int.MaxValue");
        return ReadAsync(async s =>
        {
            var account = await s.QuerySingleOrDefaultAsync<AccountRow>(_q.AccountById, new { id = accountId });
            if (account is null) return null;
            var rollups = (await s.QueryAsync<RollupRow>(_q.RollupsOfAccount, new { id = accountId })).Select(r => r.ToRecord()).ToList();
            var sequence = Max(
                Max(null, await s.ScalarAsync<string?>(_q.MaxEventSequenceOfAccount, new { id = accountId })),
                await s.ScalarAsync<string?>(_q.MaxTombstoneSequenceOfAccount, new { id = accountId }));

            var ranges = UncoveredRanges(rollups, after).ToList();
            // PostgreSQL and MySQL choose by their statistics: the primary key's ranges for an account with a large
            // share of the events, the account's entries of idx_events_account_id_sequence for a small one. SQLite has
            // none, so the choice is made here: the account's index entries when reading them for every range costs
            // less than a fixed budget, otherwise the key's ranges (which also pass other accounts' events in them).
            var alongKey = true;
            if (_sql.Kind == Dialect.Sqlite)
            {
                var cap = Math.Max(1, _options.SqliteUncoveredIndexBudget / ranges.Count);
                alongKey = await s.ScalarAsync<long>(_q.EventsOfAccountUpTo, new { id = accountId, cap }) >= cap;
            }

            // One query per range for all that the page still lacks, not in chunks: a range served from the account's
            // index entries would read them all again for every chunk. One row more than the limit tells whether more
            // follow.
            var wanted = limit is { } l ? l + 1 : int.MaxValue;
            var events = new List<EventRecord>();
            foreach (var (lo, hi) in ranges)
            {
                var page = await s.QueryAsync<EventRow>(_q.EventsBetweenIds(lo, hi, alongKey), new { id = accountId, lo, hi, limit = wanted - events.Count });
                events.AddRange(page.Select(r => r.ToRecord()));
                if (events.Count >= wanted) break;
            }
            string? next = null;
            if (limit is { } max && events.Count > max)
            {
                events.RemoveRange(max, events.Count - max);
                next = events[^1].EventId;
            }

            // §11.10: only the secrets the returned events refer to.
            var secretIds = events.Where(e => e.SecretId is not null).Select(e => e.SecretId!).Distinct(StringComparer.Ordinal).ToList();
            var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var row in await s.QueryChunkedAsync<SecretRow>(_q.SecretsByIds, secretIds))
            {
                if (row.SecretId is not null) secrets[row.SecretId] = row.EncryptedSecret ?? "";
            }
            return new UncoveredEventsResult(account.ToRecord(), rollups, events, sequence, secrets, next);
        }, snapshot: true, ct);
    }

    /// <summary>
    /// The open id ranges <c>(lo, hi)</c> (either bound null: unbounded) after <paramref name="after"/> that no rollup
    /// holds, ascending: the complement of the rollups' closed ranges. Rollups do not overlap (PUT refuses it), but an
    /// overlap would only merge ranges. Rollup bounds and <paramref name="after"/> are canonical ULIDs, which order the
    /// same ordinally as under any collation the database compares event ids with.
    /// </summary>
    internal static IEnumerable<(string? Lo, string? Hi)> UncoveredRanges(IEnumerable<RollupRecord> rollups, string? after)
    {
        var lo = after;
        foreach (var r in rollups.OrderBy(r => r.FirstEventId, StringComparer.Ordinal))
        {
            // Ends at or before what is already passed: nothing new.
            if (lo is not null && string.CompareOrdinal(r.LastEventId, lo) <= 0) continue;
            if (lo is null || string.CompareOrdinal(r.FirstEventId, lo) > 0) yield return (lo, r.FirstEventId);
            lo = r.LastEventId;
        }
        yield return (lo, null);
    }

    /// <summary>server.md §5.8 purge: tombstones then deletes every event of the user in every account, in one transaction.</summary>
    public Task PurgeAsync(string userId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return WriteAsync(async s =>
        {
            var seq = Ulids.New();
            // FOR SHARE on every account row: shared-cache writers lock their account FOR UPDATE (ADR 0005).
            var hashes = UserHashes(await s.QueryAsync<AccountSaltRow>(_q.AccountSaltsForShare), userId);
            if (hashes.Count == 0) return;
            // Lock the user's secrets so no event insert for them lands between tombstoning and deleting.
            await s.QueryChunkedAsync<string>(_q.SecretsLockForUpdate, hashes);
            await s.ExecuteChunkedAsync(_q.TombstoneEventsOfSecrets, hashes, new { seq });
            await DropRollupsHoldingAsync(s, seq);
            await s.StepAsync("purge:tombstoned");
            await s.ExecuteChunkedAsync(_q.DeleteEventsOfSecrets, hashes);
            await s.ExecuteChunkedAsync(_q.DeleteCachedSecretsOfSecrets, hashes);
        }, ct);
    }

    /// <summary>
    /// server.md §5.8 expiry plus README D4, in one transaction: events whose id (receipt time) is older than the
    /// retention get tombstones and are deleted; tombstones whose sequence is older than the retention are pruned.
    /// Returns the number of events deleted.
    /// </summary>
    public Task<int> ExpireAsync(TimeSpan retention, CancellationToken ct = default) =>
        WriteAsync(async s =>
        {
            var deadline = Ulids.NewFor(DateTimeOffset.UtcNow - retention);
            // FOR SHARE on every account row: shared-cache writers lock their account FOR UPDATE (ADR 0005).
            await s.QueryAsync<AccountSaltRow>(_q.AccountSaltsForShare);
            // Prune first: the tombstones written below carry a sequence of now, which must survive this run.
            await s.ExecuteAsync(_q.DeleteExpiredTombstones, new { deadline });
            var seq = Ulids.New();
            await s.ExecuteAsync(_q.TombstoneExpiredEvents, new { deadline, seq });
            var accounts = await DropRollupsHoldingAsync(s, seq);
            await s.StepAsync("expire:tombstoned");
            var deleted = await s.ExecuteAsync(_q.DeleteExpiredEvents, new { deadline });
            // Visitors left without events in an account lose their cached secret there.
            if (deleted > 0) await DropCachedSecretsLeftWithoutEventsAsync(s, seq, accounts);
            return deleted;
        }, ct);

    /// <summary>hash(userId, salt) for every account (server.md §5.7 step 2); accounts with an unreadable salt cannot hold the user's events.</summary>
    private static List<string> UserHashes(IEnumerable<AccountSaltRow> accounts, string userId)
    {
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in accounts)
        {
            try
            {
                hashes.Add(SecretIds.Hash(userId, a.UserSalt ?? ""));
            }
            catch (FormatException)
            {
                // skip: no event can have been stored under a salt that does not decode
            }
        }
        return [.. hashes];
    }

    /// <summary>server.md §5.7: the latest sequence is the ordinal (lexicographic) maximum.</summary>
    private static string? Max(string? current, string? candidate) =>
        string.IsNullOrEmpty(candidate) ? current
        : current is null || string.CompareOrdinal(candidate, current) > 0 ? candidate
        : current;
}
