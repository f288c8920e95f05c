using CxrVL.Runtime;
using static TorchSharp.torch;

namespace CxrVL.Tests.Runtime;

[Collection(TorchGlobalStateCollection.Name)]
public sealed class MklCpuDispatchTests
{
    private static bool OnAmd => File.ReadLines("/proc/cpuinfo").Any(l => l.StartsWith("vendor_id", StringComparison.Ordinal) && l.Contains("AuthenticAMD"));

    [Fact]
    public void OnAmdTheIntelKernelsAreOnAndProductsStayExact()
    {
        TorchRuntime.Configure(new RuntimeOptions());

        if (OnAmd && Environment.GetEnvironmentVariable("CXRVL_MKL_VENDOR_CHECK") != "1")
            Assert.StartsWith("MKL uses its Intel kernels", MklCpuDispatch.Status);
        // Whatever kernels run, float products of a size MKL takes agree with float64 ones to float rounding.
        manual_seed(4);
        using var a = randn(300, 500);
        using var b = randn(500, 200);
        using var product = a.matmul(b);
        using var reference = a.to_type(ScalarType.Float64).matmul(b.to_type(ScalarType.Float64));
        Assert.True(product.to_type(ScalarType.Float64).allclose(reference, rtol: 1e-4, atol: 1e-3),
            $"largest difference {(product.to_type(ScalarType.Float64) - reference).abs().max().item<double>()}");
    }
}
