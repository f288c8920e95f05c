using CxrVL.Precision;
using CxrVL.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>
/// timm's <c>Attention</c>: one fused <c>qkv</c> projection (rows q, k, v) and the output <c>proj</c>; with
/// <see cref="VisionTransformerConfig.RelativePositionBias"/>, BEiT's <c>relative_position_bias_table</c> added to the
/// attention logits of the class token and the configured patch grid.
/// </summary>
internal sealed class VitAttention : nn.Module<Tensor, Tensor>
{
    private readonly AutocastLinear qkv;
    private readonly AutocastLinear proj;
    private readonly Parameter? relative_position_bias_table;
    private readonly int _heads;

    // Not a registered buffer: BEiT's index is derived from the grid (and left out of checkpoints by mmseg), so it
    // is rebuilt rather than loaded; held in an array so that RegisterComponents does not take it for a buffer.
    private readonly Tensor[] _relativeIndex = [];

    public VitAttention(VisionTransformerConfig config) : base(nameof(VitAttention))
    {
        if (config.EmbedDim % config.Heads != 0)
            throw new CxrVLException($"ViT: width {config.EmbedDim} does not split into {config.Heads} heads.");
        _heads = config.Heads;
        qkv = new AutocastLinear(config.EmbedDim, 3L * config.EmbedDim, hasBias: config.QkvBias);
        proj = new AutocastLinear(config.EmbedDim, config.EmbedDim);
        if (config.RelativePositionBias)
        {
            var grid = config.GridSize;
            relative_position_bias_table = new Parameter(zeros((2L * grid - 1) * (2L * grid - 1) + 3, config.Heads));
            _relativeIndex = [RelativePositionIndex(grid, grid).DetachFromDisposeScope()];
        }
        RegisterComponents();
    }

    /// <summary>
    /// BEiT's <c>relative_position_index</c> for a <paramref name="height"/> x <paramref name="width"/> patch grid plus the
    /// class token in front: [1 + h·w, 1 + h·w] rows of the bias table. Patch i to patch j reads
    /// (dy + h - 1)·(2w - 1) + (dx + w - 1) with (dy, dx) = position(i) - position(j); with T table rows, class to patch
    /// reads T - 3, patch to class T - 2 and class to class T - 1.
    /// </summary>
    public static Tensor RelativePositionIndex(int height, int width)
    {
        using var scope = NewDisposeScope();
        var rows = arange(height, dtype: ScalarType.Int64).repeat_interleave(width);
        var columns = arange(width, dtype: ScalarType.Int64).repeat(height);
        var dy = rows.unsqueeze(1) - rows.unsqueeze(0) + (height - 1);
        var dx = columns.unsqueeze(1) - columns.unsqueeze(0) + (width - 1);
        var tableRows = (2L * height - 1) * (2L * width - 1) + 3;
        var index = full(1 + height * width, 1 + height * width, tableRows - 3, dtype: ScalarType.Int64);
        index[1.., 1..] = dy * (2 * width - 1) + dx;
        index[.., 0] = tableRows - 2;
        index[0, 0] = tableRows - 1;
        return index.MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor tokens) => Forward(tokens, null);

    /// <param name="keyBias">Added to the attention logits, broadcast to [N, heads, L, L]: 0 for keys that take part, -inf for masked ones.</param>
    public Tensor Forward(Tensor tokens, Tensor? keyBias)
    {
        using var scope = NewDisposeScope();
        var (n, length, dim) = (tokens.shape[0], tokens.shape[1], tokens.shape[2]);
        var parts = qkv.forward(tokens).view(n, length, 3, _heads, dim / _heads).permute(2, 0, 3, 1, 4);
        var bias = relative_position_bias_table is null ? keyBias
            : keyBias is null ? RelativeBias(length, tokens.dtype) : RelativeBias(length, tokens.dtype) + keyBias;
        var attended = Autocast.IsEnabled && tokens.device_type == DeviceType.CPU
            ? ExplicitAttention(parts[0], parts[1], parts[2], bias)
            // Under autocast the projections are already in the low type; the additive bias must match it.
            : nn.functional.scaled_dot_product_attention(parts[0], parts[1], parts[2], bias is null ? null : Autocast.Lower(bias));
        return proj.forward(attended.transpose(1, 2).reshape(n, length, dim)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Explicit attention, softmax(q k^T / sqrt(d) + bias) v, with both products in the autocast type. CPU autocast takes
    /// it because libtorch's fused CPU attention runs its bfloat16 backward about four times slower than these products
    /// at ViT lengths (50 and 197 tokens, measured on ViT-B blocks), which held the MAE step at PyTorch's autocast speed;
    /// float32 and GPUs keep the fused kernel. The scale goes onto q, as timm 0.9 applies it, so the logits are written
    /// once. libtorch's CPU softmax computes bfloat16 and float16 inputs in float32 and rounds only its output, which
    /// the product with v rounds anyway, so low-precision logits here cost no accuracy against a float32 softmax and
    /// half its memory; a float32 bias (BEiT's table, masked keys) makes the logits float32.
    /// </summary>
    private static Tensor ExplicitAttention(Tensor query, Tensor key, Tensor value, Tensor? bias)
    {
        var logits = Autocast.MatMul(query * (1.0 / Math.Sqrt(query.shape[^1])), key.transpose(-2, -1));
        if (bias is not null)
            logits = logits + bias;
        return Autocast.MatMul(logits.softmax(-1), value);
    }

    /// <summary>The table's rows for every query-key pair, per head: [1, heads, L, L].</summary>
    private Tensor RelativeBias(long length, ScalarType dtype)
    {
        var table = relative_position_bias_table!;
        if (_relativeIndex[0].device != table.device)
        {
            var moved = _relativeIndex[0].to(table.device).DetachFromDisposeScope();
            _relativeIndex[0].Dispose();
            _relativeIndex[0] = moved;
        }
        var index = _relativeIndex[0];
        if (index.shape[0] != length)
            throw new CxrVLException($"this ViT's relative position bias covers {index.shape[0] - 1} patches and a class token; " +
                                     $"it got {length} tokens (relative position bias needs the configured image size and no masking).");
        return table.index_select(0, index.view(-1)).view(length, length, _heads).permute(2, 0, 1).unsqueeze(0).to_type(dtype);
    }
}
