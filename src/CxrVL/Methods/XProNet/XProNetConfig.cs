using CxrVL.Generation;

namespace CxrVL.Methods.XProNet;

/// <summary>
/// The <c>model:</c> section of xpronet: the shared visual extractor and transformer, the cross-modal prototypes and
/// the weights of the multi-label contrastive and label losses (defaults: XProNet's IU X-Ray script, anchors §3.2).
/// </summary>
public sealed class XProNetConfig : ReportModelConfig
{
    public const string Name = "xpronet";

    public override string Method => Name;

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
}
