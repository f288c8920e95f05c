namespace CxrVL.Methods.Mrm;

/// <summary>Which report positions the masked-language-modelling loss covers.</summary>
public enum MlmLossPositions
{
    /// <summary>Only the positions replaced by [MASK] (standard MLM; every other label is ignored).</summary>
    Masked,

    /// <summary>Every position, visible tokens and padding included, as MRM's released code computes it.</summary>
    All,
}
