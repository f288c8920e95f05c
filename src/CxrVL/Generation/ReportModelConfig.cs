using CxrVL.Configuration;
using YamlDotNet.Serialization;

namespace CxrVL.Generation;

/// <summary>
/// The <c>model:</c> section of a report-generation recipe: the visual extractor and transformer every method has
/// (defaults are XProNet's IU X-Ray script, anchors §3.2 and §10.2). Each method owns a subclass beside its model
/// (<c>XProNetConfig</c>, <c>R2GenConfig</c>) that adds only the keys the method reads, so a key it would ignore is an
/// error naming the key and the method. The keys stay flat (<c>model.d_model</c>, <c>model.topk</c>), as recipes and
/// run folders have always written them, so the shared part is this base class rather than a section of its own.
/// </summary>
public abstract class ReportModelConfig : IOwnedConfigSection
{
    /// <summary>The method this section configures, as <c>--method</c> and a run's config.yaml name it.</summary>
    [YamlIgnore]
    public abstract string Method { get; }

    string IOwnedConfigSection.Owner => $"method {Method}";

    /// <summary>resnet18, resnet50 or resnet101 (the seeds use ResNet-101; its last stage gives the patch features).</summary>
    public string VisualExtractor { get; set; } = "resnet101";

    /// <summary>
    /// Initial weights of the visual extractor: a torchvision ResNet file (the seeds start from ImageNet ResNet-101), a
    /// package weight by name (<c>resnet18-imagenet</c>) or a <c>cxrvl pretrain</c> run folder or checkpoint (its image
    /// encoder); null starts from random weights. Loaded strictly, the file's classifier left out.
    /// </summary>
    public string? VisualExtractorInit { get; set; }

    /// <summary>ResNet blocks per stage of the visual extractor; empty for the backbone's own. Set from <see cref="VisualExtractorInit"/>'s weights.</summary>
    public List<int> VisualExtractorLayers { get; set; } = [];

    /// <summary>
    /// Keep the visual extractor at its initial weights and in evaluation mode (BatchNorm statistics kept) and train the
    /// rest: a probe of what the initial weights bring, as segmentation and detection train on frozen encoders
    /// (<c>mode=linear</c>). The seeds train it (XProNet at a reduced rate).
    /// </summary>
    public bool VisualExtractorFrozen { get; set; }

    public int DModel { get; set; } = 512;

    public int DFf { get; set; } = 512;

    public int NumHeads { get; set; } = 8;

    public int NumLayers { get; set; } = 3;

    public double Dropout { get; set; } = 0.1;

    /// <summary>Dropout after the visual projection <c>att_embed</c>.</summary>
    public double DropProbLm { get; set; } = 0.5;
}
