using CxrVL.Evaluation.Nlg.Meteor;

namespace CxrVL.Evaluation.Nlg;

/// <summary>Report-generation metrics over one set of samples, named as coco-caption names them.</summary>
/// <param name="Meteor">METEOR 1.5 when a scorer was given</param>
public sealed record NlgScores(BleuScore Bleu, double RougeL, double CiderD, int Samples, MeteorResult? Meteor = null)
{
    /// <summary>The keys <c>cxrvl eval nlg</c> prints: <c>BLEU_1</c>..<c>BLEU_4</c>, <c>ROUGE_L</c>, <c>CIDEr</c>, and <c>METEOR</c> when computed.</summary>
    public IReadOnlyDictionary<string, double> ToDictionary()
    {
        var result = new Dictionary<string, double>();
        for (var k = 0; k < Bleu.Corpus.Count; k++)
            result[$"BLEU_{k + 1}"] = Bleu.Corpus[k];
        result["ROUGE_L"] = RougeL;
        result["CIDEr"] = CiderD;
        if (Meteor is not null)
            result["METEOR"] = Meteor.Corpus;
        return result;
    }

    /// <summary>
    /// What each printed key is, for the metrics JSON: which conventions were used and which METEOR modules ran.
    /// </summary>
    /// <param name="corpusDocumentFrequencies">CIDEr-D's document frequencies came from a given corpus, not the references.</param>
    /// <param name="meteorModules">the METEOR modules that ran; null when METEOR was not computed</param>
    public static IReadOnlyDictionary<string, string> Definitions(bool corpusDocumentFrequencies, IReadOnlyList<MeteorModule>? meteorModules) => new Dictionary<string, string>
    {
        ["BLEU_1..BLEU_4"] = "corpus BLEU (coco-caption): clipped n-gram precisions summed over the corpus, brevity penalty from the closest reference length",
        ["ROUGE_L"] = "LCS F-measure with beta 1.2, best precision and recall over the references, mean over samples",
        ["CIDEr"] = "CIDEr-D: sigma 6, clipped tf-idf, x10, document frequencies from " +
                    (corpusDocumentFrequencies ? "the given corpus (--cider-corpus)" : "the evaluated references"),
        ["METEOR"] = meteorModules is null
            ? "not computed"
            : "METEOR 1.5 (-l en -norm, rank task: alpha 0.85, beta 0.2, gamma 0.6, delta 0.75) of the summed statistics, as pycocoevalcap reads it; modules " +
              string.Join(", ", meteorModules.Select(m => m.ToString().ToLowerInvariant())) +
              (meteorModules.Contains(MeteorModule.Synonym) ? "" : "; no synonym module (no WordNet database)") +
              (meteorModules.Contains(MeteorModule.Paraphrase) ? "" : "; no paraphrase module (no paraphrase table)"),
        ["tokens"] = "texts split on whitespace as given (no PTB tokenizer)",
    };
}
