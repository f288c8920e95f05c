using System.Text.RegularExpressions;
using TorchSharp.Modules;

namespace CxrVL.Training.Optimizers;

/// <summary>Splits a model's parameters into groups by the recipe's rules and builds the optimizer over them.</summary>
public static partial class OptimizerFactory
{
    public static IOptimizer Create(OptimizerConfig config, IEnumerable<(string Name, Parameter Parameter)> parameters,
                                    Func<string, int>? layerId = null, int layerCount = 0)
    {
        var groups = Group(config, parameters, layerId, layerCount);
        if (config.Betas.Count != 2)
            throw new CxrVLException($"optimizer.betas must hold two numbers (got {config.Betas.Count}).");
        IOptimizer optimizer = config.Kind switch
        {
            OptimizerKind.AdamW => new AdamW(groups, config.Betas[0], config.Betas[1], config.Eps) { Fused = config.Fused },
            OptimizerKind.Adam => new Adam(groups, config.Betas[0], config.Betas[1], config.Eps, config.Amsgrad) { Fused = config.Fused },
            OptimizerKind.Sgd => new Sgd(groups, config.Momentum, config.Dampening, config.Nesterov),
            _ => throw new ArgumentOutOfRangeException(nameof(config), config.Kind, null),
        };
        optimizer.AllocateState();
        return optimizer;
    }

    /// <summary>
    /// Frozen prefixes stop gradients; the rest is grouped by (weight decay, lr scale), where the scale combines
    /// <see cref="OptimizerConfig.LrScales"/> and layer-wise decay. A frozen or scaled prefix that matches no
    /// parameter is an error: a typo must not silently train what the user meant to freeze.
    /// </summary>
    public static IReadOnlyList<ParameterGroup> Group(OptimizerConfig config, IEnumerable<(string Name, Parameter Parameter)> parameters,
                                                      Func<string, int>? layerId = null, int layerCount = 0)
    {
        var all = parameters.ToList();
        foreach (var prefix in config.Frozen.Concat(config.LrScales.Keys))
        {
            if (!all.Any(p => p.Name.StartsWith(prefix, StringComparison.Ordinal)))
                throw new CxrVLException($"optimizer prefix '{prefix}' matches no parameter of the model (names start like '{all.FirstOrDefault().Name}').");
        }
        if (config.LayerDecay is not null && layerId is null)
            throw new CxrVLException("optimizer.layer_decay is set but this model does not define layers for it.");

        var groups = new Dictionary<(double Decay, double Scale), List<(string, Parameter)>>();
        foreach (var (name, parameter) in all)
        {
            if (config.Frozen.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal)))
            {
                parameter.requires_grad = false;
                continue;
            }
            if (!parameter.requires_grad)
                continue;
            var noDecay = config.NoDecayOnBiasAndNorm && (parameter.dim() <= 1 || name.EndsWith(".bias", StringComparison.Ordinal));
            var decay = noDecay ? 0 : config.WeightDecay;
            var scale = config.LrScales.Where(s => name.StartsWith(s.Key, StringComparison.Ordinal))
                .Select(s => s.Value).DefaultIfEmpty(1.0).Last();
            if (config.LayerDecay is { } layerDecay)
                scale *= Math.Pow(layerDecay, layerCount + 1 - layerId!(name));
            var key = (decay, scale);
            if (!groups.TryGetValue(key, out var list))
                groups[key] = list = [];
            list.Add((name, parameter));
        }
        return groups.Select(g => new ParameterGroup($"wd={g.Key.Decay:g3} lr_scale={g.Key.Scale:g3}", g.Value, g.Key.Decay, g.Key.Scale))
            .ToList();
    }

    /// <summary>
    /// Layer index for layer-wise lr decay over timm ViT and Hugging Face BERT names: embeddings are layer 0, block or
    /// encoder layer N is N + 1, anything after the last block (final norm, heads) is <paramref name="layerCount"/> + 1.
    /// </summary>
    public static int TransformerLayerId(string name, int layerCount)
    {
        if (name.StartsWith("cls_token", StringComparison.Ordinal) || name.StartsWith("pos_embed", StringComparison.Ordinal) ||
            name.StartsWith("patch_embed", StringComparison.Ordinal) || name.Contains("embeddings.", StringComparison.Ordinal))
            return 0;
        var match = LayerIndex().Match(name);
        return match.Success ? int.Parse(match.Groups[1].Value) + 1 : layerCount + 1;
    }

    [GeneratedRegex(@"(?:^|\.)(?:blocks|layer)\.(\d+)\.")]
    private static partial Regex LayerIndex();
}
