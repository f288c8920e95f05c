using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace CxrVL.Runtime.Distributed;

/// <summary>
/// The ranks of an <c>mpirun</c> job over Open MPI's <c>MPI_COMM_WORLD</c>. Tensors on a GPU are staged through host
/// memory; buffers go to MPI as they are (contiguous tensors, in place). MPI errors return to .NET as
/// <see cref="MpiException"/> instead of aborting inside the library, so a rank that loses its peers says so.
/// </summary>
public sealed unsafe class MpiContext : IDistributedContext
{
    private readonly MpiLibrary _mpi;
    private bool _disposed;

    private MpiContext(MpiLibrary mpi, int localRank, int localSize)
    {
        _mpi = mpi;
        if (!mpi.IsInitialized())
            mpi.InitThread(MpiLibrary.ThreadSerialized);
        mpi.ReturnErrors();
        Rank = mpi.Rank();
        WorldSize = mpi.Size();
        LocalRank = localRank;
        LocalSize = localSize;
    }

    public int Rank { get; }

    public int WorldSize { get; }

    public int LocalRank { get; }

    public int LocalSize { get; }

    /// <summary>Open MPI's version line, e.g. "Open MPI v4.1.4, package: Debian OpenMPI, ...".</summary>
    public string LibraryVersion => _mpi.LibraryVersion();

    /// <summary>Initialises MPI (once per process); the local rank and size come from the launcher's environment.</summary>
    public static MpiContext Start(int localRank, int localSize) => new(MpiLibrary.Load(), localRank, localSize);

    public void AllReduceSum(Tensor tensor)
    {
        var type = tensor.dtype switch
        {
            ScalarType.Float32 => _mpi.Float,
            ScalarType.Float64 => _mpi.Double,
            ScalarType.Int64 => _mpi.Int64,
            ScalarType.Int32 => _mpi.Int32,
            _ => throw new ArgumentException($"all-reduce supports float32, float64, int64 and int32 tensors, not {tensor.dtype}."),
        };
        OnHost(tensor, host =>
        {
            fixed (byte* data = host.bytes)
                _mpi.AllReduceSum(data, Count(host.numel()), type);
        });
    }

    public void Broadcast(Tensor tensor, int root = 0) =>
        OnHost(tensor, host =>
        {
            fixed (byte* data = host.bytes)
                _mpi.Broadcast(data, Count(host.numel() * host.ElementSize), _mpi.Byte, root);
        });

    public GatheredRows AllGather(Tensor local)
    {
        using var scope = NewDisposeScope();
        var host = local.detach().cpu().contiguous();
        var rowBytes = host.shape.Skip(1).Aggregate(host.ElementSize, (a, b) => a * b);
        var rows = new long[WorldSize];
        var mine = host.shape[0];
        fixed (long* all = rows)
            _mpi.AllGather(&mine, 1, _mpi.Int64, all);
        var gathered = empty([rows.Sum(), .. host.shape.Skip(1)], host.dtype);
        if (gathered.numel() > 0)
        {
            var counts = rows.Select(r => Count(r * rowBytes)).ToArray();
            var displacements = new int[WorldSize];
            for (var r = 1; r < WorldSize; r++)
                displacements[r] = Count((long)displacements[r - 1] + counts[r - 1]);
            fixed (byte* source = host.bytes)
            fixed (byte* target = gathered.bytes)
            fixed (int* countPointer = counts)
            fixed (int* displacementPointer = displacements)
                _mpi.AllGatherV(source, counts[Rank], _mpi.Byte, target, countPointer, displacementPointer);
        }
        return new GatheredRows(gathered.to(local.device).MoveToOuterDisposeScope(), rows.Take(Rank).Sum(), mine);
    }

    public void Abort(int exitCode) => _mpi.Abort(exitCode);

    public void Barrier() => _mpi.Barrier();

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (!_mpi.IsFinalized())
            _mpi.Close();
    }

    private static void OnHost(Tensor tensor, Action<Tensor> action)
    {
        if (tensor.device_type == TorchSharp.DeviceType.CPU && tensor.is_contiguous())
        {
            action(tensor);
            return;
        }
        using var host = tensor.detach().cpu().contiguous();
        action(host);
        using var noGrad = no_grad();
        tensor.copy_(host);
    }

    private static int Count(long count) =>
        count <= int.MaxValue ? (int)count : throw new ArgumentException($"MPI counts are 32-bit: {count} elements is too many for one call.");
}
