using CxrVL.Precision;
using CxrVL.Models.Layers;
using CxrVL.Generation;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Methods.R2Gen;

/// <summary>R2Gen's encoder-decoder: <c>att_embed</c>, the transformer <c>model</c> with conditional decoder norms, <c>rm</c>, <c>logit</c>.</summary>
public sealed class R2GenEncoderDecoder : nn.Module
{
    private readonly Sequential att_embed;
    private readonly ReportTransformer model;
    private readonly RelationalMemory rm;
    private readonly AutocastLinear logit;

    public R2GenEncoderDecoder(R2GenConfig config, int imageDim, long vocabulary) : base(nameof(R2GenEncoderDecoder))
    {
        att_embed = nn.Sequential(("0", new AutocastLinear(imageDim, config.DModel)), ("1", nn.ReLU()), ("2", nn.Dropout(config.DropProbLm)));
        rm = new RelationalMemory(config.RmNumSlots, config.RmDModel, config.RmNumHeads, config.Dropout);
        model = new ReportTransformer(config, vocabulary, () => new ConditionalLayerNorm(config.DModel, rm.StateDim), sourcePositions: false);
        logit = new AutocastLinear(config.DModel, vocabulary);
        RegisterComponents();
    }

    public Tensor Encode(Tensor patches, Tensor patchMask) => model.Encode(att_embed.forward(patches), patchMask.unsqueeze(1));

    /// <summary>Log-probabilities [B, T, V] of the word after each input position.</summary>
    public Tensor Decode(Tensor inputs, Tensor memory, Tensor patchMask)
    {
        using var scope = NewDisposeScope();
        var embedded = model.EmbedTargets(inputs);
        var states = rm.forward(embedded);
        var output = model.Decode(embedded, memory, patchMask.unsqueeze(1), ReportTransformer.TargetMask(inputs), states);
        return Autocast.LogSoftmax(logit.forward(output), -1).MoveToOuterDisposeScope();
    }
}
