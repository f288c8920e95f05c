using CxrVL.Evaluation.Nlg.Meteor;
using CxrVL.Text.Cleaning;

namespace CxrVL.Evaluation.Nlg;

/// <summary>
/// Scores generated reports against references with the coco-caption metrics, on the texts exactly as given: like
/// R2Gen and XProNet, which pass their cleaned lower-case reports to the scorers without the PTB tokenizer.
/// </summary>
public static class NlgEvaluator
{
    /// <param name="samples">prediction and references per id (at least one reference each)</param>
    /// <param name="ciderCorpus">texts for CIDEr-D's document frequencies; null uses the samples' references</param>
    /// <param name="cleaner">
    /// a cleaning recipe applied to every text first (e.g. <c>r2gen-iu</c>: R2Gen's lower-case, punctuation-free
    /// text with " . " between sentences), its words then re-joined by single spaces as R2Gen's encode/decode
    /// round trip leaves them; that round trip also turns words outside R2Gen's vocabulary into <c>&lt;unk&gt;</c>,
    /// which cleaning alone does not reproduce
    /// </param>
    /// <param name="meteor">METEOR 1.5's scorer (<see cref="MeteorScorer.ForEnglish"/>); null leaves METEOR out</param>
    public static NlgScores Evaluate(IReadOnlyList<NlgSample> samples, IReadOnlyList<string>? ciderCorpus = null, IReportCleaner? cleaner = null,
                                     MeteorScorer? meteor = null)
    {
        if (cleaner is not null)
        {
            samples = Clean(samples, cleaner);
            ciderCorpus = ciderCorpus?.Select(text => Clean(text, cleaner)).ToList();
        }
        if (samples.Count == 0)
            throw new CxrVLException("no samples to score: the predictions and references share no id.");
        foreach (var sample in samples)
        {
            if (sample.References.Count == 0)
                throw new CxrVLException($"id '{sample.Id}' has an empty list of references; give at least one reference text.");
        }
        var cider = ciderCorpus is null ? CiderD.FromReferences(samples) : CiderD.FromCorpus(ciderCorpus);
        return new NlgScores(Bleu.Compute(samples), RougeL.Compute(samples), cider.Compute(samples).Mean, samples.Count, meteor?.Score(samples));
    }

    /// <summary>Every text cleaned with the recipe and its words re-joined by single spaces (see <see cref="Evaluate"/>).</summary>
    public static IReadOnlyList<NlgSample> Clean(IReadOnlyList<NlgSample> samples, IReportCleaner cleaner) =>
        samples.Select(s => new NlgSample(s.Id, Clean(s.Prediction, cleaner), s.References.Select(r => Clean(r, cleaner)).ToList())).ToList();

    private static string Clean(string text, IReportCleaner cleaner) => string.Join(' ', NgramCounts.PythonSplit(cleaner.Clean(text).Text));
}
