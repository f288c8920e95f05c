using CxrVL.Methods.Prior;
using static TorchSharp.torch;

namespace CxrVL.Tests.Methods.Prior;

/// <summary>PRIOR's losses and building blocks on small tensors whose values are worked out by hand in the comments.</summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class PriorLossTests
{
    [Fact]
    public void SimSiamAveragesBothDirectionsAndStopsTheGradientOfTheTarget()
    {
        // cos(x0, y0) = cos([1,0],[1,1]) = 1/sqrt2, cos(x1, y1) = cos([0,1],[0,2]) = 1: loss = -(0.85355 + 0.85355) / 2.
        var x = tensor(new float[] { 1, 0, 0, 1 }, [1, 2, 2]).requires_grad_();
        var y = tensor(new float[] { 1, 1, 0, 2 }, [1, 2, 2]).requires_grad_();

        var loss = PriorLosses.SimSiam(x, y, v => v);
        loss.backward();

        Assert.Equal(-(1 / Math.Sqrt(2) + 1) / 2, loss.item<float>(), 5);
        // Only cos(p(x), sg(y)) reaches x: d/dx0 of -(1/2)(1/2) cos(x0, y0) = -(1/4)(y0/|y0| - cos x0) = [0, -1/(4 sqrt2)].
        // Without the stop-gradient the second direction would double it.
        Assert.Equal(0, x.grad![0, 0, 0].item<float>(), 6);
        Assert.Equal(-1 / (4 * Math.Sqrt(2)), x.grad![0, 0, 1].item<float>(), 6);
    }

    [Fact]
    public void IntraReportInfoNceUsesOnlyTheReportsOwnSentences()
    {
        // Report 0: sentences a = [e0, e1], contexts b = [e0, e0], scale 1.
        // contexts -> sentences: logits [[1, 0], [1, 0]]; -log p(diag) = log(1+e) - 1 = 0.31326 and log(1+e) = 1.31326 -> 0.81326.
        // sentences -> contexts: logits [[1, 1], [0, 0]]; -log p(diag) = ln 2 twice -> 0.69315. Report loss 0.75320.
        // Report 1 has one real sentence (its only candidate: loss 0) and two padded slots holding garbage.
        var sentences = tensor(new float[] { 1, 0, 0, 1, 9, 9, 0, 3, 5, -7, 2, 2 }, [2, 3, 2]);
        var contexts = tensor(new float[] { 1, 0, 1, 0, -4, 1, 2, 0, 8, 8, -1, 6 }, [2, 3, 2]);
        var mask = tensor(new[] { true, true, false, true, false, false }, [2, 3]);

        var loss = PriorLosses.IntraReportInfoNce(sentences, contexts, mask, tensor(1f));

        var report0 = ((Math.Log(1 + Math.E) - 1 + Math.Log(1 + Math.E)) / 2 + Math.Log(2)) / 2;
        Assert.Equal(report0 / 2, loss.item<float>(), 5);
    }

    [Fact]
    public void SentenceGatherAveragesTokensPerSentence()
    {
        // Tokens [CLS] s1 s1 s2 [SEP] and [CLS] s1 [SEP] pad pad.
        var tokens = tensor(new float[] { 10, 1, 2, 3, 4, 10, 6, 4, 7, 7 }, [2, 5, 1]);
        var ids = tensor(new long[] { 0, 1, 1, 2, 0, 0, 1, 0, 0, 0 }, [2, 5]);

        var (sentences, mask) = SentenceGather.Mean(tokens, ids);

        Assert.Equal(new float[] { 1.5f, 3, 6, 0 }, sentences.data<float>().ToArray());
        Assert.Equal(new[] { true, true, true, false }, mask.data<bool>().ToArray());
    }

    private static SentencePrototypeBank IdentityBank(double temperature)
    {
        var bank = new SentencePrototypeBank(2, 2, temperature);
        using (no_grad())
            bank.Prototypes.copy_(eye(2));
        return bank;
    }

    [Fact]
    public void BankIsASoftmaxMixtureInEvaluationAndNoisyInTraining()
    {
        // Prototypes e0, e1 at temperature 1; x = e0 scores [1, 0] -> weights [e/(1+e), 1/(1+e)] = [0.73106, 0.26894].
        using var bank = IdentityBank(1.0);
        bank.eval();
        var x = tensor(new float[] { 1, 0 }, [1, 2]);

        var query = bank.Query(x);

        Assert.Equal(new[] { 0.731059f, 0.268941f }, query.Output.data<float>().ToArray().Select(v => MathF.Round(v, 6)));
        Assert.Equal(0.268941, query.Loss.item<float>(), 5);
        Assert.Equal(0, query.Index.item<long>());
        Assert.True(bank.Query(x).Output.eq(query.Output).all().item<bool>());

        bank.train();
        manual_seed(3);
        var first = bank.Query(x).Output;
        var second = bank.Query(x).Output;
        Assert.False(first.allclose(second));
    }

    [Fact]
    public void KlLossComparesTheTargetAssignmentWithThePredictedOne()
    {
        // Target scores [1, 0] -> p = [0.73106, 0.26894]; predicted x = 0 scores [0, 0] -> q = [1/2, 1/2].
        // KL(p || q) = 0.73106 (ln 0.73106 + ln 2) + 0.26894 (ln 0.26894 + ln 2) = 0.11094, over one row.
        using var bank = IdentityBank(1.0);
        var kl = bank.KlLoss(zeros(1, 2), tensor(new float[] { 1, 0 }, [1, 2]));

        var p = Math.E / (1 + Math.E);
        Assert.Equal(p * Math.Log(2 * p) + (1 - p) * Math.Log(2 * (1 - p)), kl.item<float>(), 5);
    }

    [Fact]
    public void MatchedOutputsLineUpWithTheirTargets()
    {
        // Outputs [2, 3, 1] and targets [1, 2, 3]: target 0 takes output 2, target 1 output 0, target 2 output 1 (cost 0).
        // PRIOR indexed the outputs by the targets' column indices ([3, 1, 2] here, L1 4/3), right only for involutions.
        var outputs = tensor(new float[] { 2, 3, 1 }, [1, 3, 1]);
        var targets = tensor(new float[] { 1, 2, 3 }, [1, 3, 1]);

        var assignment = BatchedMatcher.MatchL1(outputs, targets);
        var matched = PriorLosses.Rearrange(outputs, assignment);

        Assert.Equal(new long[] { 2, 0, 1 }, assignment.data<long>().ToArray());
        Assert.Equal(0, PriorLosses.SentencePrototypeGeneration(matched, targets).item<float>());
        // model.prior.legacy_hungarian_indexing reproduces PRIOR: scipy's linear_sum_assignment gives inds[1] = [1, 2, 0]
        // (output i -> target inds[1][i]), and logit[inds[1]] = [3, 1, 2].
        var legacy = PriorLosses.Rearrange(outputs, assignment, legacyIndexing: true);
        Assert.Equal(new float[] { 3, 1, 2 }, legacy.data<float>().ToArray());
        Assert.Equal(4f / 3, PriorLosses.SentencePrototypeGeneration(legacy, targets).item<float>(), 6);
        // Padded target slots (zeros) count, as in PRIOR: outputs [1, 5] against targets [1, 0] -> (0 + 5) / 2.
        var padded = PriorLosses.SentencePrototypeGeneration(tensor(new float[] { 1, 5 }, [1, 2, 1]), tensor(new float[] { 1, 0 }, [1, 2, 1]));
        Assert.Equal(2.5f, padded.item<float>());
    }

    [Fact]
    public void SentencePoolOfOneSentenceIsItsValueProjectionAndIgnoresPadding()
    {
        // With one sentence s the tokens are [mean = s, s]: attention over two equal tokens returns c_proj(v_proj(s)).
        manual_seed(5);
        using var pool = new SentenceAttentionPool(8, 2);
        var parameters = pool.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var s = randn(1, 1, 8);
        var expected = nn.functional.linear(nn.functional.linear(s[0], parameters["v_proj.weight"], parameters["v_proj.bias"]),
                                            parameters["c_proj.weight"], parameters["c_proj.bias"]);

        var single = pool.forward(s, ones(1, 1, dtype: ScalarType.Bool));
        var padded = pool.forward(cat([s, randn(1, 3, 8) * 10], 1), tensor(new[] { true, false, false, false }, [1, 4]));

        Assert.True(single.allclose(expected, rtol: 1e-5, atol: 1e-6));
        Assert.True(padded.allclose(expected, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void CrossAttentionIgnoresPaddedSentences()
    {
        manual_seed(6);
        using var attention = new LocalCrossAttention(8);
        var image = randn(1, 5, 8);
        var sentences = randn(1, 2, 8);

        var plain = attention.Forward(image, sentences, ones(1, 2, dtype: ScalarType.Bool));
        var padded = attention.Forward(image, cat([sentences, randn(1, 2, 8)], 1), tensor(new[] { true, true, false, false }, [1, 4]));

        Assert.True(padded.TextToImage.allclose(plain.TextToImage, rtol: 1e-5, atol: 1e-6));
        Assert.True(padded.ImageToText[.., ..2].allclose(plain.ImageToText, rtol: 1e-5, atol: 1e-6));
        // Sigmoid, not softmax: weights of an image token over the sentences need not sum to one.
        Assert.False(plain.TextToImageAttention.sum(-1).allclose(ones(1, 5)));
    }

    [Fact]
    public void ReconstructionLossResizesTheTargetImage()
    {
        // An 8 x 8 image of 3s resized to 4 x 4 is still 3s: L1 to a reconstruction of 1s is 2.
        var loss = ImageDecoder.Loss(ones(1, 1, 4, 4), full(1, 1, 8, 8, 3f));
        Assert.Equal(2f, loss.item<float>());
    }
}
