using System.Reflection;
using Offen.Configuration;

namespace Offen.Cli;

/// <summary>`offen [serve|setup|demo|migrate|expire|secret|version|debug]` (server.md §9.4). No subcommand means serve.</summary>
public static class Commands
{
    public static string Revision =>
        typeof(Commands).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "Revision")?.Value ?? "";

    public const string Usage = """
Usage: offen [command] [flags]

Commands:
  serve     run the server (the default when no command is given)
  setup     create the first account and user (-name, -email, -password, -source, -populate, -force, -forceid)
  demo      run a demo on a temporary SQLite database with generated data (-port, -users)
  migrate   apply database migrations
  expire    remove events older than the retention period
  secret    print random secrets for OFFEN_SECRET (-length, -count, -quiet)
  version   print the build revision
  debug     print the resolved configuration (passwords masked)

Every command that reads the configuration takes -envfile <path>; see docs/configuration.md.
""";

    public static async Task<int> RunAsync(string[] args)
    {
        var command = args.Length == 0 || args[0].StartsWith('-') ? "serve" : args[0];
        var rest = args.Length == 0 ? [] : args[0].StartsWith('-') ? args : args[1..];
        if (args.Length > 0 && args[0] is "-h" or "-help" or "--help" or "help")
        {
            Console.Out.WriteLine(Usage);
            Console.Out.WriteLine(ConfigHelp.Text);
            return 0;
        }
        try
        {
            return command switch
            {
                "serve" => await ServeCommand.RunAsync(rest),
                "setup" => await SetupCommand.RunAsync(rest),
                "demo" => await DemoCommand.RunAsync(rest),
                "migrate" => await StoreCommands.MigrateAsync(rest),
                "expire" => await StoreCommands.ExpireAsync(rest),
                "secret" => SecretCommand.Run(rest),
                "version" => Version(),
                "debug" => Debug(rest),
                _ => UnknownCommand(command),
            };
        }
        catch (CliException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine($"offen {command}: configuration error: {e.Message}");
            return 1;
        }
    }

    private static int UnknownCommand(string command)
    {
        Console.Error.WriteLine($"offen: unknown command \"{command}\"");
        Console.Error.WriteLine(Usage);
        return 1;
    }

    private static int Version()
    {
        CliLog.Info("Binary built using", ("revision", Revision));
        return 0;
    }

    private static int Debug(string[] args)
    {
        var flags = new Flags("debug").String("envfile", null, "set the location of the env file to use");
        flags.Parse(args);
        var config = ConfigLoader.FromProcess(flags.Get("envfile"));
        Console.Error.WriteLine(ConfigDebug.ToJson(config));
        return 0;
    }
}
