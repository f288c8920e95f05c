using CxrVL.Imaging;
using static TorchSharp.torch;

namespace CxrVL.Models.Downstream;

/// <summary>
/// FCOS inference: score sqrt(sigmoid(class) x sigmoid(centre-ness)), locations above the score threshold (at most
/// <c>preNms</c> per image), boxes from the side distances clipped to the image, NMS per category, the best
/// <c>maxDetections</c> kept.
/// </summary>
public static class FcosPostprocess
{
    public static IReadOnlyList<IReadOnlyList<DetectedBox>> Decode(FcosOutput output, long height, long width, double scoreThreshold,
                                                                  double nmsIou, int maxDetections, int preNms = 1000)
    {
        using var scope = NewDisposeScope();
        var scores = (output.ClassLogits.sigmoid() * output.Centerness.sigmoid().unsqueeze(-1)).sqrt();   // [B, P, K]
        var classes = scores.shape[2];
        var points = output.Points;
        var boxes = stack([
            (points[.., 0] - output.Distances[.., .., 0]).clamp(0, width),
            (points[.., 1] - output.Distances[.., .., 1]).clamp(0, height),
            (points[.., 0] + output.Distances[.., .., 2]).clamp(0, width),
            (points[.., 1] + output.Distances[.., .., 3]).clamp(0, height)], -1);                           // [B, P, 4]
        var flatScores = TensorArrays.ToVector(scores.flatten(1).to(float32));
        var flatBoxes = TensorArrays.ToVector(boxes.to(float32));
        var perImage = (int)(scores.shape[1] * classes);
        var locations = (int)scores.shape[1];
        var result = new List<IReadOnlyList<DetectedBox>>();
        for (var b = 0; b < scores.shape[0]; b++)
        {
            var candidates = Enumerable.Range(0, perImage)
                .Where(i => flatScores[b * perImage + i] > scoreThreshold)
                .OrderByDescending(i => flatScores[b * perImage + i]).Take(preNms).ToArray();
            var candidateBoxes = new float[candidates.Length * 4];
            var candidateScores = new float[candidates.Length];
            var categories = new int[candidates.Length];
            for (var c = 0; c < candidates.Length; c++)
            {
                var location = candidates[c] / (int)classes;
                categories[c] = candidates[c] % (int)classes;
                candidateScores[c] = (float)flatScores[b * perImage + candidates[c]];
                for (var k = 0; k < 4; k++)
                    candidateBoxes[c * 4 + k] = (float)flatBoxes[(b * locations + location) * 4 + k];
            }
            var kept = Nms.Batched(candidateBoxes, candidateScores, categories, nmsIou).Take(maxDetections);
            result.Add(kept.Select(k => new DetectedBox(
                Box.FromCorners(candidateBoxes[k * 4], candidateBoxes[k * 4 + 1], candidateBoxes[k * 4 + 2], candidateBoxes[k * 4 + 3]),
                candidateScores[k], categories[k])).ToList());
        }
        return result;
    }
}
