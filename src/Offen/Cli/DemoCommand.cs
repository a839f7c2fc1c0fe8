using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Offen.Configuration;
using Offen.Crypto;
using Offen.Features.AccountUsers;
using Offen.Hosting;
using Offen.Persistence;

namespace Offen.Cli;

/// <summary>
/// `offen demo [-port 9876] [-users -1]` (server.md §9.5): a temporary SQLite database with one account,
/// the operator demo@offen.dev / demo, and visitors whose events are encrypted exactly as a browser vault does.
/// </summary>
public static class DemoCommand
{
    public const string DemoEmail = "demo@offen.dev";
    public const string DemoPassword = "demo";

    public static async Task<int> RunAsync(string[] args)
    {
        var flags = new Flags("demo")
            .String("port", "9876", "the port to bind to (0 picks a free one)")
            .String("users", "-1", "number of simulated users (-1 picks a random number between 250 and 500)");
        flags.Parse(args);
        var port = flags.GetInt("port");
        var userCount = flags.GetInt("users");
        if (port is < 0 or > 65535) throw new CliException("demo: -port must be between 0 and 65535");
        if (userCount < -1) throw new CliException("demo: -users must be -1 or a non-negative number");
        if (userCount == -1) userCount = Random.Shared.Next(250, 500);

        var config = ConfigLoader.FromProcess(null);
        var dbPath = Path.Combine(Path.GetTempPath(), $"offen-demo-{Guid.NewGuid()}.db");
        var accountId = Guid.NewGuid().ToString();
        await using var store = OffenStore.Open(Dialect.Sqlite, dbPath);
        await store.MigrateAsync();
        var users = new AccountUserService(store, Environment.ProcessorCount);
        var accounts = await users.BootstrapAsync(
            [new BootstrapAccount(accountId, "Demo Account")],
            [new BootstrapUser(DemoEmail, DemoPassword, 1, [accountId], AllowInsecurePassword: true)],
            force: true, CancellationToken.None);

        var settings = Runtime.SettingsFrom(config, demoAccount: accountId) with { Secret = RandomNumberGenerator.GetBytes(16) };
        // A demo with well-known credentials is reachable from this machine only.
        var app = OffenApp.Build(settings, store, Runtime.MailerFrom(config), new ListenOptions(IPAddress.Loopback, port),
            Runtime.LogLevelOf(config.App.LogLevel), runExpiryJob: false);
        await app.StartAsync();
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;

        var events = await SeedAsync(store, accounts[0], userCount, bound, config.App.RetentionPeriod);
        CliLog.Info("Demo data created", ("users", userCount), ("events", events), ("database", dbPath));
        Console.Out.WriteLine($"You can now open the demo at http://localhost:{bound}/intro/ (log in as {DemoEmail} / {DemoPassword})");
        await Console.Out.FlushAsync();
        return await Runtime.RunUntilStoppedAsync(app, started: true);
    }

    private static readonly string[] Pages =
    [
        "/", "/about/", "/blog/", "/imprint/", "/landing-page/", "/landing-page/?utm_source=Example_Source",
        "/landing-page/?utm_campaign=Example_Campaign", "/intro/", "/contact/",
    ];
    private static readonly string[] Referrers = ["https://www.offen.dev", "https://t.co/xyz"];
    private static readonly string[] Countries = ["DE", "FR", "US", "GB", "ES", "PT", "VN", "BR", "IT", "NL", "SE", "JP", "IN", "CA"];

    /// <summary>
    /// Seeds visitors like browsers would: a user secret per visitor, RSA-OAEP-wrapped for the account, and
    /// sessions of pageviews AES-GCM-encrypted with it (clients-and-crypto.md §4.4). Unlike upstream's demo, pages
    /// within a session are seconds apart and carry the previous page as referrer, so the dashboard looks real.
    /// </summary>
    public static async Task<int> SeedAsync(OffenStore store, AccountRecord account, int userCount, int port, TimeSpan retention)
    {
        using var publicKey = Rsa.ImportJwk(account.PublicKey);
        var rnd = Random.Shared;
        var now = DateTimeOffset.UtcNow;
        var batch = new List<NewEvent>();
        var total = 0;
        for (var u = 0; u < userCount; u++)
        {
            var userId = Guid.NewGuid().ToString();
            var key = RandomNumberGenerator.GetBytes(16);
            var jwk = Jwk.UserSecretJwk(key);
            await store.AssociateUserSecretAsync(account.AccountId, userId, Rsa.EncryptOaepSha256Versioned(publicKey, Encoding.UTF8.GetBytes(jwk)));
            var sessions = rnd.Next(1, 4);
            for (var s = 0; s < sessions; s++)
            {
                var sessionId = Guid.NewGuid().ToString();
                var isMobile = rnd.NextDouble() < 0.67;
                var geo = Countries[rnd.Next(Countries.Length)];
                var time = now - TimeSpan.FromSeconds(rnd.NextDouble() * (retention.TotalSeconds - 3600));
                var previous = rnd.NextDouble() < 0.75 ? Referrers[rnd.Next(Referrers.Length)] : "";
                var count = rnd.Next(1, 12);
                for (var e = 0; e < count; e++)
                {
                    var href = $"http://localhost:{port}{Pages[rnd.Next(Pages.Length)]}";
                    var payload = JsonSerializer.Serialize(new DemoEvent("PAGEVIEW", href, geo, previous, rnd.Next(400, 1200), isMobile,
                        time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture), sessionId), DemoJson.Default.DemoEvent);
                    batch.Add(new NewEvent(account.AccountId, userId, Aead.EncryptVersioned(key, Encoding.UTF8.GetBytes(payload)), Ulids.NewFor(time)));
                    previous = href;
                    time += TimeSpan.FromSeconds(rnd.Next(5, 240));
                }
            }
            if (batch.Count >= 2000)
            {
                await store.InsertEventsAsync(batch);
                total += batch.Count;
                batch.Clear();
            }
        }
        if (batch.Count > 0) await store.InsertEventsAsync(batch);
        return total + batch.Count;
    }
}

/// <summary>The event fields of clients-and-crypto.md §2.3, in the order script.js produces them.</summary>
public sealed record DemoEvent(
    [property: System.Text.Json.Serialization.JsonPropertyName("type")] string Type,
    [property: System.Text.Json.Serialization.JsonPropertyName("href")] string Href,
    [property: System.Text.Json.Serialization.JsonPropertyName("geo")] string Geo,
    [property: System.Text.Json.Serialization.JsonPropertyName("referrer")] string Referrer,
    [property: System.Text.Json.Serialization.JsonPropertyName("pageload")] int Pageload,
    [property: System.Text.Json.Serialization.JsonPropertyName("isMobile")] bool IsMobile,
    [property: System.Text.Json.Serialization.JsonPropertyName("timestamp")] string Timestamp,
    [property: System.Text.Json.Serialization.JsonPropertyName("sessionId")] string SessionId);

[System.Text.Json.Serialization.JsonSerializable(typeof(DemoEvent))]
public sealed partial class DemoJson : System.Text.Json.Serialization.JsonSerializerContext;
