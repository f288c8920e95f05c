using CxrVL.Data.Loading;
using CxrVL.Data.Manifest;
using CxrVL.Imaging;
using CxrVL.Tests.Imaging;

namespace CxrVL.Tests.Data.Loading;

/// <summary>Manifest rows over a temporary dataset folder holding copies of real COVID JPEGs and generated files.</summary>
public sealed class StudyLoaderTests
{
    private readonly string _root = TestImages.TempFolder();
    private readonly string[] _jpegs;

    public StudyLoaderTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "images"));
        _jpegs = Directory.GetFiles(TestImages.CovidFolder).Order(StringComparer.Ordinal).Take(6)
            .Select(source =>
            {
                var relative = "images/" + Path.GetFileName(source);
                File.Copy(source, Path.Combine(_root, relative));
                return relative;
            }).ToArray();
    }

    private static ManifestRow Row(string study, string? findings, params (string Path, string View)[] images) => new()
    {
        Dataset = "covid", SubjectId = "p-" + study, StudyId = study, Split = ManifestSplits.Train,
        Images = images.Select(i => new ManifestImage { Path = i.Path, Present = true, View = i.View }).ToArray(),
        Report = findings is null ? null : new ManifestReport(Findings: findings),
        // Ids of even length ("s1") are positive, odd ("s22") uncertain: both values occur in a batch.
        Labels = new Dictionary<string, int> { ["Pneumonia"] = study.Length % 2 == 0 ? 1 : -1 },
    };

    private static IReadOnlyList<int> WordLengths(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Length).ToArray();

    private List<StudyBatch> ReadAll(BatchLoader<StudySample, StudyBatch> loader) => loader.ReadEpoch(0).ToList();

    private ManifestRow[] GoodRows() =>
    [
        Row("s1", "no acute findings", (_jpegs[0], "PA")),
        Row("s22", "bilateral opacities in both lungs", (_jpegs[1], "AP")),
        Row("s3", "small effusion", (_jpegs[2], "PA")),
    ];

    public static TheoryData<string, string> BadKinds => new()
    {
        { "corrupt", BadRowException.CorruptImage },
        { "missing", BadRowException.MissingImage },
        { "empty", BadRowException.EmptyReport },
    };

    [Theory]
    [MemberData(nameof(BadKinds))]
    public void A_bad_row_is_an_error_naming_the_study_and_file(string which, string kind)
    {
        var (bad, file) = BadRow(which);
        var loader = StudyLoader.Create([.. GoodRows(), bad], _root, new StudyOptions(), new LoaderOptions { BatchSize = 2 }, train: false, WordLengths);

        var error = Assert.Throws<BadRowException>(() => ReadAll(loader).ForEach(b => b.Dispose()));

        Assert.Equal(kind, error.Kind);
        Assert.Contains($"row covid/{bad.StudyId}", error.Message);
        if (file is not null)
            Assert.Contains(file, error.Message);
    }

    [Fact]
    public void Skip_bad_counts_each_kind_and_loads_the_rest()
    {
        var rows = GoodRows().Concat(new[] { "corrupt", "missing", "empty" }.Select(w => BadRow(w).Row)).ToArray();
        var loader = StudyLoader.Create(rows, _root, new StudyOptions(), new LoaderOptions { BatchSize = 4, SkipBad = true }, train: true, WordLengths);

        var batches = ReadAll(loader);
        var studies = batches.SelectMany(b => b.StudyIds).Order().ToArray();
        batches.ForEach(b => b.Dispose());

        Assert.Equal(["s1", "s22", "s3"], studies);
        Assert.Equal(new Dictionary<string, int>
        {
            [BadRowException.CorruptImage] = 1, [BadRowException.EmptyReport] = 1, [BadRowException.MissingImage] = 1,
        }, loader.Stats.SkippedByKind);
        Assert.Equal("3 samples; skipped 3 bad rows (corrupt image: 1, empty report: 1, missing image: 1)", loader.Stats.Summary());
    }

    [Fact]
    public void Tokens_and_labels_are_padded_and_masked()
    {
        var options = new StudyOptions { Labels = ["Pneumonia", "Edema"] };
        var loader = StudyLoader.Create(GoodRows(), _root, options, new LoaderOptions { BatchSize = 3, Shuffle = false }, train: false, WordLengths);

        using var batch = Assert.Single(ReadAll(loader));

        Assert.Equal(new long[] { 3, 3, 224, 224 }, batch.Images.shape);
        // "bilateral opacities in both lungs" is the longest: 5 words -> lengths 9, 9, 2, 4, 5.
        Assert.Equal(new long[] { 3, 5 }, batch.TokenIds!.shape);
        Assert.Equal(new long[] { 9, 9, 2, 4, 5 }, batch.TokenIds[1].data<long>().ToArray());
        Assert.Equal(new long[] { 5, 8, 0, 0, 0 }, batch.TokenIds[2].data<long>().ToArray());
        Assert.Equal(new long[] { 1, 1, 0, 0, 0 }, batch.AttentionMask![2].data<long>().ToArray());
        Assert.Equal(new float[] { 1, 0, -1, 0, 1, 0 }, batch.Labels!.data<float>().ToArray());
        Assert.Equal(new[] { true, false, true, false, true, false }, batch.LabelMentioned!.data<bool>().ToArray());
        Assert.Equal("small effusion", batch.Reports[2]);
    }

    [Fact]
    public void Pairs_hold_frontal_then_lateral_and_mark_a_missing_lateral()
    {
        var rows = new[]
        {
            Row("both", "text", (_jpegs[3], "LATERAL"), (_jpegs[0], "PA")),
            Row("pa-only", "text", (_jpegs[1], "PA")),
        };
        var options = new StudyOptions { Views = StudyViews.Pair };
        var loader = StudyLoader.Create(rows, _root, options, new LoaderOptions { BatchSize = 2, Shuffle = false }, train: false);

        using var batch = Assert.Single(ReadAll(loader));

        Assert.Equal(new long[] { 2, 2, 3, 224, 224 }, batch.Images.shape);
        Assert.Equal(new[] { true, true, true, false }, batch.ImagePresent!.data<bool>().ToArray());
        Assert.Equal(Single(_jpegs[0]), batch.Images[0, 0].data<float>().ToArray());
        Assert.Equal(Single(_jpegs[3]), batch.Images[0, 1].data<float>().ToArray());
        Assert.Equal(0f, batch.Images[1, 1].abs().sum().item<float>());
    }

    /// <summary>
    /// PRIOR's dataset draws one of the study's PA/AP images on every read; the recipe 'prior-chexpert' has no training
    /// augmentation, so each loaded image equals exactly one of the files.
    /// </summary>
    [Theory]
    [InlineData(FrontalChoice.First, true)]
    [InlineData(FrontalChoice.RandomPerRead, true)]
    [InlineData(FrontalChoice.RandomPerRead, false)]
    public void A_random_frontal_choice_draws_among_the_PA_and_AP_images_on_each_training_read(FrontalChoice choice, bool train)
    {
        var rows = new[] { Row("three", "text", (_jpegs[3], "LATERAL"), (_jpegs[0], "PA"), (_jpegs[1], "AP")), Row("one", "text", (_jpegs[2], "PA")) };
        var options = new StudyOptions { ImageRecipe = ImageRecipes.BuiltIn.Get("prior-chexpert"), FrontalChoice = choice };
        var loader = StudyLoader.Create(rows, _root, options, new LoaderOptions { BatchSize = 2, Shuffle = false }, train);
        var files = new[] { _jpegs[0], _jpegs[1], _jpegs[2], _jpegs[3] }.ToDictionary(f => f, f => Single(f, "prior-chexpert"));

        var shown = new List<string>();
        for (var epoch = 0; epoch < 20; epoch++)
        {
            using var batch = Assert.Single(loader.ReadEpoch(epoch));
            var first = batch.Images[0].data<float>().ToArray();
            shown.Add(Assert.Single(files, f => f.Value.SequenceEqual(first)).Key);
            Assert.Equal(files[_jpegs[2]], batch.Images[1].data<float>().ToArray());
        }

        var expected = choice == FrontalChoice.RandomPerRead && train ? new[] { _jpegs[0], _jpegs[1] } : [_jpegs[0]];
        Assert.Equal(expected, shown.Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Sequences_hold_the_patients_earlier_studies_oldest_first()
    {
        ManifestRow Study(string id, int order, int image) => Row(id, "text", (_jpegs[image], "PA")) with { SubjectId = "p", Order = order };
        var rows = new[] { Study("late", 2, 2), Study("early", 0, 0), Study("middle", 1, 1) };
        var options = new StudyOptions { Views = StudyViews.Sequence, SequenceLength = 2 };
        var loader = StudyLoader.Create(rows, _root, options, new LoaderOptions { BatchSize = 3, Shuffle = false }, train: false);

        using var batch = Assert.Single(ReadAll(loader));

        Assert.Equal(new long[] { 3, 2, 3, 224, 224 }, batch.Images.shape);
        // late: [middle, late]; early: [absent, early]; middle: [early, middle].
        Assert.Equal(new[] { true, true, false, true, true, true }, batch.ImagePresent!.data<bool>().ToArray());
        Assert.Equal(Single(_jpegs[1]), batch.Images[0, 0].data<float>().ToArray());
        Assert.Equal(Single(_jpegs[2]), batch.Images[0, 1].data<float>().ToArray());
        Assert.Equal(Single(_jpegs[0]), batch.Images[2, 0].data<float>().ToArray());
    }

    [Fact]
    public void Masks_and_boxes_come_out_aligned_after_the_recipe()
    {
        // The image is 312x256 (000001-17.jpg); its mask file is twice that size, as segmentation masks at the original
        // resolution are. Box and mask mark the same rectangle.
        var image = "images/000001-17.jpg";
        File.Copy(TestImages.Jpeg, Path.Combine(_root, image), overwrite: true);
        var maskPath = Path.Combine(_root, "lung.png");
        TestImages.WriteGrayPng(maskPath, 624, 512, 8, (x, y) => x is >= 100 and < 400 && y is >= 60 and < 300 ? 255 : 0);
        var row = Row("annotated", "text", (image, "PA")) with
        {
            Images = [new ManifestImage
            {
                Path = image, Present = true, View = "PA",
                Boxes = [new ManifestBox("Right Lung", 50, 30, 150, 120)],
                Masks = [new ManifestMask("Right Lung", "lung.png")],
            }],
        };
        var options = new StudyOptions { MaskLabels = ["Right Lung"], MaxBoxes = 3, BoxLabels = ["Left Lung", "Right Lung"] };
        var loader = StudyLoader.Create([row], _root, options, new LoaderOptions { BatchSize = 1 }, train: true);

        using var batch = Assert.Single(ReadAll(loader));

        Assert.Equal(new long[] { 1, 1, 224, 224 }, batch.Masks!.shape);
        Assert.Equal(new long[] { 1, -1, -1 }, batch.BoxLabels!.data<long>().ToArray());
        var box = batch.Boxes![0, 0].data<float>().ToArray();
        var mask = batch.Masks[0, 0].data<float>().ToArray();
        int x0 = 224, y0 = 224, x1 = 0, y1 = 0;
        for (var y = 0; y < 224; y++)
        {
            for (var x = 0; x < 224; x++)
            {
                if (mask[y * 224 + x] < 0.5f)
                    continue;
                (x0, y0, x1, y1) = (Math.Min(x0, x), Math.Min(y0, y), Math.Max(x1, x + 1), Math.Max(y1, y + 1));
            }
        }
        Assert.True(x1 > x0, "the mask is empty after the transforms");
        Assert.InRange(box[0], x0 - 1, x0 + 1);
        Assert.InRange(box[1], y0 - 1, y0 + 1);
        Assert.InRange(box[2], x1 - 1, x1 + 1);
        Assert.InRange(box[3], y1 - 1, y1 + 1);
    }

    [Fact]
    public void A_coloured_mask_lands_on_its_rectangle_of_the_image()
    {
        // The COVID collection's masks are pure red RGBA bitmaps covering a rectangle of the image (x, y, w, h in the
        // manifest): red is gray level 76, and the bitmap must be resized onto its rectangle, not onto the whole image.
        var image = "images/000001-17.jpg";
        File.Copy(TestImages.Jpeg, Path.Combine(_root, image), overwrite: true);
        var maskPath = Path.Combine(_root, "red.png");
        using (var red = new OpenCvSharp.Mat(160, 200, OpenCvSharp.MatType.CV_8UC4, OpenCvSharp.Scalar.All(0)))
        {
            // Left half lit: image pixels x 50..100, y 40..120 once the 200x160 bitmap covers the 100x80 rectangle at (50, 40).
            red[new OpenCvSharp.Rect(0, 0, 100, 160)].SetTo(new OpenCvSharp.Scalar(0, 0, 255, 255));
            OpenCvSharp.Cv2.ImWrite(maskPath, red);
        }
        var row = Row("placed", "text", (image, "PA")) with
        {
            Images = [new ManifestImage
            {
                Path = image, Present = true, View = "PA",
                Boxes = [new ManifestBox("Right Lung", 50, 40, 50, 80)],
                Masks = [new ManifestMask("Right Lung", "red.png", 50, 40, 100, 80)],
            }],
        };
        var options = new StudyOptions { MaskLabels = ["Right Lung"], MaxBoxes = 1, BoxLabels = ["Right Lung"] };
        var loader = StudyLoader.Create([row], _root, options, new LoaderOptions { BatchSize = 1 }, train: false);

        using var batch = Assert.Single(ReadAll(loader));

        var box = batch.Boxes![0, 0].data<float>().ToArray();
        var mask = batch.Masks![0, 0].data<float>().ToArray();
        int x0 = 224, y0 = 224, x1 = 0, y1 = 0;
        for (var y = 0; y < 224; y++)
        {
            for (var x = 0; x < 224; x++)
            {
                if (mask[y * 224 + x] < 0.5f)
                    continue;
                (x0, y0, x1, y1) = (Math.Min(x0, x), Math.Min(y0, y), Math.Max(x1, x + 1), Math.Max(y1, y + 1));
            }
        }
        Assert.True(x1 > x0, "the red mask is lost");
        Assert.InRange(box[0], x0 - 1, x0 + 1);
        Assert.InRange(box[1], y0 - 1, y0 + 1);
        Assert.InRange(box[2], x1 - 1, x1 + 1);
        Assert.InRange(box[3], y1 - 1, y1 + 1);
    }

    /// <summary>The eval-mode pixels of one image on its own, the truth for a slot.</summary>
    private float[] Single(string relative, string recipe = "mgca")
    {
        var pipeline = ImageRecipes.BuiltIn.Get(recipe).Pipeline(train: false);
        var pixels = new float[pipeline.PixelCount];
        pipeline.Load(Path.Combine(_root, relative), new TransformRandom(0), pixels);
        return pixels;
    }

    private (ManifestRow Row, string? File) BadRow(string which)
    {
        switch (which)
        {
            case "corrupt":
                var truncated = TestImages.Truncated(Path.Combine(_root, _jpegs[4]), Path.Combine(_root, "images"));
                var relative = "images/" + Path.GetFileName(truncated);
                return (Row("bad-corrupt", "text", (relative, "PA")), Path.Combine(_root, relative));
            case "missing":
                return (Row("bad-missing", "text", ("images/not-there.jpg", "PA")), Path.Combine(_root, "images/not-there.jpg"));
            default:
                return (Row("bad-empty", "   ", (_jpegs[5], "PA")), null);
        }
    }
}
