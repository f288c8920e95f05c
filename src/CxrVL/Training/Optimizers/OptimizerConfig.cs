using System.ComponentModel.DataAnnotations;

namespace CxrVL.Training.Optimizers;

public enum OptimizerKind
{
    AdamW,

    /// <summary>torch.optim.Adam: weight decay added to the gradient (L2), optionally amsgrad.</summary>
    Adam,
    Sgd,
}

/// <summary>An optimizer as recipes write it, with the parameter-group rules the seeds use.</summary>
public sealed class OptimizerConfig
{
    public OptimizerKind Kind { get; set; } = OptimizerKind.AdamW;

    /// <summary>Peak learning rate; when <see cref="BaseLrPer256"/> is set it is derived from the effective batch instead.</summary>
    [Range(0d, double.MaxValue, MinimumIsExclusive = true)]
    public double Lr { get; set; } = 1e-4;

    /// <summary>MAE's rule: lr = blr x effective batch / 256 (MRM uses blr 1.5e-4).</summary>
    [Range(0d, double.MaxValue, MinimumIsExclusive = true)]
    public double? BaseLrPer256 { get; set; }

    public List<double> Betas { get; set; } = [0.9, 0.999];

    [Range(0d, double.MaxValue, MinimumIsExclusive = true)]
    public double Eps { get; set; } = 1e-8;

    /// <summary>Adam only: keep the largest second-moment estimate (XProNet and R2Gen train with it).</summary>
    public bool Amsgrad { get; set; }

    /// <summary>
    /// Adam and AdamW: update CPU parameters with libtorch's fused kernel (torch.optim's <c>fused=True</c>), one pass over
    /// each parameter's memory instead of seven; <c>false</c> keeps torch.optim's default element-wise ops. Same formulas;
    /// results differ in the last bits only.
    /// </summary>
    public bool Fused { get; set; } = true;

    [Range(0d, double.MaxValue)]
    public double WeightDecay { get; set; }

    /// <summary>No weight decay on biases and on 1-D parameters (norm scales), as MAE and timm do.</summary>
    public bool NoDecayOnBiasAndNorm { get; set; } = true;

    [Range(0d, double.MaxValue)]
    public double Momentum { get; set; } = 0.9;

    [Range(0d, 1d)]
    public double Dampening { get; set; }

    public bool Nesterov { get; set; }

    /// <summary>Layer-wise lr decay (BEiT/MAE fine-tuning, 0.65 in MRM's segmentation): the layer k of L gets decay^(L + 1 - k).</summary>
    [Range(0d, 1d, MinimumIsExclusive = true)]
    public double? LayerDecay { get; set; }

    /// <summary>Parameter-name prefixes that are not trained (requires_grad = false).</summary>
    public List<string> Frozen { get; set; } = [];

    /// <summary>Learning-rate multipliers by parameter-name prefix (XProNet trains the visual extractor at half the rate).</summary>
    public Dictionary<string, double> LrScales { get; set; } = [];

    /// <summary>The peak rate for an effective batch of <paramref name="effectiveBatch"/> samples.</summary>
    public double PeakLr(int effectiveBatch) => BaseLrPer256 is { } blr ? blr * effectiveBatch / 256.0 : Lr;
}
