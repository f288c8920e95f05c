using static TorchSharp.torch;

namespace CxrVL.Weights;

/// <summary>
/// Copies a state dict into a module's parameters and buffers by name. Strict by default: any missing key, unexpected
/// key or shape mismatch fails the whole load before anything is copied, with a message that lists them (the
/// reference code loads with <c>strict=False</c> and silently drops weights; we do not).
/// </summary>
public static class StateDictLoader
{
    /// <param name="module">the module to fill; its <c>state_dict()</c> names are the target keys</param>
    /// <param name="stateDict">the checkpoint's tensors (not consumed: the values are copied)</param>
    /// <param name="map">renames checkpoint keys to module keys first</param>
    /// <param name="strict">fail on any missing or unexpected key or shape mismatch; when false, load what matches and report the rest</param>
    /// <param name="allowMissing">module key prefixes that may be missing even when strict (a freshly initialised head)</param>
    /// <param name="source">names the checkpoint in error messages</param>
    public static LoadReport Load(nn.Module module, StateDict stateDict, KeyMap? map = null, bool strict = true,
                                  IReadOnlyCollection<string>? allowMissing = null, string? source = null)
    {
        var targets = module.state_dict();
        var pairs = new List<(string Key, Tensor Source, Tensor Target)>();
        var unexpected = new List<string>();
        var mismatches = new List<ShapeMismatch>();
        var dropped = new List<string>();
        var assigned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in stateDict)
        {
            var key = map is null ? name : map.Map(name);
            if (key is null)
            {
                dropped.Add(name);
                continue;
            }
            if (!targets.TryGetValue(key, out var target))
            {
                unexpected.Add(key);
                continue;
            }
            if (!assigned.Add(key))
                throw new CxrVLException($"two checkpoint tensors map to the module key '{key}'; adjust the key map.");
            if (!tensor.shape.SequenceEqual(target.shape))
                mismatches.Add(new ShapeMismatch(key, tensor.shape, target.shape));
            else
                pairs.Add((key, tensor, target));
        }
        var missing = targets.Keys.Where(key => !assigned.Contains(key)).ToList();
        var allowed = missing.Where(key => allowMissing?.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal)) == true).ToList();
        missing = missing.Except(allowed).ToList();

        var exact = missing.Count == 0 && unexpected.Count == 0 && mismatches.Count == 0;
        var suggestion = exact ? null : KeyMap.SuggestPrefix(stateDict.Keys.Select(k => map?.Map(k) ?? k), targets.Keys);
        var report = new LoadReport(pairs.Select(p => p.Key).ToList(), missing, allowed, unexpected, mismatches, dropped, suggestion);
        if (strict && !exact)
            throw new StateDictLoadException(
                $"the checkpoint{(source is null ? "" : $" {source}")} does not match {module.GetName()} (strict loading; nothing was loaded): " +
                $"{report.Describe()} Fix the key map (--map), or load with strict=false to keep what matches.", report);

        using (no_grad())
            foreach (var (_, from, to) in pairs)
                to.copy_(from);
        return report;
    }
}
