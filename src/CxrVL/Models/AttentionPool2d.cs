using CxrVL.Precision;
using CxrVL.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>
/// CLIP's attention pooling over a feature map, with its parameter names (<c>positional_embedding</c>,
/// <c>q_proj</c>, <c>k_proj</c>, <c>v_proj</c>, <c>c_proj</c>): the mean of the map's positions is prepended as a
/// token, a learned position embedding is added, and the mean token's attention output is the pooled feature.
/// </summary>
public sealed class AttentionPool2d : nn.Module<Tensor, Tensor>
{
    private readonly Parameter positional_embedding;
    private readonly AutocastLinear k_proj;
    private readonly AutocastLinear q_proj;
    private readonly AutocastLinear v_proj;
    private readonly AutocastLinear c_proj;
    private readonly int _heads;

    public AttentionPool2d(int channels, AttentionPoolConfig config) : base(nameof(AttentionPool2d))
    {
        if (channels % config.Heads != 0)
            throw new CxrVLException($"attention pool: {channels} channels do not split into {config.Heads} heads.");
        _heads = config.Heads;
        var positions = config.SpatialSize * config.SpatialSize + 1;
        positional_embedding = new Parameter(randn(positions, channels) / Math.Sqrt(channels));
        k_proj = new AutocastLinear(channels, channels);
        q_proj = new AutocastLinear(channels, channels);
        v_proj = new AutocastLinear(channels, channels);
        c_proj = new AutocastLinear(channels, config.OutputDim ?? channels);
        RegisterComponents();
    }

    public int OutputDim => (int)c_proj.weight.shape[0];

    /// <summary>[N, C, H, W] -> [N, OutputDim]. Other map sizes than the configured one resample the embedding.</summary>
    public override Tensor forward(Tensor map)
    {
        using var scope = NewDisposeScope();
        var (n, c, h, w) = (map.shape[0], map.shape[1], map.shape[2], map.shape[3]);
        var tokens = map.flatten(2).transpose(1, 2);
        tokens = cat([tokens.mean([1], keepdim: true), tokens], 1);
        var table = PositionEmbeddings.Resample(positional_embedding.unsqueeze(0), 1, (int)h, (int)w);
        tokens = tokens + table;

        var headDim = c / _heads;
        var query = q_proj.forward(tokens[.., ..1]).view(n, 1, _heads, headDim).transpose(1, 2);
        var key = k_proj.forward(tokens).view(n, -1, _heads, headDim).transpose(1, 2);
        var value = v_proj.forward(tokens).view(n, -1, _heads, headDim).transpose(1, 2);
        var weights = Autocast.Softmax(Autocast.MatMul(query, key.transpose(-2, -1)) / Math.Sqrt(headDim), -1);
        var pooled = Autocast.MatMul(weights, value).transpose(1, 2).reshape(n, c);
        return c_proj.forward(pooled).MoveToOuterDisposeScope();
    }
}
