using System.Net;
using System.Net.Sockets;

namespace LinxianWorkflow.Server.Application;

/// <summary>The address a per-client limit counts (sign-in failures, public objections).</summary>
public static class ClientAddress
{
    /// <summary>An IPv4 address, or an IPv6 address's /64 (one household's or one host's whole network); "unknown" without one.</summary>
    public static string Key(IPAddress? client)
    {
        if (client is null)
        {
            return "unknown";
        }

        client = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        if (client.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return client.ToString();
        }

        var network = client.GetAddressBytes();
        Array.Clear(network, 8, 8);
        return new IPAddress(network) + "/64";
    }

    /// <summary>The same, from the address as text (what the public use cases carry).</summary>
    public static string Key(string? client) => Key(IPAddress.TryParse(client, out var address) ? address : null);
}
