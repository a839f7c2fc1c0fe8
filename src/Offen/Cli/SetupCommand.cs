using Offen.Configuration;
using Offen.Features.Accounts;
using Offen.Features.AccountUsers;
using Offen.Persistence;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Offen.Cli;

/// <summary>`offen setup` (server.md §9.4, §4.3 `-populate`, §5.4 bootstrap).</summary>
public static class SetupCommand
{
    public sealed class SourceFile
    {
        public List<SourceAccount> Accounts { get; set; } = [];
        public List<SourceUser> AccountUsers { get; set; } = [];
    }
    public sealed class SourceAccount { public string Id { get; set; } = ""; public string Name { get; set; } = ""; }
    public sealed class SourceUser
    {
        public string Email { get; set; } = ""; public string Password { get; set; } = "";
        public long AdminLevel { get; set; } public List<string> Accounts { get; set; } = [];
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var flags = new Flags("setup")
            .String("name", null, "the account name")
            .String("email", null, "the email address used for login")
            .String("password", null, "the password used for login (prompted for when not given)")
            .String("envfile", null, "set the location of the env file to use")
            .Bool("populate", "in case required secrets are missing from the configuration, create and persist them in the target env file")
            .Bool("force", "allow setup to delete existing data")
            .String("source", null, "a configuration file (YAML) holding accounts and users")
            .String("forceid", null, "force usage of the given account id");
        flags.Parse(args);

        if (flags.GetBool("populate")) Populate(flags.Get("envfile"));
        var config = ConfigLoader.FromProcess(flags.Get("envfile"));

        List<BootstrapAccount> accounts;
        List<BootstrapUser> users;
        if (flags.Get("source") is { Length: > 0 } source)
        {
            (accounts, users) = ReadSource(source);
        }
        else
        {
            var name = flags.Get("name") ?? "";
            var email = flags.Get("email") ?? "";
            if (name.Length == 0) throw new CliException("setup: -name must not be empty");
            if (email.Length == 0) throw new CliException("setup: -email must not be empty");
            var password = flags.Get("password") ?? PromptPassword();
            if (password.Length == 0) throw new CliException("setup: -password must not be empty");
            var id = flags.Get("forceid") is { Length: > 0 } forced ? forced
                : !string.IsNullOrEmpty(config.App.RootAccount) ? config.App.RootAccount! : Guid.NewGuid().ToString();
            if (!Guid.TryParse(id, out _)) throw new CliException($"setup: account id \"{id}\" is not a UUID");
            accounts = [new BootstrapAccount(id, AccountNames.Sanitize(name))];
            users = [new BootstrapUser(email, password, 1, [id])];
        }

        await using var store = await Runtime.OpenStoreAsync(config);
        try
        {
            await store.MigrateAsync();
            await new AccountUserService(store, config.ArgonNumCpuOverride ?? Environment.ProcessorCount)
                .BootstrapAsync(accounts, users, flags.GetBool("force"), CancellationToken.None);
        }
        catch (Exception e) when (e is AccountUserException or StoreException)
        {
            throw new CliException($"setup: error setting up database: {e.Message}");
        }
        CliLog.Info("Successfully bootstrapped database", ("accounts", accounts.Count), ("users", users.Count));
        foreach (var a in accounts) CliLog.Info("Created account", ("name", a.Name), ("id", a.AccountId));
        return 0;
    }

    private static void Populate(string? envFile)
    {
        var path = envFile ?? EnvFiles.FindInCascade();
        if (path is null || !File.Exists(path))
            throw new CliException("setup: -populate needs an env file; create one (e.g. ./offen.env) or pass -envfile");
        if (EnvFilePopulator.PopulateMissingSecret(path, () => System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)))
            CliLog.Info("Some configuration values were missing: populated missing secrets");
    }

    private static (List<BootstrapAccount>, List<BootstrapUser>) ReadSource(string path)
    {
        SourceFile file;
        try
        {
            var yaml = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).IgnoreUnmatchedProperties().Build();
            file = yaml.Deserialize<SourceFile>(File.ReadAllText(path)) ?? new SourceFile();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or YamlDotNet.Core.YamlException)
        {
            throw new CliException($"setup: error reading source file {path}: {e.Message.Split('\n')[0]}");
        }
        var accounts = file.Accounts.Select(a => new BootstrapAccount(a.Id, AccountNames.Sanitize(a.Name))).ToList();
        var users = file.AccountUsers.Select(u => new BootstrapUser(u.Email, u.Password, u.AdminLevel, u.Accounts)).ToList();
        if (accounts.Count == 0) throw new CliException("setup: source file defines no accounts");
        return (accounts, users);
    }

    private static string PromptPassword()
    {
        if (Console.IsInputRedirected) throw new CliException("setup: -password must be given when standard input is not a terminal");
        Console.Error.Write("Enter password: ");
        var chars = new List<char>();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace) { if (chars.Count > 0) chars.RemoveAt(chars.Count - 1); continue; }
            chars.Add(key.KeyChar);
        }
        Console.Error.WriteLine();
        return new string(chars.ToArray());
    }
}
