using CxrVL.Imaging;
namespace CxrVL.Evaluation.Detection;

/// <summary>
/// Free-response ROC as the Object-CXR challenge scores it (and LoVT reports it): detections of all images in
/// order of decreasing score (stable); a detection that hits a truth box marks that box found (a box is found
/// once; further hits on it are not false positives), any other detection is a false positive. The sensitivity at
/// rate f is the fraction of truth boxes found when the false positives first reach f x (number of images); a
/// rate never reached gets the sensitivity after all detections. Categories are not looked at; crowd flags are
/// not used.
/// <para>Two edge cases differ from the challenge's script (which LoVT copies): when one false positive reaches
/// several rates at once, all of them get the current sensitivity (the script assigns them at later detections),
/// and unreached rates get the final sensitivity (the script repeats the last one it recorded). With at least 8
/// images each rate is reached at a different false positive, so the first difference cannot arise there.</para>
/// </summary>
public static class Froc
{
    public static FrocResult Compute(IReadOnlyList<DetectionImage> images, FrocOptions? options = null)
    {
        options ??= new FrocOptions();
        var rates = options.FalsePositivesPerImage;
        if (rates.Count == 0 || rates.Zip(rates.Skip(1)).Any(p => p.First >= p.Second) || rates[0] <= 0)
            throw new ArgumentException("false-positive rates must be positive and increasing.");
        var detections = images
            .SelectMany((image, i) => image.Detections.Select(d => (Image: i, Detection: d)))
            .OrderByDescending(x => x.Detection.Score)
            .ToArray();
        var found = images.Select(i => new bool[i.Truth.Count]).ToArray();
        var truthBoxes = images.Sum(i => i.Truth.Count);
        var sensitivities = new double[rates.Count];
        int hits = 0, falsePositives = 0, next = 0;
        foreach (var (imageIndex, detection) in detections)
        {
            var truth = images[imageIndex].Truth;
            var hit = false;
            for (var g = 0; g < truth.Count; g++)
            {
                if (!Hits(detection.Box, truth[g].Box, options))
                    continue;
                hit = true;
                if (!found[imageIndex][g])
                {
                    found[imageIndex][g] = true;
                    hits++;
                }
            }
            if (hit)
                continue;
            falsePositives++;
            while (next < rates.Count && (double)falsePositives / images.Count >= rates[next])
                sensitivities[next++] = Sensitivity(hits, truthBoxes);
            if (next == rates.Count)
                break;
        }
        while (next < rates.Count)
            sensitivities[next++] = Sensitivity(hits, truthBoxes);
        return new FrocResult(rates.ToArray(), sensitivities, sensitivities.Average());
    }

    private static bool Hits(Box detection, Box truth, FrocOptions options) => options.Hit switch
    {
        FrocHit.CentreInside => detection.CentreInside(truth),
        _ => detection.Iou(truth) >= options.IouThreshold,
    };

    private static double Sensitivity(int hits, int truthBoxes) => truthBoxes == 0 ? double.NaN : (double)hits / truthBoxes;
}
