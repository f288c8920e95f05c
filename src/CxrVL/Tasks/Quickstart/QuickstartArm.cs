namespace CxrVL.Tasks.Quickstart;

/// <summary>The three models the quickstart compares on every task: the same architecture from three starting points.</summary>
public enum QuickstartArm
{
    /// <summary>Random initialisation (seeded): no pretrained weights at all.</summary>
    Random,

    /// <summary>The package weights (ImageNet ResNet-18, MiniLM-L6) without CxrVL pretraining; new parts (projection heads) random.</summary>
    Package,

    /// <summary>CxrVL pretraining on the image-note pairs, started from the package weights.</summary>
    Pretrained,
}
