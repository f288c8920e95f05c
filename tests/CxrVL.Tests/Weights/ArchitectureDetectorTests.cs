using CxrVL.Cli.Infrastructure;
using CxrVL.Weights;

namespace CxrVL.Tests.Weights;

public sealed class ArchitectureDetectorTests(BackboneCheckpointFixture files) : IClassFixture<BackboneCheckpointFixture>
{
    private ArchitectureReport Detect(string name) => ArchitectureDetector.Detect(CheckpointReader.Inspect(files.Path(name)).Tensors);

    /// <summary>Parameter counts are the published ones (torchvision, timm and Hugging Face model cards).</summary>
    [Theory]
    [InlineData("resnet18.pt", "resnet18", 11_689_512, "torchvision resnet18")]
    [InlineData("resnet50.pt", "resnet50", 25_557_032, "torchvision resnet50")]
    [InlineData("resnet101.pt", "resnet101", 44_549_160, "torchvision resnet101")]
    [InlineData("vit_b16.pt", "vit_b16", 86_567_656, "timm vit_b16")]
    [InlineData("vit_s16.pt", "vit_s16", 22_050_664, "timm vit_s16")]
    [InlineData("bert_base.bin", "bert-base", 109_482_240, "Hugging Face bert-base")]
    [InlineData("prior_resnet50.pt", "resnet50", 23_508_032 - 9_408 + 3_136, "PRIOR vision encoder")]
    public void BackbonesAreRecognisedWithTheirPublishedParameterCounts(string file, string architecture, long parameters, string layout)
    {
        var report = Detect(file);
        var model = Assert.Single(report.Models);
        Assert.Equal("", model.Prefix);
        Assert.Equal(architecture, model.Architecture);
        Assert.Equal(parameters, model.Parameters);
        Assert.StartsWith(layout, report.Layout);
    }

    [Theory]
    [InlineData("prior.pt", "PRIOR image+text model", "image_encoder.encoder.:resnet50", "text_encoder.encoder.:bert-base", "sentence_decoder.:bert (hidden 768, 8 layers)")]
    [InlineData("mrm.pth", "MRM pretraining checkpoint", ":vit_b16", "bert_encoder.model.bert.:bert (hidden 384, 6 layers)")]
    [InlineData("medst.ckpt", "MedST Lightning model (vit_b16 + BERT", "img_encoder_q.model.:vit_b16", "text_encoder_q.model.:bert-base")]
    [InlineData("mgca_vit.ckpt", "MGCA Lightning model (vit_b16 + BERT", "img_encoder_q.model.:vit_b16", "text_encoder_q.model.:bert-base")]
    public void ReferenceCheckpointLayoutsAreRecognised(string file, string layout, params string[] models)
    {
        var report = Detect(file);
        Assert.StartsWith(layout, report.Layout);
        Assert.Equal(models, report.Models.Select(m => $"{m.Prefix}:{m.Architecture}"));
    }

    [Fact]
    public void MedStVisionEncoderReportsItsLateralExperts()
    {
        var vision = Detect("medst.ckpt").Models[0];
        Assert.Contains("lateral-view experts (mlp_l)", vision.Details);
        // ViT-B/16 without head plus 12 lateral FFNs and norms (each 2*768*3072 + 3072 + 768 + 2*768 values).
        Assert.Equal(85_798_656 + 12 * (2 * 768 * 3072 + 3072 + 768 + 2 * 768), vision.Parameters);
    }

    [Fact]
    public void InspectCommandPrintsTotalsAndArchitecture()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliApp.Run(["weights", "inspect", files.Path("resnet50.pt")], output, error);

        Assert.True(code == 0, error.ToString());
        var text = output.ToString();
        Assert.Contains("format         PyTorch zip (torch.save)", text);
        Assert.Matches(@"  layer4\.2\.conv3\.weight\s+Float32\s+\[2048, 512, 1, 1\]", text);
        Assert.Contains("parameters     25,557,032 (25.56 M) + 53,173 buffer values", text);
        Assert.Contains("architecture   torchvision resnet50", text);
    }
}
