namespace CxrVL.Generation.Decoding;

public enum DecodingStrategy
{
    /// <summary>The most probable next word at every step.</summary>
    Greedy,

    /// <summary>A word drawn from the (temperature-scaled) next-word distribution at every step.</summary>
    Sample,

    /// <summary>Beam search: the <see cref="DecodingConfig.BeamSize"/> best partial reports are extended at every step.</summary>
    Beam,
}
