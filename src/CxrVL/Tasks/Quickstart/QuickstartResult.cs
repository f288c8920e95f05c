namespace CxrVL.Tasks.Quickstart;

/// <summary>Everything a quickstart run measured and drew; <see cref="QuickstartReport"/> turns it into <c>report.html</c>.</summary>
public sealed record QuickstartResult
{
    public required string RunPath { get; init; }

    public required string Method { get; init; }

    public required string DataRoot { get; init; }

    /// <summary>Counts of the manifest and of the pairs each phase used.</summary>
    public required IReadOnlyList<string> DataSummary { get; init; }

    public required IReadOnlyList<PhaseTiming> Phases { get; init; }

    /// <summary>Leading image-encoder stages pretraining kept at the package weights (<c>model.image.frozen_stages</c>), of <see cref="ImageStages"/>.</summary>
    public int FrozenImageStages { get; init; }

    public int ImageStages { get; init; }

    public required IReadOnlyList<TaskComparison> Results { get; init; }

    public required IReadOnlyList<ReportFigure> LossCurves { get; init; }

    public required IReadOnlyList<ReportFigure> RocCurves { get; init; }

    public required IReadOnlyList<RetrievalExample> RetrievalExamples { get; init; }

    public required IReadOnlyList<ReportFigure> Visualisations { get; init; }

    public required IReadOnlyList<ReportFigure> DownstreamFigures { get; init; }

    public required IReadOnlyList<GeneratedReport> GeneratedReports { get; init; }

    public required IReadOnlyList<UnavailablePart> Unavailable { get; init; }

    /// <summary>The quickstart recipe as resolved (YAML), and the pretraining recipe it produced.</summary>
    public required string ConfigYaml { get; init; }

    public required string PretrainConfigYaml { get; init; }

    /// <summary>The command line that reproduces the run.</summary>
    public required string Command { get; init; }

    public required string Environment { get; init; }

    public required double TotalSeconds { get; init; }

    /// <summary>Bootstrap resamples behind every interval.</summary>
    public required int Bootstrap { get; init; }

    public string ReportPath => Path.Combine(RunPath, "report.html");
}
