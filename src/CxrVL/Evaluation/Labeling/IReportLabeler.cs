namespace CxrVL.Evaluation.Labeling;

/// <summary>Labels reports with the 14 CheXpert observations: the rule-based <see cref="ChexpertLabeler"/> or <see cref="ChexbertLabeler"/>.</summary>
public interface IReportLabeler : IDisposable
{
    /// <summary>The name results are reported under: <c>rules</c> or <c>chexbert</c>.</summary>
    string Name { get; }

    /// <summary>One label set per report, in order.</summary>
    IReadOnlyList<ChexpertLabels> Label(IReadOnlyList<string> reports);
}
