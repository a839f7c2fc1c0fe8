using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Offen.Hosting;
using Offen.Mail;
using Offen.Persistence;

namespace Offen.Hostile.Tests;

/// <summary>
/// The same HTTP application as `offen serve` (OffenApp.Build), in this process on 127.0.0.1:0 over a temp SQLite
/// file: for the route table and for focused regression tests that need no process.
/// </summary>
public sealed class InProcessHost : IAsyncDisposable
{
    private readonly DirectoryInfo _dir;
    private readonly OffenStore _store;
    public WebApplication App { get; }
    public IPEndPoint EndPoint { get; }
    public string Authority => $"127.0.0.1:{EndPoint.Port}";

    private InProcessHost(DirectoryInfo dir, OffenStore store, WebApplication app, IPEndPoint endPoint) => (_dir, _store, App, EndPoint) = (dir, store, app, endPoint);

    private sealed class NoMail : IMailer
    {
        public Task SendAsync(MailMessageData message, CancellationToken ct) => Task.CompletedTask;
    }

    public static async Task<InProcessHost> StartAsync()
    {
        var dir = Directory.CreateTempSubdirectory("offen-hostile-inproc-");
        var store = OffenStore.Open(Dialect.Sqlite, Path.Combine(dir.FullName, "offen.db"));
        await store.MigrateAsync();
        var settings = new ServerSettings { Secret = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16), Revision = "test" };
        var app = OffenApp.Build(settings, store, new NoMail(), new ListenOptions(IPAddress.Loopback, 0), LogLevel.Warning, runExpiryJob: false, Stream.Null);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new InProcessHost(dir, store, app, new IPEndPoint(IPAddress.Loopback, address.Port));
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await _store.DisposeAsync();
        try { _dir.Delete(recursive: true); } catch (IOException) { }
    }
}
