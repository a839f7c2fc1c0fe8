using Offen.Configuration;

namespace Offen.Cli;

/// <summary>`offen migrate` and `offen expire` (server.md §9.4).</summary>
public static class StoreCommands
{
    public static async Task<int> MigrateAsync(string[] args)
    {
        var flags = new Flags("migrate").String("envfile", null, "set the location of the env file to use");
        flags.Parse(args);
        var config = ConfigLoader.FromProcess(flags.Get("envfile"));
        await using var store = await Runtime.OpenStoreAsync(config);
        try
        {
            await store.MigrateAsync();
        }
        catch (Exception e) when (e is not CliException)
        {
            throw new CliException($"error applying database migrations: {e.Message}");
        }
        CliLog.Info("Successfully applied database migrations");
        return 0;
    }

    public static async Task<int> ExpireAsync(string[] args)
    {
        var flags = new Flags("expire").String("envfile", null, "set the location of the env file to use");
        flags.Parse(args);
        var config = ConfigLoader.FromProcess(flags.Get("envfile"));
        await using var store = await Runtime.OpenStoreAsync(config);
        int removed;
        try
        {
            removed = await store.ExpireAsync(config.App.RetentionPeriod);
        }
        catch (Exception e) when (e is not CliException)
        {
            throw new CliException($"error expiring events: {e.Message}");
        }
        CliLog.Info("Successfully expired events", ("removed", removed));
        return 0;
    }
}
