using System.CommandLine;
using CxrVL.Runtime;

namespace CxrVL.Cli.Infrastructure;

/// <summary>Options every command accepts: seed, threads and device.</summary>
internal static class GlobalOptions
{
    public static readonly Option<int> Seed = new("--seed")
    {
        Description = "Seed for the .NET and torch random generators.",
        DefaultValueFactory = _ => 0,
        Recursive = true,
    };

    public static readonly Option<int?> Threads = new("--threads")
    {
        Description = "Intra-op threads for torch (default: one per core).",
        Recursive = true,
    };

    public static readonly Option<string> Device = new("--device")
    {
        Description = "cpu, cuda or cuda:N.",
        DefaultValueFactory = _ => "cpu",
        Recursive = true,
    };

    public static RuntimeOptions Read(ParseResult result) =>
        new(result.GetValue(Seed), result.GetValue(Threads), result.GetValue(Device) ?? "cpu");
}
