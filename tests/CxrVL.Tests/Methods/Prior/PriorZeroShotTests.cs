using CxrVL.Files;
using CxrVL.Methods.Encoders;
using CxrVL.Methods.Prior;
using CxrVL.Models;
using CxrVL.Tasks.ZeroShot;
using CxrVL.Text;
using static TorchSharp.torch;

namespace CxrVL.Tests.Methods.Prior;

[Collection(TorchGlobalStateCollection.Name)]
public sealed class PriorZeroShotTests
{
    [Fact]
    public void ScoresAreDeterministicInEvaluationAndAddTheLocalSoftmaxAtHalfWeight()
    {
        var tokenizer = Tokenizers.Load(Path.Combine(DataRoots.Require(), "bio-clinicalbert", "vocab.txt"));
        manual_seed(4);
        using var model = new PriorMethod(
            new PriorModelConfig
            {
                Image = new ImageEncoderConfig { Backbone = "resnet18", InputChannels = 1, ImageSize = 64 },
                EmbedDim = 32,
                Prior = new PriorConfig { Prototypes = 16, Queries = 4, DecoderLayers = 1, PoolHeads = 4 },
            },
            new BertConfig { VocabSize = tokenizer.VocabularySize, HiddenSize = 32, NumHiddenLayers = 1, NumAttentionHeads = 4, IntermediateSize = 64 });
        var batcher = model.ReportBatcher(tokenizer, 32)!;
        var config = new ZeroShotConfig
        {
            PromptTemplate = "{0} is observed",
            Classes = new() { ["Atelectasis"] = new(), ["Edema"] = new(), ["Pleural Effusion"] = new() },
        };
        var resolved = ZeroShotPrompts.Resolve(config);
        var prompts = config.Classes.Keys.Select(name => batcher.Encode(resolved[name], null, CPU)).ToList();
        using var noGrad = no_grad();
        model.eval();
        var images = model.EmbedImageRegions(randn(5, 1, 64, 64));

        var first = model.ScoreClasses(images.Global, images.Local, prompts);
        manual_seed(99);
        var second = model.ScoreClasses(images.Global, images.Local, prompts);

        Assert.Equal(["Atelectasis is observed"], resolved["Atelectasis"]);
        Assert.Equal(new long[] { 5, 3 }, first.shape);
        Assert.True(first.eq(second).all().item<bool>());
        // softmax(global) + 0.5 softmax(local): every row sums to 1.5.
        Assert.True(first.sum([1]).allclose(full(5, 1.5f), rtol: 1e-5, atol: 1e-5));
        // In training the bank draws Gumbel noise: the same call changes (what PRIOR did at test time).
        model.train();
        Assert.False(model.ScoreClasses(images.Global, images.Local, prompts).allclose(first));
    }
}
