using System.Diagnostics;
using static TorchSharp.torch;

namespace CxrVL.Runtime;

/// <summary>Outcome of <see cref="ConvolutionCheck.Run"/>: the worst relative difference over outputs and gradients.</summary>
public sealed record ConvolutionCheckResult(double MaxRelativeError, int Convolutions, TimeSpan Elapsed)
{
    /// <summary>float32 kernels against a float64 reference: a few float32 roundings per accumulated product.</summary>
    public bool Passed => MaxRelativeError < 1e-4;
}

/// <summary>
/// ResNet-50's convolution shapes (the 7x7 stem, a 3x3, and the strided 1x1 downsampling convolutions whose oneDNN
/// kernels crash on CPUs without cache topology), forward and backward in float32 with the kernels libtorch chooses
/// here, in both memory formats, against the same convolutions in float64 (libtorch's own kernels: oneDNN has no
/// float64 path). It proves that the fast convolution path runs on this CPU and computes what it should.
/// </summary>
public static class ConvolutionCheck
{
    private static readonly (int InChannels, int OutChannels, int Kernel, int Stride, int Size)[] Shapes =
    [
        (3, 64, 7, 2, 64),
        (64, 64, 3, 1, 16),
        (256, 512, 1, 2, 16),
        (1024, 2048, 1, 2, 8),
    ];

    public static ConvolutionCheckResult Run(int seed = 0)
    {
        var clock = Stopwatch.StartNew();
        var generator = new Generator((ulong)seed);
        var worst = 0.0;
        var count = 0;
        foreach (var (inChannels, outChannels, kernel, stride, size) in Shapes)
        {
            using var scope = NewDisposeScope();
            var input = randn([2, inChannels, size, size], generator: generator, dtype: float64);
            var weight = randn([outChannels, inChannels, kernel, kernel], generator: generator, dtype: float64) / Math.Sqrt(inChannels * kernel * kernel);
            var upstream = randn(Output(input, weight, stride, kernel).shape, generator: generator, dtype: float64);
            var reference = Gradients(input, weight, upstream, stride, kernel, channelsLast: false);
            foreach (var channelsLast in new[] { false, true })
            {
                var single = Gradients(input.to(float32), weight.to(float32), upstream.to(float32), stride, kernel, channelsLast);
                for (var i = 0; i < reference.Length; i++)
                    worst = Math.Max(worst, RelativeError(single[i], reference[i]));
                count++;
            }
        }
        return new ConvolutionCheckResult(worst, count, clock.Elapsed);
    }

    private static Tensor Output(Tensor input, Tensor weight, int stride, int kernel) =>
        nn.functional.conv2d(input, weight, strides: [stride, stride], padding: [kernel / 2, kernel / 2]);

    /// <summary>The output and the gradients of input and weight for the given upstream gradient.</summary>
    private static Tensor[] Gradients(Tensor input, Tensor weight, Tensor upstream, int stride, int kernel, bool channelsLast)
    {
        var x = (channelsLast ? NhwcCopy(input) : input.clone()).requires_grad_();
        var w = (channelsLast ? NhwcCopy(weight) : weight.clone()).requires_grad_();
        var output = Output(x, w, stride, kernel);
        output.backward([upstream]);
        return [output.detach(), x.grad!, w.grad!];
    }

    /// <summary>The same values with channels-last strides (TorchSharp has no memory_format argument).</summary>
    private static Tensor NhwcCopy(Tensor tensor) => tensor.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    /// <summary>Largest difference relative to the reference's largest magnitude (entries near zero say nothing alone).</summary>
    private static double RelativeError(Tensor value, Tensor reference) =>
        (value.to(float64) - reference).abs().max().item<double>() / Math.Max(1e-12, reference.abs().max().item<double>());
}
