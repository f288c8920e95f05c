namespace CxrVL.Data.Loading;

/// <summary>Which of a study's frontal (PA/AP) images a sample shows (<see cref="StudyOptions.FrontalChoice"/>).</summary>
public enum FrontalChoice
{
    /// <summary>The first frontal image the manifest lists, on every read.</summary>
    First,

    /// <summary>
    /// In training, a frontal image drawn uniformly on each read (PRIOR's dataset picks one of the study's PA/AP images
    /// every time it loads the study); evaluation reads take the first, so scores repeat.
    /// </summary>
    RandomPerRead,
}
