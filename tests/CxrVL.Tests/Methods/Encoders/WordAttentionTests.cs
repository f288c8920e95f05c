using CxrVL.Methods.Encoders;
using static TorchSharp.torch;

namespace CxrVL.Tests.Methods.Encoders;

public sealed class WordAttentionTests
{
    [Fact]
    public void PaddedWordsDoNotCountInTheMean()
    {
        // Report 0: words 0 and 1 are real; report 1: only word 0 (word 1 is padding with a map that must be ignored).
        using var attention = tensor(new float[] { 1, 0, 0, 0, 0, 1, 0, 0, 0.5f, 0.5f, 0, 0, 0, 0, 0, 1 }, [2, 2, 4]);
        using var mask = tensor(new[] { true, true, true, false }, [2, 2]);

        using var mean = WordAttention.MeanOverWords(attention, mask);

        Assert.Equal(new float[] { 0.5f, 0.5f, 0, 0, 0.5f, 0.5f, 0, 0 }, mean.data<float>().ToArray());
    }
}
