namespace CxrVL.Text.Cleaning;

/// <summary>What to do with de-identification placeholders (IU's <c>XXXX</c>, MIMIC's <c>___</c>).</summary>
public enum DeidentificationMode
{
    /// <summary>Leave them, as the published recipes do (R2Gen's IU vocabulary has the word "xxxx").</summary>
    Keep,

    /// <summary>Delete them (and the space they leave).</summary>
    Remove,

    /// <summary>Replace each with a fixed word.</summary>
    Replace,
}
