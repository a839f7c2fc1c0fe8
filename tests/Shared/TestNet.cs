using System.Net;
using System.Net.Sockets;

namespace Offen.Testing;

/// <summary>Network helpers shared by the test projects that start real servers on loopback.</summary>
public static class TestNet
{
    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Polls GET /healthz until it answers 2xx, or throws after <paramref name="timeout"/>.</summary>
    public static async Task WaitHealthyAsync(HttpClient http, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                using var res = await http.GetAsync("/healthz");
                if (res.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the server did not become healthy");
            await Task.Delay(100);
        }
    }
}
