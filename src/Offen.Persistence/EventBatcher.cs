using System.Threading.Channels;

namespace Offen.Persistence;

/// <summary>One event waiting for the group commit.</summary>
internal sealed class PendingInsert(NewEvent e, string eventId, CancellationToken ct)
{
    public NewEvent Event { get; } = e;

    public string EventId { get; } = eventId;

    public CancellationToken Cancellation { get; } = ct;

    public TaskCompletionSource<string> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string? SecretId { get; set; }

    public string Sequence { get; set; } = "";

    /// <summary>This event's own failure (unknown account or secret, a rejected row); the rest of the batch still commits.</summary>
    public Exception? Error { get; set; }
}

/// <summary>
/// Group commit for POST /api/events: callers queue their event and wait; one background writer takes everything
/// that is waiting (up to the batch size) into one transaction and completes each caller only after COMMIT, so
/// "201" still means "committed" while one fsync serves many requests. No linger: batches grow by themselves
/// while the previous commit is in flight.
/// </summary>
internal sealed class EventBatcher : IAsyncDisposable
{
    private readonly Channel<PendingInsert> _queue =
        Channel.CreateUnbounded<PendingInsert>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Func<List<PendingInsert>, Task> _commit;
    private readonly int _maxBatch;
    private readonly Task _loop;
    private int _lastBatch;

    /// <param name="commit">Validates and inserts a batch in one transaction, setting <see cref="PendingInsert.Error"/>
    /// per event; returns after COMMIT or throws when the transaction as a whole failed.</param>
    public EventBatcher(Func<List<PendingInsert>, Task> commit, int maxBatch)
    {
        _commit = commit;
        _maxBatch = maxBatch;
        _loop = Task.Run(LoopAsync);
    }

    public Task<string> EnqueueAsync(NewEvent e, string eventId, CancellationToken ct)
    {
        var p = new PendingInsert(e, eventId, ct);
        if (!_queue.Writer.TryWrite(p)) throw new ObjectDisposedException(nameof(OffenStore));
        return p.Completion.Task;
    }

    private async Task LoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingInsert>(_maxBatch);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _maxBatch && reader.TryRead(out var p))
            {
                // A caller that gave up before its turn is not written (it never got an answer either way).
                if (p.Cancellation.IsCancellationRequested) p.Completion.TrySetCanceled(p.Cancellation);
                else batch.Add(p);
            }
            if (batch.Count == 0) continue;
            if (batch.Count < _maxBatch && batch.Count * 4 < _lastBatch)
            {
                // Under load, the callers just answered are about to send their next events: a short wait makes
                // one full batch (one commit) out of what would otherwise be a tiny batch and a big one.
                await Task.Delay(1).ConfigureAwait(false);
                while (batch.Count < _maxBatch && reader.TryRead(out var p))
                {
                    if (p.Cancellation.IsCancellationRequested) p.Completion.TrySetCanceled(p.Cancellation);
                    else batch.Add(p);
                }
            }
            _lastBatch = batch.Count;
            try
            {
                await _commit(batch).ConfigureAwait(false);
                foreach (var p in batch)
                {
                    if (p.Error is { } error) p.Completion.TrySetException(error);
                    else p.Completion.TrySetResult(p.EventId);
                }
            }
            catch (Exception e)
            {
                // The transaction itself failed (database down, disk full, ...): nobody's event was committed. Events
                // that had failed validation keep their own error (e.g. unknown secret -> 400, not 500).
                foreach (var p in batch) p.Completion.TrySetException(p.Error ?? e);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }
}
