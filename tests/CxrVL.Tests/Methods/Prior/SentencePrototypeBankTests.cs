using CxrVL.Methods.Prior;
using static TorchSharp.torch;

namespace CxrVL.Tests.Methods.Prior;

[Collection(TorchGlobalStateCollection.Name)]
public sealed class SentencePrototypeBankTests
{
    [Fact]
    public void FillingFromSentencesTakesDistinctRowsWhenThereAreEnough()
    {
        using var bank = new SentencePrototypeBank(prototypes: 6, dim: 3, temperature: 0.9);
        using var sentences = arange(30, dtype: ScalarType.Float32).view(10, 3);

        manual_seed(1);
        bank.FillFrom(sentences);

        // Every prototype is one sentence row (first element 3 * row), and no row is used twice.
        var firsts = bank.Prototypes[.., 0].data<float>().ToArray();
        Assert.Equal(6, firsts.Distinct().Count());
        for (var k = 0; k < 6; k++)
        {
            var row = (int)firsts[k] / 3;
            Assert.True(bank.Prototypes[k].allclose(sentences[row], rtol: 0, atol: 0));
        }
    }

    [Fact]
    public void FillingFromFewerSentencesRepeatsThemAndKeepsTheBankTrainable()
    {
        using var bank = new SentencePrototypeBank(prototypes: 8, dim: 2, temperature: 0.9);
        using var sentences = tensor(new float[] { 1, 0, 0, 1, -1, 0 }).view(3, 2);

        bank.FillFrom(sentences);

        for (var k = 0; k < 8; k++)
            Assert.Contains(Enumerable.Range(0, 3), row => bank.Prototypes[k].allclose(sentences[row], rtol: 0, atol: 0));
        Assert.True(bank.Prototypes.requires_grad);
    }
}
