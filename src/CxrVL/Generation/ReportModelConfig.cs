namespace CxrVL.Generation;

/// <summary>
/// The <c>model:</c> section of a report-generation recipe (XProNet and R2Gen share it; defaults are XProNet's IU X-Ray
/// script, anchors §3.2 and §10.2).
/// </summary>
public sealed class ReportModelConfig
{
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

    /// <summary>Prototypes each query attends to in the cross-modal memory (the highest scores; the rest get no weight).</summary>
    public int Topk { get; set; } = 15;

    /// <summary>Label classes of the prototype matrix (the 14 CheXpert observations).</summary>
    public int NumClasses { get; set; } = 14;

    /// <summary>Prototypes per class.</summary>
    public int NumPrototypes { get; set; } = 20;

    /// <summary>Text part of a prototype's width (CheXbert's 768); the image part is the visual extractor's width.</summary>
    public int DTxt { get; set; } = 768;

    /// <summary>
    /// How the prototype matrix starts: <c>kmeans</c> (per-class K-means over visual + text features of the training
    /// split, computed when training starts), <c>random</c>, or a file written by <c>cxrvl rrg init-prototypes</c>.
    /// </summary>
    public string PrototypeInit { get; set; } = "kmeans";

    public double ImgConMargin { get; set; } = 0.4;

    public double TxtConMargin { get; set; } = 0.4;

    /// <summary>Base of the target similarity alpha^(-|l_i - l_j| / |l_i + l_j|) of two samples sharing a label.</summary>
    public double ConAlpha { get; set; } = 1.5;

    /// <summary>
    /// The contrastive losses average the memory responses over every position, padding and masked views included,
    /// as XProNet's <c>encoder_decoder.py</c> does (<c>true</c>); the default averages over real positions only.
    /// </summary>
    public bool ConMeanOverPadding { get; set; }

    public double ImgConWeight { get; set; } = 1.0;

    public double TxtConWeight { get; set; } = 0.1;

    /// <summary>Weight of the label classifier's BCE (trained on detached image features, so it does not steer the generator).</summary>
    public double LabelWeight { get; set; } = 1.0;

    /// <summary>R2Gen relational memory: slots.</summary>
    public int RmNumSlots { get; set; } = 3;

    public int RmNumHeads { get; set; } = 8;

    public int RmDModel { get; set; } = 512;
}
