namespace CxrVL.Data.Loading;

/// <summary>Which images of a study (or of a patient's studies) a sample holds.</summary>
public enum StudyViews
{
    /// <summary>One image: the first frontal (PA/AP) one, else the first image.</summary>
    Frontal,

    /// <summary>Two slots: the first frontal and the first lateral image (the lateral may be absent).</summary>
    Pair,

    /// <summary>The frontal image of this study and of up to <see cref="StudyOptions.SequenceLength"/> - 1 earlier studies of the patient, oldest first.</summary>
    Sequence,
}
