using System.Security.Cryptography;

namespace CxrVL.Files;

/// <summary>The sha256 of a file, read in a stream (checkpoints are hundreds of megabytes).</summary>
public static class FileHash
{
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
