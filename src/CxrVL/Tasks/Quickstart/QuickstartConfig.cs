using System.ComponentModel.DataAnnotations;

namespace CxrVL.Tasks.Quickstart;

/// <summary>The quickstart recipe (<c>configs/quickstart.yaml</c>): which method, which data, and each phase's time budget.</summary>
public sealed class QuickstartConfig
{
    public string Name { get; set; } = "quickstart";

    /// <summary>Pretraining method (a name in <see cref="Pretraining.PretrainingMethods"/>).</summary>
    public string Method { get; set; } = "clip";

    /// <summary>Folder under the data root with the image-report collection the run uses.</summary>
    public string Dataset { get; set; } = "covid-chestxray";

    /// <summary>Builder name for <see cref="Dataset"/> (<c>cxrvl data build</c> sources).</summary>
    public string Source { get; set; } = "covid-chestxray";

    /// <summary>Split the evaluations report on.</summary>
    public string EvalSplit { get; set; } = "test";

    /// <summary>Keep at most this many rows per split (0: all); for smoke runs and tests.</summary>
    public int MaxRows { get; set; }

    public QuickstartPretrainConfig Pretrain { get; set; } = new();

    /// <summary>
    /// Zero-shot recipes, each a task of classifying every test image by prompt similarity; the first one's classes also
    /// decide which retrieved notes count as relevant for Precision@K.
    /// </summary>
    public List<string> ZeroShot { get; set; } = ["zeroshot/covid-pneumonia", "zeroshot/covid-intubation"];

    /// <summary>Bootstrap resamples (test items drawn with replacement) for the 95% intervals of every difference.</summary>
    [Range(0, int.MaxValue)]
    public int Bootstrap { get; set; } = 200;

    public LinearProbeConfig Probe { get; set; } = new();

    /// <summary>Test images shown with their top-3 retrieved notes.</summary>
    public int RetrievalExamples { get; set; } = 4;

    /// <summary>Test images shown with their saliency maps.</summary>
    public int Visualisations { get; set; } = 3;

    public QuickstartPhaseConfig Segment { get; set; } = new() { Minutes = 1.5 };

    public QuickstartPhaseConfig Detect { get; set; } = new() { Minutes = 1.5 };

    public QuickstartPhaseConfig Generate { get; set; } = new() { Minutes = 2 };

    /// <summary>Generated reports shown next to their references.</summary>
    public int GeneratedExamples { get; set; } = 4;

    /// <summary>Test studies the report generators decode and are scored on (0: the whole split); decoding is the slow part.</summary>
    public int GeneratedTestRows { get; set; } = 32;

    /// <summary>Sum of the phases' time budgets.</summary>
    public double TotalMinutes() => Pretrain.Minutes + Segment.Minutes + Detect.Minutes + Generate.Minutes;

    /// <summary>Scales every phase's budget so they add up to <paramref name="minutes"/> (<c>--minutes N</c>).</summary>
    public void ScaleTo(double minutes)
    {
        if (minutes <= 0)
            throw new CxrVLException($"--minutes must be positive (got {minutes}).");
        var factor = minutes / TotalMinutes();
        // Hundredths of a minute: budgets stay readable in the logs and the report.
        double Scale(double value) => Math.Round(value * factor, 2);
        Pretrain.Minutes = Scale(Pretrain.Minutes);
        Segment.Minutes = Scale(Segment.Minutes);
        Detect.Minutes = Scale(Detect.Minutes);
        Generate.Minutes = Scale(Generate.Minutes);
    }
}
