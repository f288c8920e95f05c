using CxrVL.Precision;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Models.Layers;

/// <summary>
/// A layer with PyTorch's <c>weight</c> and optional <c>bias</c> parameters (the state-dict keys stay torch.nn's), as
/// the base of CxrVL's autocast-aware layers. TorchSharp's own Linear, Conv and LayerNorm are sealed, so their forward
/// passes cannot consult <see cref="Precision.Autocast"/>; these replace them. Assigning a parameter (channels-last
/// conversion, BatchNorm fusion, a dtype move) disposes the one it replaces, as TorchSharp's convolutions do.
/// </summary>
public abstract class WeightedLayer(string name) : nn.Module<Tensor, Tensor>(name)
{
    private Parameter? _weight;
    private Parameter? _bias;

    public Parameter weight
    {
        get => _weight ?? throw new InvalidOperationException($"{GetName()} has no weight.");
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (value.Handle == _weight?.Handle)
                return;
            _weight?.Dispose();
            _weight = (Parameter)value.DetachFromDisposeScope();
            ConditionallyRegisterParameter(nameof(weight), _weight);
        }
    }

    public Parameter? bias
    {
        get => _bias;
        set
        {
            if (value is not null && value.Handle == _bias?.Handle)
                return;
            _bias?.Dispose();
            _bias = (Parameter?)value?.DetachFromDisposeScope();
            ConditionallyRegisterParameter(nameof(bias), _bias);
        }
    }

    /// <summary>The bias in the autocast scope's low precision, or null.</summary>
    protected Tensor? LowBias => bias is null ? null : Autocast.Lower(bias);

    /// <summary>Creates the weight (and a bias of <paramref name="outputs"/>) with torch.nn's default Linear/Conv initialisation.</summary>
    protected void CreateParameters(long[] weightShape, long outputs, bool hasBias)
    {
        weight = nn.Parameter(empty(weightShape));
        if (hasBias)
            bias = nn.Parameter(empty(outputs));
        InitializeLikeTorch();
    }

    /// <summary>torch.nn's default for Linear and Conv: Kaiming-uniform weight (a = sqrt 5), bias uniform in ±1/sqrt(fan-in).</summary>
    private void InitializeLikeTorch()
    {
        using var noGrad = no_grad();
        nn.init.kaiming_uniform_(weight, Math.Sqrt(5));
        if (bias is null)
            return;
        var (fanIn, _) = nn.init.CalculateFanInAndFanOut(weight);
        var bound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
        nn.init.uniform_(bias, -bound, bound);
    }
}
