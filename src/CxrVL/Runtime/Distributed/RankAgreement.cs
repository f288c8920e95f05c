using System.Security.Cryptography;
using System.Text;
using static TorchSharp.torch;

namespace CxrVL.Runtime.Distributed;

/// <summary>Checks at the start of a job that every rank was given the same configuration.</summary>
public static class RankAgreement
{
    /// <summary>
    /// Compares a hash of <paramref name="text"/> (the resolved configuration, seed, data and resume paths) across ranks;
    /// every rank throws the same error naming the ranks that differ from rank 0.
    /// </summary>
    public static void Ensure(IDistributedContext context, string text, string what = "configuration")
    {
        if (context.WorldSize == 1)
            return;
        var hash = BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0);
        using var local = tensor(new[] { hash }, ScalarType.Int64);
        var gathered = context.AllGather(local);
        using var all = gathered.All;
        var hashes = all.data<long>().ToArray();
        var differing = Enumerable.Range(1, hashes.Length - 1).Where(r => hashes[r] != hashes[0]).ToList();
        if (differing.Count > 0)
            throw new CxrVLException($"the ranks disagree on the {what}: rank{(differing.Count > 1 ? "s" : "")} {string.Join(", ", differing)} " +
                                     $"differ{(differing.Count > 1 ? "" : "s")} from rank 0. Start every rank with the same command line (--config, --set, --seed, --data, --resume) " +
                                     "and the same recipe files.");
    }
}
