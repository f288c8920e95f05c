using CxrVL.Precision;
using CxrVL.Models.Layers;
using CxrVL.Data.Loading;
using CxrVL.Models;
using CxrVL.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Tasks.Finetuning;

/// <summary>
/// A classification head on pooled encoder features: multi-label (a sigmoid per label, BCE over the labels that are
/// known for the sample: mentioned and not uncertain) or multi-class (softmax, cross entropy).
/// </summary>
public sealed class ClassificationMethod : nn.Module, ITrainingMethod<StudyBatch>
{
    private readonly nn.Module encoder;
    private readonly Dropout dropout;
    private readonly AutocastLinear head;
    private readonly EncoderTraining _training;

    /// <param name="headInitStd">see <see cref="FinetuneHeadConfig.InitStd"/></param>
    public ClassificationMethod(EncoderTraining training, int classes, bool multiClass, double dropoutRate, double? headInitStd = null)
        : base(nameof(ClassificationMethod))
    {
        _training = training;
        MultiClass = multiClass;
        encoder = training.Features.Encoder;
        dropout = nn.Dropout(dropoutRate);
        head = new AutocastLinear(training.Features.PooledDim, classes);
        if (headInitStd is { } std)
        {
            TruncatedNormal.Fill(head.weight!, std: std);
            using var noGrad = no_grad();
            head.bias!.zero_();
        }
        RegisterComponents();
    }

    public bool MultiClass { get; }

    public AutocastLinear Head => head;

    public nn.Module Model => this;

    public Func<string, int>? LayerId => _training.LayerId;

    public int LayerCount => _training.LayerCount;

    public Tensor Logits(Tensor images)
    {
        using var scope = NewDisposeScope();
        var pooled = _training.Run(f => f.Pooled(images));
        // Logits leave in float32 (under autocast the head's product is 16-bit): probabilities and losses are float32.
        return Autocast.Float32(head.forward(dropout.forward(pooled))).MoveToOuterDisposeScope();
    }

    /// <summary>Class probabilities [B, K]: sigmoids (multi-label) or the softmax (multi-class).</summary>
    public Tensor Scores(Tensor images)
    {
        using var scope = NewDisposeScope();
        var logits = Logits(images);
        return (MultiClass ? logits.softmax(-1) : logits.sigmoid()).MoveToOuterDisposeScope();
    }

    public LossTerms Loss(StudyBatch batch, TrainingProgress progress)
    {
        var logits = Logits(batch.Images);
        var labels = batch.Labels ?? throw new InvalidOperationException("classification batches carry labels.");
        Tensor loss;
        if (MultiClass)
        {
            loss = nn.functional.cross_entropy(logits, labels.argmax(1));
        }
        else
        {
            var known = (batch.LabelMentioned!.to(float32)) * (labels >= 0).to(float32);
            var terms = nn.functional.binary_cross_entropy_with_logits(logits, labels.clamp_min(0), reduction: nn.Reduction.None);
            loss = (terms * known).sum() / known.sum().clamp_min(1);
        }
        return LossTerms.Weighted(new Dictionary<string, Tensor> { ["cls"] = loss }, progress.LossWeights);
    }
}
