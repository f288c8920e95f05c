using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>
/// NHWC ("channels last") strides for 4-D tensors. TorchSharp has no <c>memory_format</c> argument; libtorch
/// recognises the layout from the strides, and its convolutions keep it, which is faster on CPUs for many nets.
/// </summary>
public static class ChannelsLast
{
    /// <summary>A copy with NHWC strides (shape unchanged, still N x C x H x W); not tracked by autograd.</summary>
    public static Tensor Convert(Tensor tensor)
    {
        if (tensor.dim() != 4)
            throw new ArgumentException($"channels-last needs a 4-D tensor; got {tensor.dim()}-D.", nameof(tensor));
        var (n, c, h, w) = (tensor.shape[0], tensor.shape[1], tensor.shape[2], tensor.shape[3]);
        // A fresh tensor, not a permuted view: parameters converted under no_grad must not be views.
        var result = empty_strided([n, c, h, w], [h * w * c, 1, w * c, c], tensor.dtype, tensor.device);
        using var noGrad = no_grad();
        return result.copy_(tensor);
    }

    /// <summary>Whether the strides are NHWC.</summary>
    public static bool Is(Tensor tensor) =>
        tensor.dim() == 4 && tensor.stride(1) == 1 && tensor.stride(3) == tensor.shape[1] && tensor.stride(0) == tensor.shape[1] * tensor.shape[2] * tensor.shape[3];
}
