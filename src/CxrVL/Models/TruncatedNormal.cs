using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>
/// PyTorch's <c>nn.init.trunc_normal_</c>: normal(mean, std) values kept inside [a, b] by inverse-CDF sampling.
/// TorchSharp 0.107's own <c>trunc_normal_</c> multiplies by the mean and adds the std (every value becomes
/// <c>std</c>, and NaN where the uniform draw hits an end of its range), so ViT weights would start identical.
/// </summary>
public static class TruncatedNormal
{
    public static Tensor Fill(Tensor tensor, double mean = 0.0, double std = 1.0, double a = -2.0, double b = 2.0)
    {
        using var noGrad = no_grad();
        var lower = NormalCdf((a - mean) / std);
        var upper = NormalCdf((b - mean) / std);
        tensor.uniform_(2 * lower - 1, 2 * upper - 1);
        tensor.erfinv_();
        tensor.mul_(std * Math.Sqrt(2.0));
        tensor.add_(mean);
        // erfinv(+-1) is infinite: the clamp puts such draws on the bounds, as PyTorch does.
        tensor.clamp_(a, b);
        return tensor;
    }

    private static double NormalCdf(double x)
    {
        using var value = tensor(x / Math.Sqrt(2.0), dtype: ScalarType.Float64);
        using var erf = special.erf(value);
        return (1.0 + erf.item<double>()) / 2.0;
    }
}
