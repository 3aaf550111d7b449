using System.Net;
using System.Net.Sockets;

namespace Scheduler.Web.Accounts;

/// <summary>The address a client's failed logins are counted under.</summary>
internal static class ClientAddress
{
    /// <summary>
    /// IPv4 as it is; IPv6 by its /64 network, because one host is usually given a whole /64 and could otherwise
    /// count each of its failures under a fresh address.
    /// </summary>
    public static string KeyOf(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
