namespace CxrVL.Evaluation.Nlg;

/// <summary>
/// ROUGE-L as coco-caption's <c>Rouge</c> computes it: tokens are the text split on single spaces (Python's
/// <c>split(" ")</c>, so an empty text is one empty token); for each sample the longest common subsequence with
/// every reference gives a precision (LCS / hypothesis tokens) and a recall (LCS / reference tokens); the maximum
/// precision and the maximum recall over the references (taken separately) give
/// <c>F = (1 + β²) P R / (R + β² P)</c> with β = 1.2, 0 when either is 0; the score is the mean F over samples.
/// </summary>
public static class RougeL
{
    public const double Beta = 1.2;

    public static double Compute(IReadOnlyList<NlgSample> samples) =>
        samples.Count == 0 ? 0 : samples.Average(s => Score(s.Prediction, s.References));

    public static double Score(string prediction, IReadOnlyList<string> references)
    {
        var candidate = prediction.Split(' ');
        double bestPrecision = 0, bestRecall = 0;
        foreach (var reference in references)
        {
            var tokens = reference.Split(' ');
            var lcs = LongestCommonSubsequence(tokens, candidate);
            bestPrecision = Math.Max(bestPrecision, lcs / (double)candidate.Length);
            bestRecall = Math.Max(bestRecall, lcs / (double)tokens.Length);
        }
        if (bestPrecision == 0 || bestRecall == 0)
            return 0;
        var beta2 = Beta * Beta;
        return (1 + beta2) * bestPrecision * bestRecall / (bestRecall + beta2 * bestPrecision);
    }

    internal static int LongestCommonSubsequence(string[] a, string[] b)
    {
        // One row of the dynamic programme suffices: row[j] = LCS(a[..i], b[..j]).
        var row = new int[b.Length + 1];
        foreach (var token in a)
        {
            var diagonal = 0;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = string.Equals(token, b[j - 1], StringComparison.Ordinal) ? diagonal + 1 : Math.Max(above, row[j - 1]);
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
