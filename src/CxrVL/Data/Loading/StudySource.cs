using System.Collections.Concurrent;
using CxrVL.Data.Manifest;
using CxrVL.Imaging;
using OpenCvSharp;

namespace CxrVL.Data.Loading;

/// <summary>
/// Manifest rows as samples: images by relative path under the dataset root through one recipe pipeline, the
/// report encoded by a caller's <c>textEncoder</c> (any tokenizer: text in, token ids out; called on worker
/// threads, so it must be thread-safe), labels, masks and boxes. A missing or corrupt image and an empty report
/// are <see cref="BadRowException"/>s naming the study and the file.
/// </summary>
public sealed class StudySource : ISampleSource<StudySample>
{
    private readonly IReadOnlyList<ManifestRow> _rows;
    private readonly string _root;
    private readonly ImagePipeline _pipeline;
    private readonly StudyOptions _options;
    private readonly Func<string, IReadOnlyList<int>>? _textEncoder;
    private readonly int[][] _sequences;
    private readonly bool _train;

    /// <summary>
    /// Image files whose JPEG data was already walked for damage: the check costs about a decode, so it runs on a file's
    /// first load only, not every epoch. Only files that passed are here; a bad one fails again as it should.
    /// </summary>
    private readonly ConcurrentDictionary<string, bool> _checked = new(StringComparer.Ordinal);

    public StudySource(IReadOnlyList<ManifestRow> rows, string root, StudyOptions options, bool train,
        Func<string, IReadOnlyList<int>>? textEncoder = null)
    {
        _rows = rows;
        _root = root;
        _options = options;
        _textEncoder = textEncoder;
        _train = train;
        _pipeline = options.ImageRecipe.Pipeline(train);
        if (options.Views == StudyViews.Sequence && options.SequenceLength < 1)
            throw new CxrVLException($"data.sequence_length must be at least 1 (got {options.SequenceLength}).");
        _sequences = options.Views == StudyViews.Sequence ? Sequences(rows, options.SequenceLength) : [];
    }

    public int Count => _rows.Count;

    public ImagePipeline Pipeline => _pipeline;

    public StudyOptions Options => _options;

    public StudySample Load(int index, TransformRandom random)
    {
        var row = _rows[index];
        var id = $"{row.Dataset}/{row.StudyId}";
        var report = ReportText(row);
        if (_options.RequireReport && string.IsNullOrWhiteSpace(report))
            throw new BadRowException(id, BadRowException.EmptyReport,
                $"no text in report section{(_options.ReportSections.Count == 1 ? "" : "s")} {string.Join(" + ", _options.ReportSections)}");
        var tokens = _textEncoder is not null && report is not null ? Truncate(_textEncoder(report)) : null;
        var (labels, mentioned) = Labels(row);

        var slots = Slots(index, row, id, random);
        var images = new PixelBuffer?[slots.Length];
        PixelBuffer? masks = null;
        IReadOnlyList<BoundingBox> boxes = [];
        try
        {
            for (var s = 0; s < slots.Length; s++)
            {
                if (slots[s] is not { } slot)
                    continue;
                var slotRandom = new TransformRandom(random.NextUInt64());
                images[s] = new PixelBuffer(_pipeline.PixelCount);
                if (s == 0 && ReferenceEquals(slot.Row, row) && (_options.MaskLabels.Count > 0 || _options.MaxBoxes > 0))
                    (masks, boxes) = LoadAnnotated(id, slot.Image, slotRandom, images[s]!);
                else
                    LoadImage(id, slot.Image, slotRandom, images[s]!);
            }
            return new StudySample(index, row.StudyId)
            {
                Images = images, Report = report, Tokens = tokens, Labels = labels, LabelMentioned = mentioned,
                Masks = masks, Boxes = boxes,
            };
        }
        catch
        {
            foreach (var image in images)
                image?.Dispose();
            masks?.Dispose();
            throw;
        }
    }

    private void LoadImage(string id, ManifestImage image, TransformRandom random, PixelBuffer target)
    {
        var path = ImagePath(id, image);
        try
        {
            _pipeline.Load(path, random, target.Span, checkJpegData: !_checked.ContainsKey(path));
            _checked.TryAdd(path, true);
        }
        catch (ImageDecodeException e)
        {
            throw BadRows.FromImage(id, e);
        }
    }

    private (PixelBuffer? Masks, IReadOnlyList<BoundingBox> Boxes) LoadAnnotated(string id, ManifestImage image, TransformRandom random, PixelBuffer target)
    {
        var path = ImagePath(id, image);
        ImageSample sample;
        try
        {
            var decoded = ImageDecoder.Decode(path, _pipeline.Recipe.Decode, checkJpegData: !_checked.ContainsKey(path));
            _checked.TryAdd(path, true);
            sample = new ImageSample(decoded, MaskChannels(id, image, decoded.Width, decoded.Height),
                (image.Boxes ?? []).Select(b => new BoundingBox((float)b.X, (float)b.Y, (float)(b.X + b.W), (float)(b.Y + b.H), b.Label)).ToList());
        }
        catch (ImageDecodeException e)
        {
            throw BadRows.FromImage(id, e);
        }
        using (sample)
        {
            _pipeline.Transform(sample, random);
            _pipeline.Write(sample.Image, target.Span, path);
            if (_options.MaskLabels.Count == 0)
                return (null, sample.Boxes.ToArray());
            var size = _pipeline.Recipe.Size;
            var masks = new PixelBuffer(_options.MaskLabels.Count * size * size);
            for (var k = 0; k < sample.Masks.Count; k++)
                PixelWriter.Write(sample.Masks[k], masks.Span.Slice(k * size * size, size * size), 1, new Normalization([0f], [1f]));
            return (masks, sample.Boxes.ToArray());
        }
    }

    /// <summary>One mask per mask label on the image's pixel frame: the union of that label's masks, 0 or 255.</summary>
    private List<PixelImage> MaskChannels(string id, ManifestImage image, int width, int height)
    {
        var channels = new List<PixelImage>();
        try
        {
            foreach (var label in _options.MaskLabels)
            {
                var union = new Mat(height, width, MatType.CV_8UC1, Scalar.All(0));
                channels.Add(new PixelImage(union, 255));
                foreach (var mask in (image.Masks ?? []).Where(m => m.Label == label))
                {
                    using var decoded = ImageDecoder.Decode(Path.Combine(_root, mask.Path), ColorMode.Gray);
                    // Any lit pixel is foreground: masks are often drawn in one colour (the COVID set's are pure red,
                    // gray level 76 of 255), so half the maximum would lose them.
                    using var binary = new Mat();
                    Cv2.Threshold(decoded.Mat, binary, 0, 255, ThresholdTypes.Binary);
                    using var binary8 = new Mat();
                    binary.ConvertTo(binary8, MatType.CV_8U);
                    Place(binary8, union, mask);
                }
            }
            return channels;
        }
        catch
        {
            channels.ForEach(c => c.Dispose());
            throw;
        }
    }

    /// <summary>
    /// Resizes a mask bitmap onto its rectangle of the image (the whole image when the manifest gives none) and merges it
    /// into <paramref name="union"/>; the part of the rectangle outside the image is cut off.
    /// </summary>
    private static void Place(Mat bitmap, Mat union, ManifestMask mask)
    {
        var (width, height) = (union.Width, union.Height);
        var (x, y, w, h) = mask is { X: { } mx, Y: { } my, W: { } mw, H: { } mh }
            ? ((int)Math.Round(mx), (int)Math.Round(my), (int)Math.Round(mw), (int)Math.Round(mh))
            : (0, 0, width, height);
        if (w < 1 || h < 1)
            return;
        using var resized = new Mat();
        Cv2.Resize(bitmap, resized, new Size(w, h), 0, 0, InterpolationFlags.Nearest);
        var target = new Rect(x, y, w, h).Intersect(new Rect(0, 0, width, height));
        if (target.Width < 1 || target.Height < 1)
            return;
        using var from = new Mat(resized, new Rect(target.X - x, target.Y - y, target.Width, target.Height));
        using var to = new Mat(union, target);
        Cv2.Max(to, from, to);
    }

    private string ImagePath(string id, ManifestImage image)
    {
        var path = Path.Combine(_root, image.Path);
        if (!image.Present)
            throw new BadRowException(id, BadRowException.MissingImage, "the manifest marks the image as not present", path);
        return path;
    }

    /// <summary>The images each slot holds (null: absent), per <see cref="StudyOptions.Views"/>.</summary>
    private (ManifestRow Row, ManifestImage Image)?[] Slots(int index, ManifestRow row, string id, TransformRandom random)
    {
        switch (_options.Views)
        {
            case StudyViews.Frontal:
                return [(row, ChosenFrontal(row, random) ?? row.Images.FirstOrDefault() ?? throw NoImage(id, "no image"))];
            case StudyViews.Pair:
                var lateral = row.Images.FirstOrDefault(i => ViewPositions.IsLateral(i.View));
                // An image without a view position (some sources leave it blank) stands in for the frontal one.
                var frontal = ChosenFrontal(row, random) ?? row.Images.FirstOrDefault(i => i.View is null) ?? throw NoImage(id, "no frontal (PA/AP) image");
                return [(row, frontal), lateral is null ? null : (row, lateral)];
            default:
                var sequence = _sequences[index];
                var slots = new (ManifestRow, ManifestImage)?[_options.SequenceLength];
                var offset = slots.Length - sequence.Length;
                for (var i = 0; i < sequence.Length; i++)
                {
                    var study = _rows[sequence[i]];
                    var image = Frontal(study) ?? study.Images.FirstOrDefault();
                    if (image is null && sequence[i] == index)
                        throw NoImage(id, "no image");
                    slots[offset + i] = image is null ? null : (study, image);
                }
                return slots;
        }
    }

    /// <summary>
    /// The study's frontal image per <see cref="StudyOptions.FrontalChoice"/>. The draw takes a value from
    /// <paramref name="random"/> only when there is a choice, so studies with one frontal image transform as with <c>first</c>.
    /// </summary>
    private ManifestImage? ChosenFrontal(ManifestRow row, TransformRandom random)
    {
        if (_options.FrontalChoice == FrontalChoice.First || !_train)
            return Frontal(row);
        var frontals = row.Images.Where(i => ViewPositions.IsFrontal(i.View)).ToList();
        return frontals.Count switch
        {
            0 => null,
            1 => frontals[0],
            _ => frontals[random.NextInt(frontals.Count)],
        };
    }

    private static ManifestImage? Frontal(ManifestRow row) => row.Images.FirstOrDefault(i => ViewPositions.IsFrontal(i.View));

    private static BadRowException NoImage(string id, string detail) => new(id, BadRowException.MissingImage, $"the study lists {detail}");

    /// <summary>For each row, the indices of the patient's studies up to and including it, oldest first, at most <paramref name="length"/>.</summary>
    private static int[][] Sequences(IReadOnlyList<ManifestRow> rows, int length)
    {
        var result = new int[rows.Count][];
        foreach (var ordered in PatientTimelines.Of(rows))
        {
            for (var p = 0; p < ordered.Length; p++)
                result[ordered[p]] = ordered[Math.Max(0, p - length + 1)..(p + 1)];
        }
        return result;
    }

    private string? ReportText(ManifestRow row) => row.Report?.Join(_options.ReportSections);

    private IReadOnlyList<int> Truncate(IReadOnlyList<int> ids) =>
        ids.Count <= _options.MaxTokens ? ids : ids.Take(_options.MaxTokens).ToArray();

    private (float[] Values, bool[] Mentioned) Labels(ManifestRow row)
    {
        var values = new float[_options.Labels.Count];
        var mentioned = new bool[_options.Labels.Count];
        for (var k = 0; k < values.Length; k++)
        {
            if (row.Labels.TryGetValue(_options.Labels[k], out var value))
            {
                values[k] = value;
                mentioned[k] = true;
            }
        }
        return (values, mentioned);
    }
}
