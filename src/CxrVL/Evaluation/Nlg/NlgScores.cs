namespace CxrVL.Evaluation.Nlg;

/// <summary>Report-generation metrics over one set of samples, named as coco-caption names them.</summary>
public sealed record NlgScores(BleuScore Bleu, double RougeL, double CiderD, int Samples)
{
    /// <summary>The keys <c>cxrvl eval nlg</c> prints: <c>BLEU_1</c>..<c>BLEU_4</c>, <c>ROUGE_L</c>, <c>CIDEr</c>.</summary>
    public IReadOnlyDictionary<string, double> ToDictionary()
    {
        var result = new Dictionary<string, double>();
        for (var k = 0; k < Bleu.Corpus.Count; k++)
            result[$"BLEU_{k + 1}"] = Bleu.Corpus[k];
        result["ROUGE_L"] = RougeL;
        result["CIDEr"] = CiderD;
        return result;
    }

    /// <summary>
    /// What each printed key is, for the metrics JSON: which conventions were used and that METEOR is not computed.
    /// </summary>
    /// <param name="corpusDocumentFrequencies">CIDEr-D's document frequencies came from a given corpus, not the references.</param>
    public static IReadOnlyDictionary<string, string> Definitions(bool corpusDocumentFrequencies) => new Dictionary<string, string>
    {
        ["BLEU_1..BLEU_4"] = "corpus BLEU (coco-caption): clipped n-gram precisions summed over the corpus, brevity penalty from the closest reference length",
        ["ROUGE_L"] = "LCS F-measure with beta 1.2, best precision and recall over the references, mean over samples",
        ["CIDEr"] = "CIDEr-D: sigma 6, clipped tf-idf, x10, document frequencies from " +
                    (corpusDocumentFrequencies ? "the given corpus (--cider-corpus)" : "the evaluated references"),
        ["METEOR"] = "not computed (null): METEOR 1.5 needs its Java jar, WordNet synonyms and paraphrase table",
        ["tokens"] = "texts split on whitespace as given (no PTB tokenizer)",
    };
}
