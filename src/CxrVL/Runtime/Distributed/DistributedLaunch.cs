using System.Globalization;

namespace CxrVL.Runtime.Distributed;

/// <summary>Finds out whether this process is one rank of an <c>mpirun</c> job, from the variables Open MPI's launcher sets.</summary>
public static class DistributedLaunch
{
    /// <summary>Set by Open MPI's mpirun in every rank it starts.</summary>
    public const string WorldSizeVariable = "OMPI_COMM_WORLD_SIZE";

    public const string LocalRankVariable = "OMPI_COMM_WORLD_LOCAL_RANK";

    public const string LocalSizeVariable = "OMPI_COMM_WORLD_LOCAL_SIZE";

    /// <summary>An MPI job of several ranks when started by mpirun with -np 2 or more; otherwise a single process (MPI is not loaded).</summary>
    public static IDistributedContext FromEnvironment()
    {
        var size = Read(WorldSizeVariable);
        if (size is null or <= 1)
            return SingleProcess.Instance;
        return MpiContext.Start(Read(LocalRankVariable) ?? 0, Read(LocalSizeVariable) ?? 1);
    }

    /// <summary>
    /// The device of this rank: a bare <c>cuda</c> means the GPU of the rank's local index (<c>cuda:LocalRank</c>); an
    /// explicit <c>cuda:N</c> or <c>cpu</c> stays as given.
    /// </summary>
    public static string DeviceFor(string device, IDistributedContext ranks) =>
        ranks.WorldSize > 1 && device.Trim().Equals("cuda", StringComparison.OrdinalIgnoreCase) ? $"cuda:{ranks.LocalRank}" : device;

    /// <summary>Torch threads of one rank when not given: the machine's cores shared by the ranks on it.</summary>
    public static int? ThreadsFor(int? threads, IDistributedContext ranks) =>
        threads ?? (ranks.LocalSize > 1 ? Math.Max(1, Environment.ProcessorCount / ranks.LocalSize) : null);

    private static int? Read(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { } text && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}
