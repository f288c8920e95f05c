using CxrVL.Configuration;
using CxrVL.Methods.Clip;
using CxrVL.Methods.Encoders;
using CxrVL.Methods.Gloria;
using CxrVL.Methods.Mgca;
using CxrVL.Models;
using CxrVL.Tasks.Pretraining;
using CxrVL.Weights;
using static TorchSharp.torch;

namespace CxrVL.Tests.Export;

/// <summary>
/// A pretraining run folder (config.yaml and one checkpoint) of a small model built in-process: a random ResNet at the
/// 128 px <c>small</c> recipe and a 2-layer BERT over the Bio_ClinicalBERT vocabulary. Every BatchNorm gets random
/// running statistics and affine parameters, as training leaves them, so evaluation-mode normalisation is exercised.
/// </summary>
internal static class TinyPretrainRun
{
    public static string Write(string run, string method = "clip", string backbone = "resnet18", ProjectionKind projection = ProjectionKind.BatchNorm,
                               TextPooling pooling = TextPooling.Mean, int seed = 3)
    {
        PretrainModelConfig section = method switch
        {
            "clip" => new ClipModelConfig { EmbedDim = 32, Projection = new ProjectionConfig { Kind = projection, Hidden = 64 } },
            "mgca" => new MgcaModelConfig { EmbedDim = 32, Mgca = new MgcaConfig { HiddenDim = 64 } },
            "gloria" => new GloriaModelConfig { EmbedDim = 32 },
            _ => throw new ArgumentException($"no small run for {method}"),
        };
        section.Image.Backbone = backbone;
        section.Image.ImageSize = 128;
        section.Text.Layers = 2;
        section.Text.Hidden = 64;
        section.Text.Heads = 4;
        section.Text.Intermediate = 128;
        section.Text.MaxLength = 64;
        section.Text.Pooling = pooling;
        var config = new PretrainConfig { Model = section };
        config.Data.ImageRecipe = "small";
        // The COVID-19 collection's notes are whole texts, as the quickstart trains on them.
        config.Data.ReportSections = ["full_text"];
        // "best" resolves without the trainer state a step checkpoint carries.
        var checkpoint = Path.Combine(run, "checkpoints", "best");
        Directory.CreateDirectory(checkpoint);
        File.WriteAllText(Path.Combine(run, "config.yaml"), ConfigLoader.ToYaml(config));
        manual_seed(seed);
        var tokenizer = PretrainedModel.LoadTokenizer(config, run);
        using var model = PretrainingMethods.BuiltIn.Create(config.Model, TextEncoder.Configure(config.Model.Text, tokenizer.VocabularySize));
        using (var noGrad = no_grad())
        {
            foreach (var norm in model.Model.modules().OfType<TorchSharp.Modules.BatchNorm>())
            {
                norm.running_mean!.copy_(randn_like(norm.running_mean) * 0.2);
                norm.running_var!.copy_(rand_like(norm.running_var) + 0.5);
                norm.weight?.copy_(rand_like(norm.weight) + 0.5);
                norm.bias?.copy_(randn_like(norm.bias) * 0.1);
            }
        }
        SafeTensors.Write(Path.Combine(checkpoint, "model.safetensors"), StateDict.Borrow(model.Model));
        return run;
    }
}
