namespace CxrVL.Data.Builders;

/// <summary>
/// What <c>cxrvl data build</c> passes to a builder. Each builder reads the options that apply to its source and
/// ignores the rest.
/// </summary>
public sealed record BuildOptions
{
    /// <summary>The dataset root, laid out as the publisher distributes it.</summary>
    public required string Root { get; init; }

    /// <summary>MIMIC-CXR report texts (<c>files/pXX/p&lt;subject&gt;/s&lt;study&gt;.txt</c>), distributed apart from the images.</summary>
    public string? Reports { get; init; }

    /// <summary>IU-Xray image folder (<c>CXR&lt;id&gt;_IM-*.png</c>), when not under the root.</summary>
    public string? Images { get; init; }

    /// <summary>A source's annotation tables when kept apart from its images (the MS-CXR-T CSVs).</summary>
    public string? Annotations { get; init; }

    /// <summary>Folder of split list files (<c>train_list.txt</c>, <c>val_list.txt</c>, <c>test_list.txt</c>, <c>train_1.txt</c>, <c>train_10.txt</c>).</summary>
    public string? SplitLists { get; init; }

    /// <summary>MIMIC label file: <c>chexpert</c> or <c>negbio</c>.</summary>
    public string Labeler { get; init; } = "chexpert";

    /// <summary>How uncertain labels (-1) are written: <see cref="UncertainPolicy.Ignore"/> keeps -1.</summary>
    public UncertainPolicy Uncertain { get; init; } = UncertainPolicy.Ignore;

    /// <summary>Seed of every random draw (splits, fractions, samples); recorded in the manifest info.</summary>
    public int Seed { get; init; }

    /// <summary>Patient-level train/valid/test proportions used when the source has no split.</summary>
    public IReadOnlyList<double> SplitProportions { get; init; } = [0.7, 0.1, 0.2];

    /// <summary>Training fractions in percent drawn from the training split (nested); 100 is implicit.</summary>
    public IReadOnlyList<int> Fractions { get; init; } = [1, 10];

    /// <summary>Skip and count malformed source rows instead of stopping at the first.</summary>
    public bool SkipBad { get; init; }

    /// <summary>CheXpert only: write the 5x200 zero-shot sample (200 one-hot studies per competition class).</summary>
    public bool FiveBy200 { get; init; }

    /// <summary>CheXpert only: the zero-shot sample a published list names (PRIOR's <c>chexpert_5x200.json</c>), one row per listed image.</summary>
    public string? FiveBy200List { get; init; }
}
