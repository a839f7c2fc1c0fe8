using Offen.Hosting;
using Offen.Persistence;

namespace Offen.Jobs;

/// <summary>
/// server.md §5.8: expire events older than the retention period at start and then hourly. D4: a failed run is
/// logged and the job keeps running (upstream stops).
/// </summary>
public sealed class ExpiryJob(OffenStore store, ServerSettings settings, TimeProvider time, ILogger<ExpiryJob> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var removed = await store.ExpireAsync(settings.Retention, stoppingToken);
                log.LogInformation("Expired events removed={Removed}", removed);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogError("Expiring events failed, will retry in {Interval}: {Type}: {Message}", Interval, e.GetType().Name, e.Message);
            }
            try { await Task.Delay(Interval, time, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}
