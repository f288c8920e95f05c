namespace CxrVL.Tasks.Quickstart;

/// <summary>One metric of one task for the pretrained model and for the same architecture untrained.</summary>
public sealed record TaskComparison(string Task, string Metric, double Pretrained, double Untrained, bool HigherIsBetter = true)
{
    public bool PretrainedWins => HigherIsBetter ? Pretrained > Untrained : Pretrained < Untrained;
}
