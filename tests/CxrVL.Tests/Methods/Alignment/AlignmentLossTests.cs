using System.Text.Json;
using System.Text.Json.Nodes;
using CxrVL.Methods.Alignment;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Tests.Methods.Alignment;

public sealed class AlignmentLossTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-align-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void InfoNceMatchesHandComputationOnTwoPairs()
    {
        // Orthonormal embeddings: image i matches report i with cosine 1, the other with 0.
        var images = tensor(new double[] { 1, 0, 0, 1 }, [2, 2]);
        var texts = tensor(new double[] { 2, 0, 0, 3 }, [2, 2]);

        var mean = ContrastiveLoss.InfoNce(images, texts, temperature: 0.5).item<double>();
        var sum = ContrastiveLoss.InfoNce(images, texts, 0.5, DirectionReduction.Sum).item<double>();

        // logits = [[2, 0], [0, 2]]; each row's CE = -log(e^2 / (e^2 + 1)) = log(1 + e^-2), in both directions.
        var expected = Math.Log(1 + Math.Exp(-2));
        Assert.Equal(expected, mean, 12);
        Assert.Equal(2 * expected, sum, 12);
    }

    [Fact]
    public void InfoNceGradientsReachBothEncoders()
    {
        var images = randn(4, 8, dtype: float64).requires_grad_();
        var texts = randn(4, 8, dtype: float64).requires_grad_();
        var scale = tensor(1 / 0.07, dtype: float64).requires_grad_();

        ContrastiveLoss.InfoNce(images, texts, scale).backward();

        Assert.True(images.grad!.abs().sum().item<double>() > 0);
        Assert.True(texts.grad!.abs().sum().item<double>() > 0);
        Assert.True(scale.grad!.abs().item<double>() > 0);
    }

    [Fact]
    public void SinkhornCodesHaveTheRequiredMarginals()
    {
        var scores = randn(6, 5, dtype: float64) * 0.3;

        var exact = SinkhornKnopp.Codes(scores, 0.05, iterations: 200);
        var three = SinkhornKnopp.Codes(scores, 0.05, iterations: 3);

        // Every sample's code sums to 1; after convergence every prototype receives B / K of the mass.
        Assert.All(exact.sum(dim: 1).data<double>().ToArray(), s => Assert.Equal(1.0, s, 10));
        Assert.All(exact.sum(dim: 0).data<double>().ToArray(), s => Assert.Equal(6.0 / 5, s, 6));
        Assert.All(three.sum(dim: 1).data<double>().ToArray(), s => Assert.Equal(1.0, s, 10));
        Assert.True(three.min().item<double>() >= 0);
    }

    [Fact]
    public void SinkhornDoesNotOverflowOnLargeScores()
    {
        var codes = SinkhornKnopp.Codes(tensor(new float[] { 50, 40, 45, 60 }, [2, 2]));
        Assert.False(codes.isnan().any().item<bool>());
    }

    [Fact]
    public void BatchedLossesMatchPerSampleReferenceImplementations()
    {
        var generator = new TorchSharp.torch.Generator(7);
        Tensor Random(params long[] shape) => randn(shape, dtype: float64, generator: generator);
        var words = Random(3, 5, 8);
        var regions = Random(3, 6, 8);
        long[] lengths = [5, 3, 4];
        var wordMask = arange(5).unsqueeze(0) < tensor(lengths).unsqueeze(1);
        var queries = nn.functional.normalize(Random(3, 5, 8), dim: -1);
        var context = nn.functional.normalize(Random(3, 7, 8), dim: -1);
        var weights = Random(3, 5).abs().masked_fill(wordMask.logical_not(), 0);
        weights /= weights.sum(1, keepdim: true);
        var imageScores = Random(4, 6) * 0.5;
        var textScores = Random(4, 6) * 0.5;

        var spec = new JsonObject
        {
            ["lengths"] = new JsonArray(lengths.Select(l => (JsonNode)l).ToArray()),
            ["tensors"] = new JsonObject
            {
                ["words"] = Json(words), ["regions"] = Json(regions), ["queries"] = Json(queries), ["context"] = Json(context),
                ["weights"] = Json(weights), ["query_mask"] = Json(wordMask.to(float64)),
                ["image_scores"] = Json(imageScores), ["text_scores"] = Json(textScores),
            },
        };
        var path = Path.Combine(_directory, "spec.json");
        File.WriteAllText(path, spec.ToJsonString());
        var reference = JsonDocument.Parse(PythonReference.Run(PythonReference.Script("Methods/Alignment/reference/alignment_reference.py"), path)).RootElement;

        var gloria = GloriaLocalLoss.Compute(words, wordMask, regions, reduction: DirectionReduction.Sum);
        Assert.Equal(reference.GetProperty("gloria_sum").GetDouble(), gloria.Loss.item<double>(), 9);
        Assert.Equal([3L, 5, 6], gloria.Attention.shape);

        queries.requires_grad_();
        var token = TokenAlignmentLoss.Compute(queries, context, weights, queryMask: wordMask);
        Assert.Equal(reference.GetProperty("token").GetDouble(), token.item<double>(), 9);
        token.backward();
        Assert.False(queries.grad!.isnan().any().item<bool>(), "padding must not turn gradients into NaN");

        var proto = PrototypeAlignmentLoss.Compute(imageScores, textScores);
        Assert.Equal(reference.GetProperty("proto").GetDouble(), proto.item<double>(), 9);
        var codes = SinkhornKnopp.Codes(imageScores).data<double>().ToArray();
        var referenceCodes = reference.GetProperty("codes").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (var i = 0; i < codes.Length; i++)
            Assert.Equal(referenceCodes[i], codes[i], 9);
    }

    [Fact]
    public void ReleasedPaddingMatchesMgcaAndMedstWordLossesWithPaddedSlots()
    {
        // local_loss_padding: include_as_released against the word side of MGCA's and MedST's released forward
        // (released_local_loss.py): padded slots hold the projection of a zero word, as the released aggregate_tokens
        // pads, and are queries and negatives; MGCA's clipped [CLS] weights are 0 there, MedST's learned ones are not.
        var generator = new TorchSharp.torch.Generator(11);
        Tensor Random(params long[] shape) => randn(shape, dtype: float64, generator: generator);
        const long dim = 8, slots = 6;
        long[] lengths = [6, 3, 4];
        var wordMask = arange(slots).unsqueeze(0) < tensor(lengths).unsqueeze(1);
        var padding = nn.functional.normalize(Random(1, 1, dim), dim: -1).expand(3, slots, dim);
        var words = nn.functional.normalize(Random(3, slots, dim), dim: -1).where(wordMask.unsqueeze(-1), padding);
        var patches = nn.functional.normalize(Random(3, 5, dim), dim: -1);
        var clsAttention = (Random(3, slots).abs() + 0.01).masked_fill(wordMask.logical_not(), 0);
        var weighting = new CxrVL.Methods.MedST.TokenWeighting((int)dim);
        weighting.to(float64);
        var parameters = weighting.named_parameters().ToDictionary(p => p.name, p => p.parameter);

        var spec = new JsonObject
        {
            ["tensors"] = new JsonObject
            {
                ["words"] = Json(words), ["patches"] = Json(patches), ["cls_attention"] = Json(clsAttention),
                ["in_proj_weight"] = Json(parameters["in_proj_weight"]), ["in_proj_bias"] = Json(parameters["in_proj_bias"]),
            },
        };
        var path = Path.Combine(_directory, "released.json");
        File.WriteAllText(path, spec.ToJsonString());
        var reference = JsonDocument.Parse(PythonReference.Run(PythonReference.Script("Methods/Alignment/reference/released_local_loss.py"), path)).RootElement;
        static double[] Values(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

        var mgcaWeights = TokenAlignmentLoss.ClippedAttentionWeights(clsAttention, wordMask);
        AssertClose(Values(reference.GetProperty("mgca_weights")), mgcaWeights.data<double>().ToArray());
        var mgca = TokenAlignmentLoss.Compute(words, patches, mgcaWeights, queryMask: null);
        Assert.Equal(reference.GetProperty("mgca_word").GetDouble(), mgca.item<double>(), 9);

        using var noGrad = no_grad();
        var context = TokenAlignmentLoss.Attend(words, patches, 0.1);
        var medstWeights = weighting.forward(nn.functional.normalize(words * context, dim: -1), null);
        AssertClose(Values(reference.GetProperty("medst_weights")), medstWeights.data<double>().ToArray());
        var medst = TokenAlignmentLoss.Compute(words, patches, medstWeights, queryMask: null);
        Assert.Equal(reference.GetProperty("medst_word").GetDouble(), medst.item<double>(), 9);

        // CxrVL's default leaves the padded slots out, which changes the loss.
        var excluded = TokenAlignmentLoss.Compute(words, patches, mgcaWeights, queryMask: wordMask);
        Assert.True(Math.Abs(excluded.item<double>() - mgca.item<double>()) > 1e-3);
    }

    [Fact]
    public void ClippedWeightsClipToPercentilesIgnorePaddingAndSumToOne()
    {
        var attention = tensor(new double[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 100, 100 }, [1, 12]);
        var mask = tensor(new[] { true, true, true, true, true, true, true, true, true, true, true, false }).unsqueeze(0);

        var weights = TokenAlignmentLoss.ClippedAttentionWeights(attention, mask).data<double>().ToArray();

        // Real values 0..9 and 100: the 10th percentile is 1, the 90th is 9 (linear interpolation over 11 values),
        // so the row becomes [1, 1, 2, ..., 9, 9, 0], which sums to 55.
        Assert.Equal(1 / 55.0, weights[0], 12);
        Assert.Equal(9 / 55.0, weights[10], 12);
        Assert.Equal(0.0, weights[11]);
        Assert.Equal(1.0, weights.Sum(), 12);
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], actual[i], 12);
    }

    private static JsonObject Json(Tensor t) => new()
    {
        ["shape"] = new JsonArray(t.shape.Select(d => (JsonNode)d).ToArray()),
        ["values"] = new JsonArray(t.to(float64).contiguous().data<double>().ToArray().Select(v => (JsonNode)v).ToArray()),
    };
}
