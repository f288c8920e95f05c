namespace CxrVL.Generation.Decoding;

/// <summary>
/// How reports are decoded (<c>decoding:</c> in a recipe). The defaults are XProNet's and R2Gen's beam search (beam 3,
/// no trigram blocking: their <c>beam_search</c> blocks nothing; only their greedy and sampling path, used when the
/// beam is 1, lowers a repeated trigram's probability by a factor of 4 per earlier occurrence).
/// </summary>
public sealed class DecodingConfig
{
    public DecodingStrategy Strategy { get; set; } = DecodingStrategy.Beam;

    public int BeamSize { get; set; } = 3;

    /// <summary>Words at most (begin and end markers not counted); a report reaching it ends there.</summary>
    public int MaxLength { get; set; } = 60;

    /// <summary>Words at least: the end marker is not allowed before.</summary>
    public int MinLength { get; set; }

    /// <summary>A word that would repeat a trigram already in the report is not allowed (a hard block), in every strategy.</summary>
    public bool BlockTrigrams { get; set; }

    /// <summary>
    /// The strategy of the validation reports during training; null decodes them as the test does (XProNet and R2Gen
    /// validate with their beam search). Greedy is about beam-size times cheaper.
    /// </summary>
    public DecodingStrategy? ValidationStrategy { get; set; }

    /// <summary>Sampling temperature (<see cref="DecodingStrategy.Sample"/>).</summary>
    public double Temperature { get; set; } = 1.0;

    /// <summary>Reports decoded together.</summary>
    public int BatchSize { get; set; } = 16;
}
