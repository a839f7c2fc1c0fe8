using System.Collections.Concurrent;
using Offen.Persistence.Tests.Infrastructure;

namespace Offen.Persistence.Tests;

/// <summary>server.md §5.5 and the group commit.</summary>
public sealed class EventInsertTests
{
    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task InsertEvent_KnownUser_StoresRowWithSecretIdAndLaterSequence(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var account = await db.Store.AccountAsync();
        await db.Store.ExchangeAsync(account, "user-1");

        var before = Ulids.New();
        var id = await db.Store.EventAsync(account, "user-1", "cipher");

        Assert.True(Ulids.IsValid(id));
        Assert.True(string.CompareOrdinal(id, before) > 0);
        var row = Assert.Single(await db.QueryAsync<(string EventId, string Sequence, string AccountId, string SecretId, string Payload)>(
            "SELECT event_id, sequence, account_id, secret_id, payload FROM events"));
        Assert.Equal(id, row.EventId);
        Assert.True(string.CompareOrdinal(row.Sequence, row.EventId) > 0, "the sequence is made after the event id");
        Assert.Equal(account.AccountId, row.AccountId);
        Assert.Equal(Seed.SecretIdOf(account, "user-1"), row.SecretId);
        Assert.Equal("cipher", row.Payload);
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task InsertEvent_EmptyUserId_StoresAnonymousEventWithoutSecret(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var account = await db.Store.AccountAsync();

        var id = await db.Store.EventAsync(account, "");

        Assert.Equal(1, await db.CountAsync("events", "event_id = @id AND secret_id IS NULL", new { id }));
        var operatorView = await db.Store.GetAccountEventsAsync(account.AccountId, null);
        var e = Assert.Single(operatorView!.Events);
        Assert.Null(e.SecretId);
        Assert.Empty(operatorView.Secrets);
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task InsertEvent_UnknownOrRetiredAccount_ThrowsUnknownAccount(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var retired = await db.Store.AccountAsync(retired: true);

        await Assert.ThrowsAsync<UnknownAccountException>(() => db.Store.InsertEventAsync(new NewEvent(Seed.NewId(), "", "p")));
        await Assert.ThrowsAsync<UnknownAccountException>(() => db.Store.InsertEventAsync(new NewEvent(retired.AccountId, "", "p")));
        Assert.Equal(0, await db.CountAsync("events"));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task InsertEvent_UserWithoutSecret_ThrowsUnknownSecret(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var account = await db.Store.AccountAsync();
        var other = await db.Store.AccountAsync();
        await db.Store.ExchangeAsync(other, "user-1");

        // A secret for the same user in another account does not count: the hash includes the account's salt.
        await Assert.ThrowsAsync<UnknownSecretException>(() => db.Store.EventAsync(account, "user-1"));
        Assert.Equal(0, await db.CountAsync("events"));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task InsertEvent_2000Concurrent_AllValidCommittedExactlyOnce_FailuresIsolated(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var account = await db.Store.AccountAsync();
        var retired = await db.Store.AccountAsync(retired: true);
        for (var u = 0; u < 20; u++) await db.Store.ExchangeAsync(account, $"user-{u}");

        var tasks = new List<(int Kind, Task<string> Task)>();
        for (var i = 0; i < 2000; i++)
        {
            // kind 0: valid user event, 1: anonymous, 2: unknown secret, 3: unknown account, 4: retired account
            var kind = (i % 10) switch { < 6 => 0, < 8 => 1, 8 => 2, _ => i % 20 == 9 ? 3 : 4 };
            var e = kind switch
            {
                0 => new NewEvent(account.AccountId, $"user-{i % 20}", $"payload-{i}"),
                1 => new NewEvent(account.AccountId, "", $"payload-{i}"),
                2 => new NewEvent(account.AccountId, $"stranger-{i}", $"payload-{i}"),
                3 => new NewEvent(Seed.NewId(), "", $"payload-{i}"),
                _ => new NewEvent(retired.AccountId, "", $"payload-{i}"),
            };
            tasks.Add((kind, Task.Run(() => db.Store.InsertEventAsync(e))));
        }
        try
        {
            await Task.WhenAll(tasks.Select(t => t.Task));
        }
        catch
        {
            // inspected one by one below
        }

        var ids = new ConcurrentBag<string>();
        foreach (var (kind, task) in tasks)
        {
            switch (kind)
            {
                case 0 or 1:
                    Assert.True(task.IsCompletedSuccessfully, $"valid insert failed: {task.Exception?.GetBaseException().Message}");
                    ids.Add(await task);
                    break;
                case 2:
                    Assert.IsType<UnknownSecretException>(task.Exception?.GetBaseException());
                    break;
                default:
                    Assert.IsType<UnknownAccountException>(task.Exception?.GetBaseException());
                    break;
            }
        }
        Assert.Equal(1600, ids.Distinct().Count());
        Assert.Equal(1600, await db.CountAsync("events"));
        var stored = (await db.QueryAsync<string>("SELECT event_id FROM events")).ToHashSet();
        Assert.True(stored.SetEquals(ids));
        var payloads = await db.QueryAsync<string>("SELECT payload FROM events");
        Assert.Equal(1600, payloads.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task InsertEvent_DuplicateEventIdAmongConcurrentInserts_FailsOnlyThatCaller(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var account = await db.Store.AccountAsync();
        var existing = await db.Store.EventAsync(account, "");

        var others = Enumerable.Range(0, 50).Select(i => db.Store.InsertEventAsync(new NewEvent(account.AccountId, "", $"p{i}"))).ToList();
        var duplicate = db.Store.InsertEventAsync(new NewEvent(account.AccountId, "", "dup", existing));
        var more = Enumerable.Range(0, 50).Select(i => db.Store.InsertEventAsync(new NewEvent(account.AccountId, "", $"q{i}"))).ToList();

        await Task.WhenAll(others.Concat(more));
        await Assert.ThrowsAnyAsync<Exception>(() => duplicate);
        Assert.Equal(101, await db.CountAsync("events"));
        Assert.Equal(0, await db.CountAsync("events", "payload = 'dup'"));
    }

    [Theory]
    [MemberData(nameof(TestDb.Dialects), MemberType = typeof(TestDb))]
    public async Task InsertEvents_DemoSeeding_KeepsGivenIdsAndIsAllOrNothing(Dialect dialect)
    {
        await using var db = await TestDb.CreateAsync(dialect);
        var account = await db.Store.AccountAsync();
        await db.Store.ExchangeAsync(account, "demo-user");
        var past = DateTimeOffset.UtcNow.AddDays(-3);
        var events = Enumerable.Range(0, 1200)
            .Select(i => new NewEvent(account.AccountId, i % 2 == 0 ? "demo-user" : "", $"p{i}", Ulids.NewFor(past.AddMinutes(i))))
            .ToList();

        await db.Store.InsertEventsAsync(events);

        Assert.Equal(1200, await db.CountAsync("events"));
        var stored = (await db.QueryAsync<string>("SELECT event_id FROM events")).ToHashSet();
        Assert.True(stored.SetEquals(events.Select(e => e.EventId!)));

        var bad = new List<NewEvent>
        {
            new(account.AccountId, "", "fine", Ulids.NewFor(past)),
            new(account.AccountId, "nobody", "no secret", Ulids.NewFor(past)),
        };
        await Assert.ThrowsAsync<UnknownSecretException>(() => db.Store.InsertEventsAsync(bad));
        Assert.Equal(1200, await db.CountAsync("events"));
    }
}
