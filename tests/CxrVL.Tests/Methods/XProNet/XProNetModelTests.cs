using Xunit.Abstractions;
using CxrVL.Tests.Precision;
using CxrVL.Generation;
using CxrVL.Generation.Decoding;
using CxrVL.Methods.R2Gen;
using CxrVL.Methods.XProNet;
using CxrVL.Tasks.ReportGeneration;
using CxrVL.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Tests.Methods.XProNet;

[Collection(TorchGlobalStateCollection.Name)]
public sealed class XProNetModelTests(ITestOutputHelper output)
{
    private static TConfig Tiny<TConfig>(TConfig config) where TConfig : ReportModelConfig
    {
        (config.VisualExtractor, config.DModel, config.DFf, config.NumHeads, config.NumLayers) = ("resnet18", 32, 32, 4, 1);
        return config;
    }

    private static XProNetConfig TinyXProNet() => Tiny(new XProNetConfig { NumPrototypes = 3, Topk = 2, DTxt = 8 });

    private static R2GenConfig TinyR2Gen() => Tiny(new R2GenConfig { RmDModel = 32, RmNumSlots = 2, RmNumHeads = 4 });

    private static ReportBatch Batch(int views, long vocabulary)
    {
        var images = views == 1 ? randn(3, 3, 64, 64) : randn([3, views, 3, 64, 64]);
        var present = views == 1 ? null : tensor(new[] { true, true, true, false, true, true }, [3, 2]);
        var targets = tensor(new long[] { 0, 3, 4, 5, 0, 0, 3, 0, 0, 0, 0, 6, 6, 6, 6 }, [3, 5]) % vocabulary;
        var mask = tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1 }, [3, 5]);
        var labels = zeros(3, 14);
        labels[0, 0] = 1;
        labels[1, 2] = 1;
        labels[1, 5] = 1;
        labels[2, 13] = 1;
        return new ReportBatch(images, present, targets, mask, labels, ["a", "b", "c"], [0, 1, 2]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void XProNetShapesLossesAndDecoding(int views)
    {
        manual_seed(0);
        using var model = new XProNetModel(TinyXProNet(), 10, views);
        using var batch = Batch(views, 10);
        var (queries, queryMask) = ((XProNetEncoderDecoder)model.named_children().Single(c => c.name == "encoder_decoder").module).QueryMatrix(batch.Labels);
        // The widest sample has 2 positive classes of 3 prototypes each; the others are padded and masked.
        Assert.Equal(new long[] { 3, 6, 32 }, queries.shape);
        Assert.Equal(new[] { true, true, true, false, false, false, true, true, true, true, true, true, true, true, true, false, false, false },
                     queryMask.to_type(ScalarType.Bool).data<bool>().ToArray());
        Assert.Equal(new long[] { 14 * 3, 512 + 8 }, model.Prototypes.shape);

        var loss = model.Loss(batch, new TrainingProgress(0, "train", 0, 0, 1, 0, new Dictionary<string, double>()));
        Assert.Equal(["ce", "img_con", "txt_con", "labels"], loss.Terms.Keys);
        Assert.True(double.IsFinite(loss.Total.item<float>()));
        loss.Total.backward();
        Assert.True(model.Prototypes.grad!.abs().sum().item<float>() > 0);

        model.eval();
        using var noGrad = no_grad();
        using var context = model.Encode(batch.Images, batch.ImagePresent, null);
        using var next = context.NextLogProbs(zeros(4, 2, ScalarType.Int64), tensor(new long[] { 0, 1, 2, 1 }));
        Assert.Equal(new long[] { 4, 10 }, next.shape);
        Assert.Equal(1.0, next.exp().sum(1).mean().item<float>(), 4);
        var reports = SequenceDecoder.Decode(context, new DecodingConfig { MaxLength = 5 });
        Assert.Equal(3, reports.Count);
        Assert.All(reports, r => Assert.InRange(r.Words.Count, 0, 5));
        Assert.Equal(new long[] { 3, 512 }, model.PooledFeatures(batch.Images, batch.ImagePresent).shape);
    }

    [Fact]
    public void R2GenShapesAndDecoding()
    {
        manual_seed(1);
        using var model = new R2GenModel(TinyR2Gen(), 10);
        using var batch = Batch(2, 10);
        var loss = model.Loss(batch, new TrainingProgress(0, "train", 0, 0, 1, 0, new Dictionary<string, double>()));
        Assert.Equal(["ce"], loss.Terms.Keys);
        loss.Total.backward();

        model.eval();
        using var noGrad = no_grad();
        using var context = model.Encode(batch.Images, batch.ImagePresent, null);
        var reports = SequenceDecoder.Decode(context, new DecodingConfig { MaxLength = 4 });
        Assert.Equal(3, reports.Count);
    }

    [Theory]
    [InlineData("xpronet")]
    [InlineData("r2gen")]
    public void BfloatMixedStepIsCloseToTheFloat32One(string name)
    {
        manual_seed(0);
        IReportModel model = name == "xpronet" ? new XProNetModel(TinyXProNet(), 10, 2) : new R2GenModel(TinyR2Gen(), 10);
        using var batch = Batch(2, 10);
        var progress = new TrainingProgress(0, "train", 0, 0, 1, 0, new Dictionary<string, double>());

        var outcome = MixedPrecisionCheck.Compare((nn.Module)model, () => model.Loss(batch, progress));
        ((nn.Module)model).Dispose();

        MixedPrecisionCheck.AssertClose(outcome, name, output);
    }

    [Fact]
    public void TopOneMemoryReturnsTheBestUnmaskedPrototypesValue()
    {
        manual_seed(2);
        using var memory = new CrossModalMemory(heads: 1, dModel: 4, topk: 1, dropoutRate: 0);
        memory.eval();
        var linears = memory.named_modules().Select(m => m.module).OfType<CxrVL.Models.Layers.AutocastLinear>().ToList();
        var query = randn(1, 2, 4);
        var prototypes = randn(1, 3, 4);
        var mask = tensor(new[] { true, false, true }, [1, 3]);

        using var noGrad = no_grad();
        var output = memory.forward(query, prototypes, mask);

        var scores = linears[0].forward(query).matmul(linears[1].forward(prototypes).transpose(1, 2));
        scores[.., .., 1] = float.NegativeInfinity;
        var best = scores.argmax(-1);
        var values = linears[2].forward(prototypes);
        var expected = linears[3].forward(values[0].index_select(0, best[0]).unsqueeze(0));
        Assert.True(output.allclose(expected, 1e-5, 1e-6));
    }

    [Fact]
    public void UnbiasedLayerNormUsesTheSampleStandardDeviationPlusEps()
    {
        using var norm = new UnbiasedLayerNorm(4);
        var x = tensor(new float[] { 1, 2, 3, 6 }, [1, 4]);
        var y = norm.forward(x).data<float>().ToArray();
        // mean 3, sample std sqrt((4 + 1 + 0 + 9) / 3)
        var std = Math.Sqrt(14.0 / 3);
        Assert.Equal((1 - 3) / (std + 1e-6), y[0], 5);
        Assert.Equal((6 - 3) / (std + 1e-6), y[3], 5);
    }

    [Fact]
    public void KMeansRecoversSeparatedClusters()
    {
        var points = cat([randn(20, 2) * 0.1 + 5, randn(20, 2) * 0.1 - 5], 0);
        var centroids = KMeans.Fit(points, 2, seed: 3);
        var sorted = centroids[.., 0].sort().Values.data<float>().ToArray();
        Assert.InRange(sorted[0], -5.2, -4.8);
        Assert.InRange(sorted[1], 4.8, 5.2);
        Assert.Equal(new long[] { 4, 2 }, KMeans.Fit(points[..3], 4, seed: 3).shape);
    }
}
