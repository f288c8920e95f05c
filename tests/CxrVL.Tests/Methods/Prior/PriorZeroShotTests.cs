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
        using var model = Model(tokenizer, localWeight: 0.5, logitScale: null, seed: 4);
        var batcher = model.ReportBatcher(tokenizer, 32)!;
        var config = new ZeroShotConfig
        {
            PromptTemplate = "{0} is observed",
            Classes = new() { ["Atelectasis"] = new(), ["Edema"] = new(), ["Pleural Effusion"] = new() },
        };
        var resolved = ZeroShotPrompts.Resolve(config);
        var prompts = config.Classes.Keys.Select(name => batcher.Encode(resolved[name], null, CPU)).ToList();
        using var noGrad = no_grad();
        var images0 = randn(5, 1, 64, 64);
        var images = model.EmbedImageRegions(images0);

        var first = model.ScoreClasses(images.Global, images.Local, prompts);
        manual_seed(99);
        var second = model.ScoreClasses(images.Global, images.Local, prompts);

        Assert.Equal(["Atelectasis is observed"], resolved["Atelectasis"]);
        Assert.Equal(new long[] { 5, 3 }, first.shape);
        Assert.True(first.eq(second).all().item<bool>());
        // softmax(global) + 0.5 softmax(local): every row sums to 1.5.
        Assert.True(first.sum([1]).allclose(full(5, 1.5f), rtol: 1e-5, atol: 1e-5));
        // PRIOR multiplies the cosines by the stored logit_scale itself (zero_classification_model.py), not its
        // exponential: the global part's log-odds between two classes are then linear in logit_scale. With
        // logit_scale s and 2s, log(p_a / p_b) doubles exactly; with exp(s) it would be multiplied by exp(s).
        var globalOnly = (double s) =>
        {
            using var withScale = Model(tokenizer, localWeight: 0, logitScale: s, seed: 4);
            var encoded = withScale.EmbedImageRegions(images0);
            return withScale.ScoreClasses(encoded.Global, encoded.Local, prompts).log();
        };
        var once = globalOnly(1.5);
        var twice = globalOnly(3.0);
        var logOdds = (Tensor logs) => logs[.., 0] - logs[.., 1];
        Assert.True(logOdds(twice).allclose(logOdds(once) * 2, rtol: 1e-4, atol: 1e-5));
        // The local part enters at model.prior.zero_shot_local_weight: the scores at weight 1 minus those at weight 0
        // are a probability distribution over the classes, twice the difference at PRIOR's 0.5.
        var local = (double weight) =>
        {
            using var weighted = Model(tokenizer, localWeight: weight, logitScale: 1.5, seed: 4);
            var encoded = weighted.EmbedImageRegions(images0);
            return weighted.ScoreClasses(encoded.Global, encoded.Local, prompts);
        };
        var full1 = local(1.0) - local(0.0);
        Assert.True(full1.sum([1]).allclose(ones(5), rtol: 1e-5, atol: 1e-5));
        Assert.True((local(0.5) - local(0.0)).allclose(full1 * 0.5, rtol: 1e-4, atol: 1e-6));
        // model.prior.zero_shot_prompt_with_sep averages the prompt as PRIOR's zero-shot: tokens [1:-1] under the attention
        // mask, which keeps [SEP] ("[CLS] atelectasis is observed [SEP]": every attended token but the first).
        using (var withSep = Model(tokenizer, localWeight: 0.5, logitScale: null, seed: 4, promptWithSep: true))
        {
            var encoded = withSep.EmbedImageRegions(images0);
            var sepPrompts = prompts.Select(p => p with { SentenceIds = p.AttentionMask.to(ScalarType.Int64) * (arange(p.AttentionMask.shape[1]) > 0).to(ScalarType.Int64) }).ToList();
            Assert.Equal(1L, sepPrompts[0].SentenceIds!.sum().item<long>() - prompts[0].SentenceIds!.clamp_max(1).sum().item<long>());
            var expected = model.ScoreClasses(encoded.Global, encoded.Local, sepPrompts);
            Assert.True(withSep.ScoreClasses(encoded.Global, encoded.Local, prompts).allclose(expected, rtol: 1e-5, atol: 1e-6));
            Assert.False(expected.allclose(first, rtol: 1e-5, atol: 1e-6));
        }
        // In training the bank draws Gumbel noise: the same call changes (what PRIOR did at test time).
        model.train();
        Assert.False(model.ScoreClasses(images.Global, images.Local, prompts).allclose(first));
        // model.prior.gumbel_in_evaluation keeps that noise in evaluation too, as PRIOR's zero-shot does.
        using var noisy = Model(tokenizer, localWeight: 0.5, logitScale: null, seed: 4, gumbelInEvaluation: true);
        noisy.eval();
        var noisyImages = noisy.EmbedImageRegions(images0);
        Assert.False(noisy.ScoreClasses(noisyImages.Global, noisyImages.Local, prompts).allclose(noisy.ScoreClasses(noisyImages.Global, noisyImages.Local, prompts)));
    }

    private static PriorMethod Model(ITextTokenizer tokenizer, double localWeight, double? logitScale, int seed, bool gumbelInEvaluation = false,
                                     bool promptWithSep = false)
    {
        manual_seed(seed);
        var model = new PriorMethod(
            new PriorModelConfig
            {
                Image = new ImageEncoderConfig { Backbone = "resnet18", InputChannels = 1, ImageSize = 64 },
                EmbedDim = 32,
                Prior = new PriorConfig
                {
                    Prototypes = 16, Queries = 4, DecoderLayers = 1, PoolHeads = 4, ZeroShotLocalWeight = localWeight, GumbelInEvaluation = gumbelInEvaluation,
                    ZeroShotPromptWithSep = promptWithSep,
                },
            },
            new BertConfig { VocabSize = tokenizer.VocabularySize, HiddenSize = 32, NumHiddenLayers = 1, NumAttentionHeads = 4, IntermediateSize = 64 });
        model.eval();
        if (logitScale is { } scale)
            model.named_parameters().Single(p => p.name == "logit_scale").parameter.fill_(scale);
        return model;
    }
}
