namespace CxrVL.Evaluation.Labeling;

/// <summary>Which CheXpert labeler produces the labels: the rule-based labeler (<c>rules</c>) or CheXbert (<c>chexbert</c>).</summary>
public enum LabelerKind
{
    Rules,
    Chexbert,
}
