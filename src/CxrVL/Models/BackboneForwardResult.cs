using CxrVL.Weights;

namespace CxrVL.Models;

/// <summary>What <see cref="BackboneForward.Run"/> did: the shapes in and out and how the weights loaded.</summary>
public sealed record BackboneForwardResult(string Arch, long[] InputShape, long[] OutputShape, string OutputName, LoadReport Load);
