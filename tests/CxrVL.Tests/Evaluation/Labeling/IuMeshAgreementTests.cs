using System.Globalization;
using CxrVL.Data.Builders;
using CxrVL.Evaluation.Labeling;
using CxrVL.Files;
using Xunit.Abstractions;

namespace CxrVL.Tests.Evaluation.Labeling;

/// <summary>
/// Agreement of the labeler (findings + impression) with the IU X-ray MeSH tags (major and automatic) on the
/// shared reports: MeSH is an independent annotation, so the numbers measure the labeler; the floors are what a
/// working labeler must reach, not our own output. Reports come from <see cref="IuXrayBuilder"/>.
/// </summary>
public sealed class IuMeshAgreementTests(ITestOutputHelper output)
{
    private static readonly (string Name, string[] MeshWords, string[] Observations)[] Findings =
    [
        ("cardiomegaly", ["cardiomegaly"], ["Cardiomegaly"]),
        ("effusion", ["effusion"], ["Pleural Effusion"]),
        ("pneumothorax", ["pneumothorax"], ["Pneumothorax"]),
        ("edema", ["edema"], ["Edema"]),
        ("opacity/consolidation", ["opacity", "consolidation"], ["Lung Opacity", "Consolidation"]),
        ("normal", [], ["No Finding"]),
    ];

    [Fact]
    public void Labeler_agrees_with_iu_mesh_tags()
    {
        var labeler = ChexpertLabeler.FromDataRoot();
        var reports = new List<(IReadOnlyList<string> Mesh, ChexpertLabels Labels)>();
        var rows = new IuXrayBuilder().Build(new BuildContext(new BuildOptions { Root = DataRoots.Dataset("iu-xray") }));
        foreach (var row in rows)
        {
            var sections = new[] { row.Report?.Findings, row.Report?.Impression }.Where(t => !string.IsNullOrWhiteSpace(t)).ToList();
            if (sections.Count == 0)
                continue;
            var mesh = new[] { "mesh_major", "mesh_automatic" }
                .SelectMany(key => row.Meta?.GetValueOrDefault(key)?.Split("; ") ?? [])
                .Select(term => term.Trim().ToLowerInvariant())
                .ToList();
            reports.Add((mesh, labeler.Label(string.Join(' ', sections))));
        }
        Assert.True(reports.Count > 3000, $"only {reports.Count} IU reports with findings or impression");

        output.WriteLine($"{reports.Count} IU reports; labeler positive (1) vs MeSH tag present");
        foreach (var (name, words, observations) in Findings)
        {
            int tp = 0, fp = 0, fn = 0, tn = 0;
            foreach (var (mesh, labels) in reports)
            {
                var tagged = words.Length == 0
                    ? mesh.Contains("normal")
                    : mesh.Any(term => words.Any(w => term.Split('/')[0].Contains(w, StringComparison.Ordinal)));
                var labelled = observations.Any(o => labels[o] == ChexpertObservations.Positive);
                if (tagged && labelled) tp++;
                else if (labelled) fp++;
                else if (tagged) fn++;
                else tn++;
            }
            double agreement = (tp + tn) / (double)reports.Count, precision = tp / (double)Math.Max(1, tp + fp), recall = tp / (double)Math.Max(1, tp + fn);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-22} MeSH+ {tp + fn,5}  labeler+ {tp + fp,5}  agreement {agreement:0.000}  precision {precision:0.000}  recall {recall:0.000}"));
            Assert.True(agreement > 0.85, $"{name}: agreement {agreement:0.000}");
            Assert.True(precision > 0.6 && recall > 0.6, $"{name}: precision {precision:0.000}, recall {recall:0.000}");
        }
    }
}
