using System.Runtime.InteropServices;
using System.Text;

namespace CxrVL.Runtime.Distributed;

/// <summary>
/// The few Open MPI entry points data-parallel training needs, bound at run time with <see cref="NativeLibrary"/>.
/// Open MPI's handles (<c>MPI_COMM_WORLD</c>, <c>MPI_FLOAT</c>, <c>MPI_SUM</c>, ...) are macros for the addresses of
/// global objects (<c>&amp;ompi_mpi_comm_world</c>, ...), so they are the exported symbols' addresses.
/// </summary>
internal sealed unsafe class MpiLibrary
{
    /// <summary>Debian's <c>libopenmpi-dev</c> installs <c>libmpi.so</c>; the runtime package alone has the versioned name.</summary>
    private static readonly string[] Names = ["libmpi.so.40", "libmpi.so", "libmpi"];

    public const int Success = 0;
    public const int ThreadSerialized = 2;
    private const int MaxErrorString = 256;

    private readonly delegate* unmanaged<int*, int> _initialized;
    private readonly delegate* unmanaged<int*, int> _finalized;
    private readonly delegate* unmanaged<int*, byte***, int, int*, int> _initThread;
    private readonly delegate* unmanaged<int> _finalize;
    private readonly delegate* unmanaged<nint, int*, int> _commRank;
    private readonly delegate* unmanaged<nint, int*, int> _commSize;
    private readonly delegate* unmanaged<nint, nint, int> _commSetErrhandler;
    private readonly delegate* unmanaged<void*, void*, int, nint, nint, nint, int> _allreduce;
    private readonly delegate* unmanaged<void*, int, nint, int, nint, int> _bcast;
    private readonly delegate* unmanaged<void*, int, nint, void*, int, nint, nint, int> _allgather;
    private readonly delegate* unmanaged<void*, int, nint, void*, int*, int*, nint, nint, int> _allgatherv;
    private readonly delegate* unmanaged<nint, int> _barrier;
    private readonly delegate* unmanaged<nint, int, int> _abort;
    private readonly delegate* unmanaged<int, byte*, int*, int> _errorString;
    private readonly delegate* unmanaged<byte*, int*, int> _libraryVersion;

    private MpiLibrary(nint handle, string name)
    {
        Name = name;
        nint Symbol(string symbol) => NativeLibrary.TryGetExport(handle, symbol, out var address)
            ? address
            : throw new CxrVLException($"'{name}' lacks {symbol}: it is not an Open MPI 4 library (install Debian's openmpi-bin and libopenmpi-dev).");
        _initialized = (delegate* unmanaged<int*, int>)Symbol("MPI_Initialized");
        _finalized = (delegate* unmanaged<int*, int>)Symbol("MPI_Finalized");
        _initThread = (delegate* unmanaged<int*, byte***, int, int*, int>)Symbol("MPI_Init_thread");
        _finalize = (delegate* unmanaged<int>)Symbol("MPI_Finalize");
        _commRank = (delegate* unmanaged<nint, int*, int>)Symbol("MPI_Comm_rank");
        _commSize = (delegate* unmanaged<nint, int*, int>)Symbol("MPI_Comm_size");
        _commSetErrhandler = (delegate* unmanaged<nint, nint, int>)Symbol("MPI_Comm_set_errhandler");
        _allreduce = (delegate* unmanaged<void*, void*, int, nint, nint, nint, int>)Symbol("MPI_Allreduce");
        _bcast = (delegate* unmanaged<void*, int, nint, int, nint, int>)Symbol("MPI_Bcast");
        _allgather = (delegate* unmanaged<void*, int, nint, void*, int, nint, nint, int>)Symbol("MPI_Allgather");
        _allgatherv = (delegate* unmanaged<void*, int, nint, void*, int*, int*, nint, nint, int>)Symbol("MPI_Allgatherv");
        _barrier = (delegate* unmanaged<nint, int>)Symbol("MPI_Barrier");
        _abort = (delegate* unmanaged<nint, int, int>)Symbol("MPI_Abort");
        _errorString = (delegate* unmanaged<int, byte*, int*, int>)Symbol("MPI_Error_string");
        _libraryVersion = (delegate* unmanaged<byte*, int*, int>)Symbol("MPI_Get_library_version");
        CommWorld = Symbol("ompi_mpi_comm_world");
        Float = Symbol("ompi_mpi_float");
        Double = Symbol("ompi_mpi_double");
        Int64 = Symbol("ompi_mpi_int64_t");
        Int32 = Symbol("ompi_mpi_int");
        Byte = Symbol("ompi_mpi_byte");
        Sum = Symbol("ompi_mpi_op_sum");
        ErrorsReturn = Symbol("ompi_mpi_errors_return");
    }

    public string Name { get; }

    public nint CommWorld { get; }

    public nint Float { get; }

    public nint Double { get; }

    public nint Int64 { get; }

    public nint Int32 { get; }

    public nint Byte { get; }

    public nint Sum { get; }

    public nint ErrorsReturn { get; }

    /// <summary>Loads libmpi; a clear error naming the packages when it is not installed.</summary>
    public static MpiLibrary Load()
    {
        foreach (var name in Names)
        {
            if (NativeLibrary.TryLoad(name, out var handle))
                return new MpiLibrary(handle, name);
        }
        throw new CxrVLException("this process was started by mpirun but Open MPI's libmpi.so.40 cannot be loaded: install Debian's " +
                                 "openmpi-bin and libopenmpi-dev (scripts/setup does), or run without mpirun for a single process.");
    }

    public bool IsInitialized()
    {
        int flag;
        _initialized(&flag);
        return flag != 0;
    }

    public bool IsFinalized()
    {
        int flag;
        _finalized(&flag);
        return flag != 0;
    }

    public int InitThread(int required)
    {
        int provided;
        Check(_initThread(null, null, required, &provided), "MPI_Init_thread");
        return provided;
    }

    public void Close() => Check(_finalize(), "MPI_Finalize");

    public int Rank()
    {
        int rank;
        Check(_commRank(CommWorld, &rank), "MPI_Comm_rank");
        return rank;
    }

    public int Size()
    {
        int size;
        Check(_commSize(CommWorld, &size), "MPI_Comm_size");
        return size;
    }

    /// <summary>Failures return an error code (turned into an exception here) instead of aborting inside libmpi.</summary>
    public void ReturnErrors() => Check(_commSetErrhandler(CommWorld, ErrorsReturn), "MPI_Comm_set_errhandler");

    /// <summary>In-place sum over all ranks.</summary>
    public void AllReduceSum(void* buffer, int count, nint type) =>
        Check(_allreduce((void*)1, buffer, count, type, Sum, CommWorld), "MPI_Allreduce");

    public void Broadcast(void* buffer, int count, nint type, int root) =>
        Check(_bcast(buffer, count, type, root, CommWorld), "MPI_Bcast");

    public void AllGather(void* send, int count, nint type, void* receive) =>
        Check(_allgather(send, count, type, receive, count, type, CommWorld), "MPI_Allgather");

    public void AllGatherV(void* send, int count, nint type, void* receive, int* counts, int* displacements) =>
        Check(_allgatherv(send, count, type, receive, counts, displacements, type, CommWorld), "MPI_Allgatherv");

    public void Barrier() => Check(_barrier(CommWorld), "MPI_Barrier");

    public void Abort(int code) => _abort(CommWorld, code);

    public string LibraryVersion()
    {
        var buffer = stackalloc byte[MaxErrorString];
        int length;
        return _libraryVersion(buffer, &length) == Success ? Encoding.ASCII.GetString(buffer, length).Trim('\0', ' ', '\n') : "unknown";
    }

    private void Check(int code, string call)
    {
        if (code == Success)
            return;
        var buffer = stackalloc byte[MaxErrorString];
        int length;
        var text = _errorString(code, buffer, &length) == Success ? Encoding.ASCII.GetString(buffer, length).TrimEnd('\0') : "unknown error";
        throw new MpiException(call, code, text);
    }
}
