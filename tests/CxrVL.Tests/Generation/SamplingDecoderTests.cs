using CxrVL.Generation.Decoding;
using static TorchSharp.torch;

namespace CxrVL.Tests.Generation;

[Collection(TorchGlobalStateCollection.Name)]
public sealed class SamplingDecoderTests
{
    [Fact]
    public void SamplingFollowsTheDistributionAndAColdTemperatureIsGreedy()
    {
        // First word: 1 with probability 0.8, 2 with 0.2 (the end marker has no mass); then the end marker.
        var context = new TableDecodingContext(400, 3, (_, p) => p.Count == 0 ? [-1e9, Math.Log(0.8), Math.Log(0.2)] : [0, -1e9, -1e9]);
        manual_seed(5);
        var sampled = SequenceDecoder.Decode(context, new DecodingConfig { Strategy = DecodingStrategy.Sample, MaxLength = 3 });
        var ones = sampled.Count(r => r.Words.SequenceEqual([1]));

        Assert.All(sampled, r => Assert.Single(r.Words));
        Assert.InRange(ones / 400.0, 0.72, 0.88);
        var cold = SequenceDecoder.Decode(context, new DecodingConfig { Strategy = DecodingStrategy.Sample, Temperature = 0.01, MaxLength = 3 });
        Assert.All(cold, r => Assert.Equal([1], r.Words));
        Assert.Throws<CxrVLException>(() => SequenceDecoder.Decode(context, new DecodingConfig { Strategy = DecodingStrategy.Sample, Temperature = 0 }));
    }
}
