namespace CxrVL.Tasks.Finetuning;

/// <summary>
/// Multi-label (one sigmoid per label, BCE; CheXpert, NIH, RSNA) or multi-class (softmax over the labels, cross
/// entropy; COVIDx, view). <see cref="Auto"/> is multi-class when the target is a single field (<c>view</c>, <c>meta.*</c>).
/// </summary>
public enum ClassificationHeadKind
{
    Auto,
    MultiLabel,
    MultiClass,
}
