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
}
