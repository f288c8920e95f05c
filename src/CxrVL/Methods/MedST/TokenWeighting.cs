using CxrVL.Precision;
using CxrVL.Models.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Methods.MedST;

/// <summary>
/// MedST's learned token weights: the attention weights of a one-head <c>nn.MultiheadAttention</c> (same parameter
/// names: <c>in_proj_weight</c>, <c>in_proj_bias</c>, <c>out_proj</c>) whose query is the mean of the tokens and whose
/// keys are the tokens. Only the weights are used, so <c>out_proj</c> and the value rows are kept for checkpoint
/// parity and receive no gradient.
/// </summary>
public sealed class TokenWeighting : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly Parameter in_proj_weight;
    private readonly Parameter in_proj_bias;
    private readonly AutocastLinear out_proj;
    private readonly int _dim;

    public TokenWeighting(int dim) : base(nameof(TokenWeighting))
    {
        _dim = dim;
        in_proj_weight = new Parameter(empty(3L * dim, dim));
        in_proj_bias = new Parameter(zeros(3L * dim));
        out_proj = new AutocastLinear(dim, dim);
        RegisterComponents();
        // As nn.MultiheadAttention: Xavier-uniform input projection, zero biases.
        using var noGrad = no_grad();
        nn.init.xavier_uniform_(in_proj_weight);
        nn.init.zeros_(out_proj.bias!);
    }

    /// <param name="tokens">[B, T, D].</param>
    /// <param name="mask">True for real tokens [B, T], or null when all are real.</param>
    /// <returns>Weights [B, T]: 0 for masked tokens, summing to 1 per row.</returns>
    public override Tensor forward(Tensor tokens, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        var query = mask is null
            ? tokens.mean([1], keepdim: true)
            : (tokens * mask.unsqueeze(-1)).sum(1, keepdim: true) / mask.sum(1, keepdim: true).unsqueeze(-1).clamp_min(1);
        var q = Autocast.Linear(query, in_proj_weight[.._dim], in_proj_bias[.._dim]);
        var k = Autocast.Linear(tokens, in_proj_weight[_dim..(2 * _dim)], in_proj_bias[_dim..(2 * _dim)]);
        var logits = Autocast.MatMul(q, k.transpose(1, 2)).squeeze(1) / Math.Sqrt(_dim);
        if (mask is not null)
            logits = logits.masked_fill(mask.logical_not(), double.NegativeInfinity);
        return Autocast.Softmax(logits, -1).MoveToOuterDisposeScope();
    }
}
