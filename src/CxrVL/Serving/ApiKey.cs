using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace CxrVL.Serving;

/// <summary>
/// The key callers send as <c>X-Api-Key</c>, read from <c>--api-key-file</c>. The service may run without one only on a
/// loopback address, where no other machine can reach it.
/// </summary>
public sealed class ApiKey
{
    public const string Header = "X-Api-Key";

    private readonly byte[] _hash;

    private ApiKey(string key) => _hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>The key of <see cref="ServeOptions.ApiKeyFile"/>, or null on loopback without one; off loopback a key is required.</summary>
    public static ApiKey? Load(ServeOptions options)
    {
        if (options.ApiKeyFile is null)
        {
            return IsLoopback(options.Host) ? null
                : throw new CxrVLException($"--host {options.Host} is reachable from other machines: give --api-key-file FILE (a file holding the key callers send as {Header}), or serve on 127.0.0.1.");
        }
        if (!File.Exists(options.ApiKeyFile))
            throw new CxrVLException($"--api-key-file '{options.ApiKeyFile}' does not exist.");
        var key = File.ReadAllText(options.ApiKeyFile).Trim();
        return key.Length >= 16 ? new ApiKey(key)
            : throw new CxrVLException($"--api-key-file '{options.ApiKeyFile}' holds a key of {key.Length} characters; use at least 16 (e.g. openssl rand -hex 32).");
    }

    /// <summary>Compares in constant time (both sides hashed first, so the length leaks nothing either).</summary>
    public bool Matches(string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(_hash, SHA256.HashData(Encoding.UTF8.GetBytes(presented)));

    public static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}
