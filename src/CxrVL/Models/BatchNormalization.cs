using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace CxrVL.Models;

/// <summary>
/// PyTorch's BatchNorm1d/2d with its parameter and buffer names, for every BatchNorm CxrVL builds. TorchSharp 0.107's
/// own modules count batches with <c>num_batches_tracked.add_(1)</c>, which makes two Scalar temporaries that the garbage
/// collector may finalise while libtorch still reads them (no GC.KeepAlive after their handles are taken; dotnet/TorchSharp
/// #1434, #1496): a report-generation run died once in "Scalar.h toLong: Expected false to be true". Here the count
/// steps with <see cref="LastingScalars.One"/>, which lives as long as the process.
/// </summary>
public sealed class BatchNormalization : TorchSharp.Modules.BatchNorm
{
    private readonly int _dimensions;

    private BatchNormalization(int dimensions, long features, double eps, double momentum, bool affine)
        : base(features, eps, momentum, affine, track_running_stats: true, device: null, dtype: null, name: $"BatchNorm{dimensions - 2}d") =>
        _dimensions = dimensions;

    /// <summary>Over (N, C) or (N, C, L) inputs, as <c>torch.nn.BatchNorm1d</c>.</summary>
    public static BatchNormalization OneDimensional(long features, double eps = 1e-5, double momentum = 0.1, bool affine = true) =>
        new(3, features, eps, momentum, affine);

    /// <summary>Over (N, C, H, W) inputs, as <c>torch.nn.BatchNorm2d</c>.</summary>
    public static BatchNormalization TwoDimensional(long features, double eps = 1e-5, double momentum = 0.1, bool affine = true) =>
        new(4, features, eps, momentum, affine);

    protected override void ValidateInputDimensions(Tensor input)
    {
        var accepted = _dimensions == 4 ? input.ndim == 4 : input.ndim is 2 or 3;
        if (!accepted)
            throw new ArgumentException($"expected {(_dimensions == 4 ? "4D" : "2D or 3D")} input, but got {input.ndim}D input.");
    }

    public override Tensor forward(Tensor input)
    {
        ValidateInputDimensions(input);
        var averaging = momentum ?? 0.0;
        if (training && track_running_stats && num_batches_tracked is not null)
        {
            num_batches_tracked.add_(LastingScalars.One, LastingScalars.One);
            if (momentum is null)
                averaging = 1.0 / num_batches_tracked.item<long>();
        }
        var useRunning = !training || track_running_stats;
        return F.batch_norm(input, useRunning ? running_mean : null, useRunning ? running_var : null, weight, bias,
            training || (running_mean is null && running_var is null), averaging, eps);
    }
}
