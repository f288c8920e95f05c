using CxrVL.Precision;
using CxrVL.Models.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Methods.Prior;

/// <summary>
/// PRIOR's <c>SentenceAttentionPool</c> (<c>global_text_attention.{q,k,v,c}_proj</c>): CLIP attention pooling over a
/// report's sentences without position embedding; the mean sentence is prepended as the query token. Padded
/// sentences are masked, so a batch gives what PRIOR's per-report loop gives.
/// </summary>
public sealed class SentenceAttentionPool : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly AutocastLinear k_proj;
    private readonly AutocastLinear q_proj;
    private readonly AutocastLinear v_proj;
    private readonly AutocastLinear c_proj;
    private readonly int _heads;

    public SentenceAttentionPool(int dim, int heads) : base(nameof(SentenceAttentionPool))
    {
        if (dim % heads != 0)
            throw new CxrVLException($"sentence attention pool: width {dim} does not split into {heads} heads (model.prior.pool_heads).");
        k_proj = new AutocastLinear(dim, dim);
        q_proj = new AutocastLinear(dim, dim);
        v_proj = new AutocastLinear(dim, dim);
        c_proj = new AutocastLinear(dim, dim);
        _heads = heads;
        RegisterComponents();
    }

    /// <summary>Sentences [B, S, D] with their mask [B, S] -> one embedding per report [B, D].</summary>
    public override Tensor forward(Tensor sentences, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var (batch, dim) = (sentences.shape[0], sentences.shape[2]);
        var weights = mask.to_type(sentences.dtype).unsqueeze(-1);
        var mean = (sentences * weights).sum(1, keepdim: true) / weights.sum(1, keepdim: true).clamp_min(1);
        var tokens = cat([mean, sentences], 1);
        var headDim = dim / _heads;
        var query = q_proj.forward(mean).view(batch, 1, _heads, headDim).transpose(1, 2);
        var key = k_proj.forward(tokens).view(batch, -1, _heads, headDim).transpose(1, 2);
        var value = v_proj.forward(tokens).view(batch, -1, _heads, headDim).transpose(1, 2);
        var keep = cat([ones([batch, 1], ScalarType.Bool, mask.device), mask], 1)[.., TensorIndex.None, TensorIndex.None, ..];
        var scores = (Autocast.MatMul(query, key.transpose(-2, -1)) / Math.Sqrt(headDim)).masked_fill(keep.logical_not(), double.NegativeInfinity);
        var pooled = Autocast.MatMul(Autocast.Softmax(scores, -1), value).transpose(1, 2).reshape(batch, dim);
        return c_proj.forward(pooled).MoveToOuterDisposeScope();
    }
}
