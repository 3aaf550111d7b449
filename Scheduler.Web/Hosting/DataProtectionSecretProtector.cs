using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Hosting;

/// <summary>
/// Encrypts secret run parameters with ASP.NET Core data protection: the key ring of the dashboard's cookies
/// (<c>Scheduler:DataProtectionKeysPath</c>), under a purpose of its own. Keys roll over every 90 days and old
/// ones stay in the ring, so a value kept before a rollover is still read after it.
/// </summary>
internal sealed class DataProtectionSecretProtector(IDataProtectionProvider provider) : ISecretProtector
{
    private readonly IDataProtector _protector = provider.CreateProtector("Scheduler.SecretValues.v1");

    public byte[] Protect(string value) => _protector.Protect(Encoding.UTF8.GetBytes(value));

    public string Unprotect(byte[] protectedValue) => Encoding.UTF8.GetString(_protector.Unprotect(protectedValue));
}
