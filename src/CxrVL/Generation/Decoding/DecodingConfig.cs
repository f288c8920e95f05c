namespace CxrVL.Generation.Decoding;

/// <summary>How reports are decoded (<c>decoding:</c> in a recipe); the defaults are the seeds' (beam 3, trigram blocking).</summary>
public sealed class DecodingConfig
{
    public DecodingStrategy Strategy { get; set; } = DecodingStrategy.Beam;

    public int BeamSize { get; set; } = 3;

    /// <summary>Words at most (begin and end markers not counted); a report reaching it ends there.</summary>
    public int MaxLength { get; set; } = 60;

    /// <summary>Words at least: the end marker is not allowed before.</summary>
    public int MinLength { get; set; }

    /// <summary>A word that would repeat a trigram already in the report is not allowed (a hard block).</summary>
    public bool BlockTrigrams { get; set; } = true;

    /// <summary>Sampling temperature (<see cref="DecodingStrategy.Sample"/>).</summary>
    public double Temperature { get; set; } = 1.0;

    /// <summary>Reports decoded together.</summary>
    public int BatchSize { get; set; } = 16;
}
