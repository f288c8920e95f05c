using System.Text.Json;
using CxrVL.Configuration;
using CxrVL.Files;
using CxrVL.Methods.Encoders;
using CxrVL.Tasks.Pretraining;
using CxrVL.Tests.Imaging;
using CxrVL.Weights;
using static TorchSharp.torch;

namespace CxrVL.Tests.Methods.Encoders;

/// <summary>
/// Composing a method from an image file and a text folder: a torchvision ResNet-50 and a Hugging Face BERT folder
/// written by python3-torch under their real names (random weights) fill the image and text encoders of clip, gloria,
/// mgca and prior with exactly their values (checksums computed by torch), the projection heads start new, and a
/// missing or misspelt key is one error naming it.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class EncoderInitTests : IDisposable
{
    private readonly string _folder = TestImages.TempFolder();
    private readonly JsonElement _sums;

    public EncoderInitTests()
    {
        var vocab = Path.Combine(DataRoots.Dataset("bio-clinicalbert"), "vocab.txt");
        _sums = JsonDocument.Parse(PythonReference.Run(PythonReference.Script("Methods/Encoders/reference/init_checkpoints.py"), _folder, vocab)).RootElement;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private PretrainConfig Recipe(string method, string image = "resnet50.pth", string text = "bert")
    {
        return PretrainRecipes.Load([RecipeLocator.Resolve($"pretrain/{method}")],
            // PRIOR's decoders work at the text width, which follows the folder's config.json (64).
            ["model.image.image_size=64", "model.embed_dim=64", $"model.image.init={Path.Combine(_folder, image)}", $"model.text.init={Path.Combine(_folder, text)}"]);
    }

    [Theory]
    [InlineData("clip", "image_encoder.backbone.", "text_encoder.bert.")]
    [InlineData("gloria", "image_encoder.backbone.", "text_encoder.bert.")]
    [InlineData("mgca", "image_encoder.backbone.", "text_encoder.bert.")]
    [InlineData("prior", "image_encoder.encoder.", "text_encoder.encoder.")]
    public void AResNetFileAndABertFolderFillTheEncodersWithExactlyTheirValues(string name, string image, string text)
    {
        var config = Recipe(name);
        EncoderInit.Resolve(config.Model);
        Assert.Equal(Path.Combine(_folder, "bert"), config.Model.Text.Tokenizer);
        var bert = TextEncoder.Configure(config.Model.Text, 28996);
        Assert.Equal((64, 2, 4), (bert.HiddenSize, bert.NumHiddenLayers, bert.NumAttentionHeads));
        using var method = PretrainingMethods.BuiltIn.Create(config.Model, bert);
        var report = EncoderInit.Load(method, config.Model)!;

        var state = method.Model.state_dict();
        var gray = config.Model.Image.InputChannels == 1;
        foreach (var key in _sums.GetProperty("resnet").EnumerateObject())
        {
            if (key.Name.StartsWith("fc.", StringComparison.Ordinal))
                continue;
            var expected = key.Name == "conv1.weight" && gray ? _sums.GetProperty("stem_gray").GetDouble() : key.Value.GetDouble();
            Assert.Equal(expected, TensorChecksum.Of(state[image + key.Name]), 6);
        }
        foreach (var key in _sums.GetProperty("bert").EnumerateObject())
            Assert.Equal(key.Value.GetDouble(), TensorChecksum.Of(state[text + key.Name]), 9);

        Assert.Equal(["fc.weight", "fc.bias"], report.Parts[0].Unused);
        // PRIOR's text encoder keeps Hugging Face's pooler (AutoModel); the others have none and leave it out.
        Assert.Equal(!state.ContainsKey(text + "pooler.dense.weight"), report.Parts[1].Unused.Contains("bert.pooler.dense.weight"));
        Assert.Contains("cls.predictions.bias", report.Parts[1].Unused);
        Assert.DoesNotContain(report.New, n => n.StartsWith(image, StringComparison.Ordinal) || n.StartsWith(text, StringComparison.Ordinal));
        Assert.NotEmpty(report.New);
        Assert.Equal(gray, report.Parts[0].Note is not null);
    }

    [Fact]
    public void AMissingKeyInTheImageFileIsOneErrorNamingIt()
    {
        var config = Recipe("clip", image: "resnet50-missing.pth");
        EncoderInit.Resolve(config.Model);
        using var method = PretrainingMethods.BuiltIn.Create(config.Model, TextEncoder.Configure(config.Model.Text, 28996));
        var error = Assert.Throws<StateDictLoadException>(() => EncoderInit.Load(method, config.Model));
        Assert.Contains("1 missing key: layer4.2.bn3.running_var", error.Message);
        Assert.Contains("resnet50-missing.pth (model.image.init)", error.Message);
    }

    [Fact]
    public void AMisspeltKeyInTheTextFolderIsOneErrorNamingIt()
    {
        var config = Recipe("clip", text: "bert-misspelt");
        EncoderInit.Resolve(config.Model);
        using var method = PretrainingMethods.BuiltIn.Create(config.Model, TextEncoder.Configure(config.Model.Text, 28996));
        var error = Assert.Throws<StateDictLoadException>(() => EncoderInit.Load(method, config.Model));
        Assert.Contains("missing key: encoder.layer.1.output.dense.weight", error.Message);
        Assert.Contains("unexpected key: encoder.layer.1.output.dense.weigth", error.Message);
    }

    [Fact]
    public void AMissingSeedInitialisationNamesTheFileAndItsPublisher()
    {
        var config = Recipe("clip", image: "resnet50-imagenet.pth");
        var error = Assert.Throws<CxrVLException>(() => EncoderInit.Resolve(config.Model));
        Assert.Contains("resnet50-imagenet.pth", error.Message);
        Assert.Contains("IMAGENET1K_V1", error.Message);
    }

    /// <summary>Each full-size recipe as shipped names the seed's own initialisation, which CxrVL does not ship: one error naming the file and its publisher.</summary>
    [Theory]
    [InlineData("clip", "resnet50-imagenet.pth", "ResNet50_Weights.IMAGENET1K_V1")]
    [InlineData("gloria", "resnet50-imagenet.pth", "ResNet50_Weights.IMAGENET1K_V1")]
    [InlineData("mgca", "resnet50-imagenet.pth", "ResNet50_Weights.IMAGENET1K_V1")]
    [InlineData("prior", "resnet50-imagenet.pth", "ResNet50_Weights.IMAGENET1K_V1")]
    [InlineData("medst", "vit-b16-imagenet.pth", "vit_base_patch16_224")]
    [InlineData("mrm", "mae_pretrain_vit_base.pth", "facebookresearch/mae")]
    public void EachFullRecipeNamesItsSeedsInitialisationAndWhereItsAuthorsPublishIt(string method, string file, string publisher)
    {
        var config = PretrainRecipes.Load([RecipeLocator.Resolve($"pretrain/{method}")]);
        var error = Assert.Throws<CxrVLException>(() => EncoderInit.Resolve(config.Model));
        Assert.StartsWith("model.image.init: this recipe starts from ", error.Message);
        Assert.Contains($"'{file}'", error.Message);
        Assert.Contains(publisher, error.Message);
        // The way out names the image package weight, never the text one.
        Assert.Contains("--set model.image.init=resnet18-imagenet", error.Message);
        Assert.DoesNotContain("minilm-l6", error.Message);

        // Past the image file, the text encoder names its own (MRM's report BERT starts new).
        config.Model.Image.Init = null;
        if (method == "mrm")
        {
            EncoderInit.Resolve(config.Model);
            return;
        }
        var text = Assert.Throws<CxrVLException>(() => EncoderInit.Resolve(config.Model));
        Assert.Contains("'Bio_ClinicalBERT'", text.Message);
        Assert.Contains("emilyalsentzer/Bio_ClinicalBERT", text.Message);
        Assert.Contains("--set model.text.init=minilm-l6", text.Message);
        Assert.DoesNotContain("resnet18-imagenet", text.Message);
    }
}
