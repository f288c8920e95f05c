namespace CxrVL.Bench;

/// <summary>One benchmark, run as <c>dotnet run -c Release --project bench/CxrVL.Bench -- NAME [options]</c>.</summary>
internal interface IBenchmark
{
    string Name { get; }

    string Description { get; }

    /// <summary>Runs and prints one result line per measured variant; returns the exit code.</summary>
    int Run(IReadOnlyList<string> arguments, TextWriter output);
}
