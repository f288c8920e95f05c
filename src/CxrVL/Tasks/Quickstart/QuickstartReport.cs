using System.Globalization;
using System.Net;
using System.Text;
using CxrVL.Runs;

namespace CxrVL.Tasks.Quickstart;

/// <summary>
/// Writes a quickstart's <c>report.html</c>: one self-contained file (styles inline, every picture a base64 data URI)
/// that any browser opens from disk. Sections: results against the untrained baseline, run phases, loss curves, ROC
/// curves, retrieval examples, saliency maps, segmentation and detection, generated reports, configuration and the
/// command that reproduces the run. A part the run did not produce says why in its section.
/// </summary>
public static class QuickstartReport
{
    /// <summary>Section ids of the parts a build may lack (<see cref="UnavailablePart.Section"/>).</summary>
    public const string Segmentation = "segmentation";

    public const string Detection = "detection";

    public const string Generation = "generation";

    private const string Style = """
        body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 0 auto; max-width: 1180px; padding: 16px 28px; color: #1d2330; }
        h1 { margin-bottom: 4px; } h2 { border-bottom: 2px solid #d7dce5; padding-bottom: 4px; margin-top: 34px; }
        .sub { color: #5a6478; margin-top: 0; } nav a { margin-right: 14px; }
        table { border-collapse: collapse; margin: 8px 0; } th, td { border: 1px solid #d7dce5; padding: 4px 10px; text-align: left; vertical-align: top; }
        th { background: #eef1f6; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
        .win { background: #e3f4e5; } .lose { background: #fbe9e7; }
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
            .Append("</p>\n<nav><a href=\"#results\">results</a><a href=\"#run\">run</a><a href=\"#loss\">loss curves</a><a href=\"#roc\">ROC curves</a>")
            .Append("<a href=\"#retrieval\">retrieval examples</a><a href=\"#saliency\">saliency</a><a href=\"#downstream\">segmentation and detection</a>")
            .Append("<a href=\"#generation\">generated reports</a><a href=\"#config\">configuration</a></nav>\n");

        Results(html, result);
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

    private static void Results(StringBuilder html, QuickstartResult result)
    {
        html.Append("<h2 id=\"results\">Results: pretrained against untrained</h2>\n<p>Every number below was measured in this run on the ")
            .Append("held-out test split. <em>Untrained</em> is the same architecture with freshly initialised (seeded) weights.</p>\n")
            .Append("<table><tr><th>task</th><th>metric</th><th>pretrained</th><th>untrained</th><th>difference</th></tr>\n");
        foreach (var row in result.Results)
        {
            var difference = row.Pretrained - row.Untrained is { } d ? Difference(d) : "";
            html.Append("<tr class=\"").Append(row.PretrainedWins ? "win" : "lose").Append("\"><td>").Append(E(row.Task)).Append("</td><td>")
                .Append(E(row.Metric)).Append("</td><td class=\"num\">").Append(E(row.PretrainedText())).Append("</td><td class=\"num\">")
                .Append(E(row.UntrainedText())).Append("</td><td class=\"num\">").Append(difference).Append("</td></tr>\n");
        }
        html.Append("</table>\n");
        foreach (var part in result.Unavailable)
            html.Append("<div class=\"missing\">").Append(E(part.Reason)).Append("</div>\n");
    }

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
            .Append("among the distinct test notes (<span class=\"ok\">&#10003;</span> marks the image's own note), and the rank of its own note for both models.</p>\n");
        if (result.RetrievalExamples.Count == 0)
            html.Append("<div class=\"missing\">No retrieval example was requested.</div>\n");
        foreach (var example in result.RetrievalExamples)
        {
            html.Append("<div class=\"example\"><div>").Append(Image(example.Image, example.StudyId)).Append("<div class=\"note\">")
                .Append(E(example.StudyId)).Append("</div></div><div><div class=\"note\"><b>Own note:</b> ").Append(E(Shorten(example.OwnNote, 320)))
                .Append("</div><div class=\"note\">").Append(E(F($"Rank of the own note among {example.Candidates}: pretrained {example.PretrainedRank}, untrained {example.UntrainedRank}.")))
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

    private static string Difference(double value) =>
        double.IsNaN(value) ? "n/a" : value.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture);

    private static string Shorten(string text, int length)
    {
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= length ? flat : flat[..length].TrimEnd() + " ...";
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
