using System.Net.Sockets;
using System.Text;

namespace Offen.Hosting;

/// <summary>
/// sd_notify(3) without libsystemd: with Type=notify, systemd passes a datagram socket in NOTIFY_SOCKET and waits
/// for READY=1 before it considers the service started. Without the variable nothing happens.
/// </summary>
public static class SystemdNotify
{
    public static bool Send(string state, string? socketPath = null)
    {
        socketPath ??= Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(socketPath)) return false;
        // A leading '@' names a socket in the abstract namespace.
        var path = socketPath[0] == '@' ? "\0" + socketPath[1..] : socketPath;
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            socket.Send(Encoding.UTF8.GetBytes(state));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
