using CxrVL.Models;
using static TorchSharp.torch;

namespace CxrVL.Precision;

/// <summary>
/// The memory layout mixed precision needs. oneDNN's bfloat16 and float16 convolutions work on channels-last (NHWC)
/// data: with NCHW activations every convolution converted its input, output and gradients between the layouts, and a
/// bf16-mixed ResNet-50 training step spent 8.9 s in 466 such conversions against 5.8 s in the convolutions, no faster
/// than float32 (bench/RESULTS.md, "precision"). So a mixed-precision model runs its ResNets channels-last; float32
/// keeps the layout its recipe chose (<c>model.image.channels_last</c>).
/// </summary>
public static class MixedPrecisionLayout
{
    /// <summary>
    /// Puts every ResNet in <paramref name="model"/> channels-last when <paramref name="precision"/> is mixed. Replaces
    /// convolution weights (same values, names and shapes), so call it before an optimizer or gradient synchronisation
    /// holds them. Returns how many ResNets it converted.
    /// </summary>
    public static int Prepare(nn.Module model, TrainingPrecision precision)
    {
        if (precision == TrainingPrecision.Fp32)
            return 0;
        var converted = 0;
        foreach (var resnet in model.modules().Prepend(model).OfType<ResNet>().Where(r => !r.IsChannelsLast))
        {
            resnet.ToChannelsLast();
            converted++;
        }
        return converted;
    }
}
