using System.Globalization;
using CxrVL.Evaluation.Classification;

namespace CxrVL.Evaluation.Plots;

/// <summary>ROC and precision-recall curves as PNG files.</summary>
public static class CurvePlots
{
    public static void WriteRoc(string pngPath, string label, RocCurve curve, double auroc, int width = 600, int height = 600)
    {
        var plot = new ScottPlot.Plot();
        var chance = plot.Add.Line(0, 0, 1, 1);
        chance.LinePattern = ScottPlot.LinePattern.Dashed;
        chance.Color = ScottPlot.Colors.Gray;
        var line = plot.Add.Scatter(curve.FalsePositiveRate, curve.TruePositiveRate);
        line.MarkerSize = 0;
        line.LineWidth = 2;
        line.LegendText = string.Create(CultureInfo.InvariantCulture, $"AUROC {auroc:0.0000}");
        Finish(plot, $"ROC: {label}", "false-positive rate", "true-positive rate", pngPath, width, height);
    }

    /// <summary>Several ROC curves of one question on one plot (e.g. a pretrained and an untrained model), each labelled with its AUROC.</summary>
    public static void WriteRocComparison(string pngPath, string title, IReadOnlyList<(string Name, RocCurve Curve, double Auroc)> curves,
                                          int width = 600, int height = 600)
    {
        var plot = new ScottPlot.Plot();
        var chance = plot.Add.Line(0, 0, 1, 1);
        chance.LinePattern = ScottPlot.LinePattern.Dashed;
        chance.Color = ScottPlot.Colors.Gray;
        foreach (var (name, curve, auroc) in curves)
        {
            var line = plot.Add.Scatter(curve.FalsePositiveRate, curve.TruePositiveRate);
            line.MarkerSize = 0;
            line.LineWidth = 2;
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"{name}: AUROC {auroc:0.000}");
        }
        Finish(plot, title, "false-positive rate", "true-positive rate", pngPath, width, height);
    }

    public static void WritePrecisionRecall(string pngPath, string label, PrecisionRecallCurve curve, double averagePrecision, int width = 600, int height = 600)
    {
        var plot = new ScottPlot.Plot();
        // Average precision integrates precision as a step function of recall, so draw the steps.
        var line = plot.Add.Scatter(curve.Recall, curve.Precision);
        line.ConnectStyle = ScottPlot.ConnectStyle.StepVertical;
        line.MarkerSize = 0;
        line.LineWidth = 2;
        line.LegendText = string.Create(CultureInfo.InvariantCulture, $"AP {averagePrecision:0.0000}");
        Finish(plot, $"Precision-recall: {label}", "recall", "precision", pngPath, width, height);
    }

    /// <summary>
    /// Writes roc_&lt;label&gt;.png and pr_&lt;label&gt;.png into <paramref name="directory"/> for every label that has
    /// both classes and kept curves (<see cref="MultiLabelOptions.KeepCurves"/>); returns the files written.
    /// </summary>
    public static IReadOnlyList<string> WriteAll(string directory, MultiLabelResult result)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (var label in result.Labels.Where(l => l.HasBothClasses))
        {
            if (label.Roc is null || label.PrecisionRecall is null)
                continue;
            var name = FileName(label.Name);
            var roc = Path.Combine(directory, $"roc_{name}.png");
            var pr = Path.Combine(directory, $"pr_{name}.png");
            WriteRoc(roc, label.Name, label.Roc, label.Auroc);
            WritePrecisionRecall(pr, label.Name, label.PrecisionRecall, label.AveragePrecision);
            written.Add(roc);
            written.Add(pr);
        }
        return written;
    }

    private static void Finish(ScottPlot.Plot plot, string title, string x, string y, string pngPath, int width, int height)
    {
        plot.Title(title);
        plot.XLabel(x);
        plot.YLabel(y);
        plot.Axes.SetLimits(0, 1, 0, 1.02);
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        plot.SavePng(pngPath, width, height);
    }

    private static string FileName(string label) =>
        string.Concat(label.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
}
