using CxrVL.Evaluation.Labeling;
using CxrVL.Methods.XProNet;
using CxrVL.Runtime;
using CxrVL.Text;
using TorchSharp;

namespace CxrVL.Tasks.ReportGeneration;

/// <summary><c>cxrvl rrg init-prototypes</c> as one call: the training split of a manifest to a prototype file.</summary>
public static class PrototypeInitialization
{
    /// <param name="checkpoint">
    /// A trained xpronet run whose visual extractor and vocabulary to use; null for the recipe's model (its visual extractor
    /// from <c>model.visual_extractor_init</c> when set, as the seed takes ImageNet features).
    /// </param>
    public static string Run(RrgConfig config, string manifestPath, string outputPath, string? checkpoint, RuntimeContext runtime)
    {
        using var trained = checkpoint is null ? null : ReportGenerator.Load(checkpoint, runtime.Device);
        var recipe = trained?.Config ?? config;
        var dataset = ReportDataset.Open(manifestPath, recipe.Data);
        var train = dataset.Rows(recipe.Data.TrainSplit).Kept;
        if (train.Count == 0)
            throw new CxrVLException($"'{manifestPath}' has no study with an image and text in split '{recipe.Data.TrainSplit}'.");
        var vocabulary = trained?.Vocabulary ?? WordVocabulary.Build(train.Select(dataset.TargetText), recipe.Data.VocabThreshold);
        var labels = dataset.Labels(train, ChexpertLabeler.FromDataRoot());
        var visualInit = trained is null ? ReportModelInit.ReadVisualExtractor(recipe.Model, runtime.Seed) : null;
        using var fresh = trained is null ? ReportGenerationMethods.Create(recipe.Model, vocabulary.VocabularySize, dataset.Views) : null;
        if (visualInit is not null)
        {
            ReportModelInit.LoadVisualExtractor(fresh!, visualInit, recipe.Model.VisualExtractorInit!);
            visualInit.Module.Dispose();
        }
        var model = trained?.Model ?? fresh!;
        if (model is not XProNetModel xpronet)
            throw new CxrVLException($"'{checkpoint}' is a {recipe.Method} run; prototypes belong to xpronet.");
        model.Model.to(runtime.Device);
        var source = dataset.Source(train, labels, vocabulary, recipe.Train.BatchSize, train: false, runtime.Seed, runtime.Device);
        using var prototypes = PrototypeInitializer.Compute(model, source, xpronet.Config, vocabulary.VocabularySize, runtime.Seed);
        PrototypeFile.Write(outputPath, prototypes);
        return $"wrote {outputPath}: protypes [{string.Join(", ", prototypes.shape)}] from {train.Count} training studies " +
               $"({xpronet.Config.NumClasses} classes x {xpronet.Config.NumPrototypes} prototypes)";
    }
}
