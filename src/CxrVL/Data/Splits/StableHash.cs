using System.Security.Cryptography;
using System.Text;

namespace CxrVL.Data.Splits;

/// <summary>
/// A seeded hash that is the same on every machine and run (unlike <see cref="string.GetHashCode()"/>), so draws
/// ranked by it are reproducible and do not move when unrelated rows are added.
/// </summary>
internal static class StableHash
{
    public static ulong Of(int seed, string purpose, string key)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}\u001f{purpose}\u001f{key}"), digest);
        return BitConverter.ToUInt64(digest[..8]);
    }
}
