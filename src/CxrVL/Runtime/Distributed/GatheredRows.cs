using static TorchSharp.torch;

namespace CxrVL.Runtime.Distributed;

/// <summary>Every rank's rows in rank order (<see cref="All"/>), and where this rank's own rows lie in it.</summary>
public sealed record GatheredRows(Tensor All, long Start, long Count);
