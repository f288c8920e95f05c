namespace CxrVL.Models.Downstream;

/// <summary>
/// Greedy non-maximum suppression as torchvision.ops.nms does it: boxes (x1, y1, x2, y2) in order of decreasing score
/// each suppress every later box whose IoU with them is greater than the threshold; areas without a +1 pixel.
/// </summary>
public static class Nms
{
    /// <summary>Indices of the kept boxes, by decreasing score (ties in input order).</summary>
    /// <param name="boxes">n x 4 values, row-major.</param>
    public static int[] Apply(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, double iouThreshold)
    {
        var n = scores.Length;
        if (boxes.Length != 4 * n)
            throw new ArgumentException($"NMS needs 4 coordinates per score: {boxes.Length} values for {n} scores.");
        var scoreCopy = scores.ToArray();
        var order = Enumerable.Range(0, n).OrderByDescending(i => scoreCopy[i]).ToArray();
        var suppressed = new bool[n];
        var kept = new List<int>();
        for (var a = 0; a < n; a++)
        {
            var i = order[a];
            if (suppressed[i])
                continue;
            kept.Add(i);
            var (x1, y1, x2, y2) = (boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]);
            var area = (x2 - x1) * (y2 - y1);
            for (var b = a + 1; b < n; b++)
            {
                var j = order[b];
                if (suppressed[j])
                    continue;
                var w = Math.Max(0f, Math.Min(x2, boxes[4 * j + 2]) - Math.Max(x1, boxes[4 * j]));
                var h = Math.Max(0f, Math.Min(y2, boxes[4 * j + 3]) - Math.Max(y1, boxes[4 * j + 1]));
                var intersection = w * h;
                var other = (boxes[4 * j + 2] - boxes[4 * j]) * (boxes[4 * j + 3] - boxes[4 * j + 1]);
                if (intersection / (area + other - intersection) > iouThreshold)
                    suppressed[j] = true;
            }
        }
        return kept.ToArray();
    }

    /// <summary>NMS within each category (torchvision.ops.batched_nms): boxes of different categories never suppress each other.</summary>
    public static int[] Batched(ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, ReadOnlySpan<int> categories, double iouThreshold)
    {
        var kept = new List<int>();
        var categoryCopy = categories.ToArray();
        var boxCopy = boxes.ToArray();
        var scoreCopy = scores.ToArray();
        foreach (var category in categoryCopy.Distinct())
        {
            var members = Enumerable.Range(0, categoryCopy.Length).Where(i => categoryCopy[i] == category).ToArray();
            var subBoxes = members.SelectMany(i => boxCopy.AsSpan(4 * i, 4).ToArray()).ToArray();
            var subScores = members.Select(i => scoreCopy[i]).ToArray();
            kept.AddRange(Apply(subBoxes, subScores, iouThreshold).Select(k => members[k]));
        }
        return kept.OrderByDescending(i => scoreCopy[i]).ThenBy(i => i).ToArray();
    }
}
