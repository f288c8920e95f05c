namespace CxrVL.Bench;

/// <summary>One benchmark, run by name: <c>dotnet run -c Release --project bench/CxrVL.Bench -- NAME [options]</c>.</summary>
public interface IBenchmark
{
    string Name { get; }

    string Description { get; }

    /// <summary>Runs with the remaining arguments; prints a human summary and one JSON result line; returns the exit code.</summary>
    int Run(IReadOnlyList<string> arguments);
}
