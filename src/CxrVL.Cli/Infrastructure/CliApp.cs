using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace CxrVL.Cli.Infrastructure;

/// <summary>Builds the <c>cxrvl</c> command tree from every <see cref="ICliCommand"/> in this assembly and runs it.</summary>
internal static class CliApp
{
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var configuration = new InvocationConfiguration
        {
            Output = output ?? Console.Out,
            Error = error ?? Console.Error,
            EnableDefaultExceptionHandler = false,
        };
        return BuildRoot().Parse(args).Invoke(configuration);
    }

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand(
            "CxrVL: chest X-ray vision-language pretraining, report generation and evaluation (PRIOR, MRM, MedST, XProNet and their peers).");
        root.Options.Add(GlobalOptions.Seed);
        root.Options.Add(GlobalOptions.Threads);
        root.Options.Add(GlobalOptions.Device);
        foreach (var option in root.Options.OfType<VersionOption>())
            option.Action = new PrintVersion();

        var definitions = typeof(CliApp).Assembly.GetTypes()
            .Where(t => typeof(ICliCommand).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (ICliCommand)Activator.CreateInstance(t, nonPublic: true)!)
            .Select(d => (d.Parent, Command: d.Create()))
            .ToList();

        var groups = definitions.Where(d => d.Parent is null).ToDictionary(d => d.Command.Name, d => d.Command);
        foreach (var (parent, command) in definitions.Where(d => d.Parent is not null).OrderBy(d => d.Command.Name, StringComparer.Ordinal))
        {
            if (!groups.TryGetValue(parent!, out var group))
                throw new InvalidOperationException($"command '{command.Name}' names parent '{parent}', which is not a top-level command.");
            group.Subcommands.Add(command);
        }
        foreach (var command in groups.Values.OrderBy(c => c.Name, StringComparer.Ordinal))
            root.Subcommands.Add(command);
        return root;
    }

    public static string Version =>
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>The built-in --version prints the entry assembly's version, which is the test host's under a test runner.</summary>
    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Version);
            return 0;
        }
    }
}
