using CxrVL.Models.Layers;
using CxrVL.Generation;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Methods.R2Gen;

/// <summary>
/// R2Gen's relational memory: <c>slots</c> memory rows, started from an identity matrix padded with zeros, updated once per
/// word by attention over [memory; word] (<c>attn</c>), a residual MLP (<c>mlp</c>) and input and forget gates
/// (<c>W</c> on the word, <c>U</c> on tanh(memory)). Returns the memory after every word, flattened [B, T, slots x D].
/// </summary>
public sealed class RelationalMemory : nn.Module
{
    private readonly MultiHeadedAttention attn;
    private readonly Sequential mlp;
    private readonly AutocastLinear W;
    private readonly AutocastLinear U;
    private readonly int _slots;
    private readonly int _dim;

    public RelationalMemory(int slots, int dModel, int heads, double dropout) : base(nameof(RelationalMemory))
    {
        _slots = slots;
        _dim = dModel;
        attn = new MultiHeadedAttention(heads, dModel, dropout);
        mlp = nn.Sequential(("0", new AutocastLinear(dModel, dModel)), ("1", nn.ReLU()), ("2", new AutocastLinear(dModel, dModel)), ("3", nn.ReLU()));
        W = new AutocastLinear(dModel, 2 * dModel);
        U = new AutocastLinear(dModel, 2 * dModel);
        RegisterComponents();
    }

    public int StateDim => _slots * _dim;

    public Tensor forward(Tensor inputs)
    {
        using var scope = NewDisposeScope();
        var (b, length) = (inputs.shape[0], inputs.shape[1]);
        var memory = zeros(b, _slots, _dim, inputs.dtype, inputs.device);
        var width = Math.Min(_slots, _dim);
        memory[.., ..width, ..width] = eye(width, dtype: inputs.dtype, device: inputs.device);
        var states = new List<Tensor>((int)length);
        for (var t = 0; t < length; t++)
        {
            var input = inputs[.., t].unsqueeze(1);
            var keys = cat([memory, input], 1);
            var next = memory + attn.forward(memory, keys, keys, null);
            next = next + mlp.forward(next);
            var gates = (W.forward(input) + U.forward(memory.tanh())).chunk(2, dim: 2);
            memory = gates[0].sigmoid() * next.tanh() + gates[1].sigmoid() * memory;
            states.Add(memory.reshape(b, -1));
        }
        return stack(states, 1).MoveToOuterDisposeScope();
    }
}
