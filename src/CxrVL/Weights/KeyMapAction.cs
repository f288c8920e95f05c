namespace CxrVL.Weights;

/// <summary>What a <see cref="KeyMapRule"/> does to a key.</summary>
public enum KeyMapAction
{
    /// <summary>Removes <c>From</c> from the start of a key that starts with it.</summary>
    Strip,

    /// <summary>Replaces <c>From</c> at the start of a key by <c>To</c>.</summary>
    Rename,

    /// <summary>Drops keys that start with <c>From</c>.</summary>
    Drop,

    /// <summary>Drops keys that start with none of the <c>|</c>-separated prefixes in <c>From</c>.</summary>
    Keep,

    /// <summary>Replaces matches of the regular expression <c>From</c> by <c>To</c> (<c>$1</c> for groups).</summary>
    Regex,
}
