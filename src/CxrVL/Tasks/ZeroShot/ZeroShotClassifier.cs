using CxrVL.Methods.Encoders;
using CxrVL.Models;
using CxrVL.Precision;
using CxrVL.Tasks.Pretraining;
using CxrVL.Tasks.Retrieval;
using static TorchSharp.torch;

namespace CxrVL.Tasks.ZeroShot;

/// <summary>
/// The classes of a zero-shot recipe, their prompts encoded once, ready to score any number of images: each class
/// embedding is the renormalised mean of its prompts' embeddings (prompt ensembling) and an image's score for a class
/// the cosine similarity. A model with its own protocol (<see cref="IPromptScorer"/>, PRIOR) scores the classes itself
/// from the image regions. <c>cxrvl zeroshot</c> and <c>cxrvl serve</c> score through this one type.
/// </summary>
public sealed class ZeroShotClassifier : IDisposable
{
    private readonly Tensor? _classEmbeddings;
    private readonly IPromptScorer? _scorer;
    private readonly nn.Module? _scorerModule;
    private readonly List<TextInput> _encodedPrompts;
    private readonly Device _device;
    private readonly TrainingPrecision _precision;

    private ZeroShotClassifier(IReadOnlyList<string> classes, IReadOnlyDictionary<string, IReadOnlyList<string>> prompts, Tensor? classEmbeddings,
                               IPromptScorer? scorer, nn.Module? scorerModule, List<TextInput> encodedPrompts, Device device,
                               TrainingPrecision precision = TrainingPrecision.Fp32)
    {
        Classes = classes;
        Prompts = prompts;
        _classEmbeddings = classEmbeddings;
        _scorer = scorer;
        _scorerModule = scorerModule;
        _encodedPrompts = encodedPrompts;
        _device = device;
        _precision = precision;
    }

    public IReadOnlyList<string> Classes { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Prompts { get; }

    /// <summary>True when <see cref="Score"/> needs the image regions (the model's own protocol).</summary>
    public bool NeedsRegions => _scorer is not null;

    /// <summary>The l2-normalised class embeddings [C, D] on the CPU; null under the model's own protocol.</summary>
    public Tensor? ClassEmbeddings => _classEmbeddings;

    /// <param name="ownProtocol">Use the model's own protocol when it has one (<see cref="IPromptScorer"/>); the images then need their regions.</param>
    public static ZeroShotClassifier Create(PretrainedModel model, ZeroShotConfig config, Device device, int seed = 0, bool ownProtocol = true)
    {
        if (ownProtocol && model.Method is IPromptScorer scorer)
        {
            var (classes, prompts) = Resolve(config, seed);
            using var noGrad = no_grad();
            model.Method.Model.eval();
            var encoded = classes.Select(c => model.EncodeTexts(prompts[c], device)).ToList();
            return new ZeroShotClassifier(classes, prompts, null, scorer, model.Method.Model, encoded, device, model.Precision);
        }
        return FromTextEmbeddings(config, texts => model.EmbedTexts(texts, device), seed);
    }

    /// <summary>A classifier over any text encoder that returns l2-normalised embeddings [N, D] (ONNX Runtime's, for one).</summary>
    public static ZeroShotClassifier FromTextEmbeddings(ZeroShotConfig config, Func<IReadOnlyList<string>, Tensor> embedTexts, int seed = 0)
    {
        var (classes, prompts) = Resolve(config, seed);
        using var scope = NewDisposeScope();
        var classEmbeddings = stack(classes.Select(c =>
        {
            var embedded = embedTexts(prompts[c]);
            return Autocast.Normalize(embedded.mean([0]), dim: 0);
        }).ToArray()).cpu().MoveToOuterDisposeScope();
        return new ZeroShotClassifier(classes, prompts, classEmbeddings, null, null, [], CPU);
    }

    /// <summary>Scores [N, C] of l2-normalised image embeddings [N, D] (and their regions under the model's own protocol).</summary>
    public double[,] Score(Tensor images, Tensor? regions = null)
    {
        if (_classEmbeddings is not null)
            return SimilarityMatrix.Of(images, _classEmbeddings);
        if (regions is null)
            throw new InvalidOperationException("this model scores classes from the image regions; pass them (Embedder.Embed(..., regions: true)).");
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        _scorerModule!.eval();
        using (Autocast.Enable(_precision))
            return TensorArrays.ToMatrix(Autocast.Float32(_scorer!.ScoreClasses(images.to(_device), regions.to(_device), _encodedPrompts)));
    }

    public void Dispose()
    {
        _classEmbeddings?.Dispose();
        foreach (var prompt in _encodedPrompts)
            prompt.Dispose();
    }

    private static (List<string> Classes, IReadOnlyDictionary<string, IReadOnlyList<string>> Prompts) Resolve(ZeroShotConfig config, int seed)
    {
        if (config.Classes.Count < 2)
            throw new CxrVLException("a zero-shot task needs at least two classes (classes: in the zero-shot recipe).");
        return (config.Classes.Keys.ToList(), ZeroShotPrompts.Resolve(config, seed));
    }
}
