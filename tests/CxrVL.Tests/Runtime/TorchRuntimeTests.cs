using CxrVL.Runtime;
using TorchSharp;

namespace CxrVL.Tests.Runtime;

[Collection(TorchGlobalStateCollection.Name)]
public sealed class TorchRuntimeTests
{
    [Theory]
    [InlineData("cpu")]
    [InlineData(" CPU ")]
    public void CpuIsAlwaysAvailable(string text) =>
        Assert.Equal(DeviceType.CPU, TorchRuntime.ParseDevice(text).type);

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    public void InvalidDeviceNamesAreRejectedWithTheValidForms(string text)
    {
        var error = Assert.Throws<CxrVLException>(() => TorchRuntime.ParseDevice(text));
        Assert.Contains("cpu, cuda or cuda:N", error.Message);
    }

    [Fact]
    public void CudaWithoutAGpuFailsClearly()
    {
        if (torch.cuda.is_available())
            return;
        var error = Assert.Throws<CxrVLException>(() => TorchRuntime.ParseDevice("cuda"));
        Assert.Contains("CUDA is not available", error.Message);
    }

    [Fact]
    public void SeedMakesTorchAndDotNetRandomnessRepeatable()
    {
        var first = TorchRuntime.Configure(new RuntimeOptions(Seed: 5));
        var torchFirst = torch.rand(4).data<float>().ToArray();
        var netFirst = first.Random.Next();

        var second = TorchRuntime.Configure(new RuntimeOptions(Seed: 5));
        Assert.Equal(torchFirst, torch.rand(4).data<float>().ToArray());
        Assert.Equal(netFirst, second.Random.Next());
    }
}
