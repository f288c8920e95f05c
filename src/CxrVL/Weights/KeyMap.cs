using System.Text.RegularExpressions;

namespace CxrVL.Weights;

/// <summary>
/// Renames checkpoint keys to module keys: an ordered list of prefix rules applied to each key in turn. Text form
/// (<see cref="Parse"/>), rules separated by <c>;</c> or new lines:
/// <c>strip:module.</c>, <c>rename:img_encoder_q.model.=encoder.</c>, <c>drop:decoder_</c>, <c>keep:image_encoder.|text_encoder.</c>,
/// <c>re:encoder_layer_(\d+)\.=blocks.$1.</c> (the first <c>=</c> separates pattern and replacement).
/// </summary>
public sealed class KeyMap
{
    private readonly Dictionary<KeyMapRule, Regex> _patterns = [];

    public KeyMap(IEnumerable<KeyMapRule> rules)
    {
        Rules = rules.ToList();
        foreach (var rule in Rules.Where(r => r.Action == KeyMapAction.Regex))
        {
            try
            {
                _patterns[rule] = new Regex(rule.From, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException e)
            {
                throw new CxrVLException($"key map rule '{rule}' has an invalid regular expression: {e.Message}");
            }
        }
    }

    public static KeyMap Identity { get; } = new([]);

    public IReadOnlyList<KeyMapRule> Rules { get; }

    public KeyMap Then(KeyMapRule rule) => new(Rules.Append(rule));

    public KeyMap StripPrefix(string prefix) => Then(new(KeyMapAction.Strip, prefix));

    public KeyMap RenamePrefix(string from, string to) => Then(new(KeyMapAction.Rename, from, to));

    public KeyMap DropPrefix(string prefix) => Then(new(KeyMapAction.Drop, prefix));

    public KeyMap KeepPrefixes(params string[] prefixes) => Then(new(KeyMapAction.Keep, string.Join('|', prefixes)));

    public KeyMap Replace(string pattern, string replacement) => Then(new(KeyMapAction.Regex, pattern, replacement));

    /// <summary>The key after all rules, or null when a rule drops it.</summary>
    public string? Map(string key)
    {
        string? current = key;
        foreach (var rule in Rules)
        {
            current = rule.Action switch
            {
                KeyMapAction.Strip => current.StartsWith(rule.From, StringComparison.Ordinal) ? current[rule.From.Length..] : current,
                KeyMapAction.Rename => current.StartsWith(rule.From, StringComparison.Ordinal) ? rule.To + current[rule.From.Length..] : current,
                KeyMapAction.Drop => current.StartsWith(rule.From, StringComparison.Ordinal) ? null : current,
                KeyMapAction.Keep => rule.From.Split('|').Any(p => current.StartsWith(p, StringComparison.Ordinal)) ? current : null,
                KeyMapAction.Regex => _patterns[rule].Replace(current, rule.To),
                _ => throw new InvalidOperationException($"unknown key map action {rule.Action}"),
            };
            if (current is null)
                return null;
        }
        return current;
    }

    /// <summary>Moves the tensors into a new state dict with mapped keys; dropped tensors are disposed.</summary>
    public StateDict Apply(StateDict stateDict) => stateDict.Rename(Map);

    public static KeyMap Parse(string text)
    {
        var rules = new List<KeyMapRule>();
        foreach (var raw in text.Split([';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (raw.StartsWith('#'))
                continue;
            var colon = raw.IndexOf(':');
            var verb = colon < 0 ? "" : raw[..colon].Trim().ToLowerInvariant();
            var argument = colon < 0 ? "" : raw[(colon + 1)..].Trim();
            KeyMapRule rule = verb switch
            {
                "strip" when argument.Length > 0 => new(KeyMapAction.Strip, argument),
                "drop" when argument.Length > 0 => new(KeyMapAction.Drop, argument),
                "keep" when argument.Length > 0 => new(KeyMapAction.Keep, argument),
                "rename" when argument.IndexOf('=') > 0 => new(KeyMapAction.Rename, argument[..argument.IndexOf('=')], argument[(argument.IndexOf('=') + 1)..]),
                "re" when argument.IndexOf('=') > 0 => new(KeyMapAction.Regex, argument[..argument.IndexOf('=')], argument[(argument.IndexOf('=') + 1)..]),
                _ => throw new CxrVLException(
                    $"key map rule '{raw}' is not valid; use strip:PREFIX, rename:FROM=TO, drop:PREFIX, keep:PREFIX[|PREFIX...] or re:PATTERN=REPLACEMENT, separated by ';'."),
            };
            rules.Add(rule);
        }
        return new KeyMap(rules);
    }

    /// <summary>
    /// The prefix strip that makes the most checkpoint keys match module keys (for <c>module.</c>,
    /// <c>img_encoder_q.model.</c>, <c>image_encoder.encoder.</c>, ...), or null when stripping nothing is best.
    /// </summary>
    public static KeyMap? SuggestPrefix(IEnumerable<string> checkpointKeys, IEnumerable<string> moduleKeys)
    {
        var keys = checkpointKeys.ToList();
        var targets = moduleKeys.ToHashSet(StringComparer.Ordinal);
        var best = keys.Count(targets.Contains);
        string? bestPrefix = null;
        var prefixes = keys.SelectMany(key => key.Select((c, i) => c == '.' ? key[..(i + 1)] : null).OfType<string>())
                           .Distinct(StringComparer.Ordinal);
        foreach (var prefix in prefixes)
        {
            var matches = keys.Count(key => key.StartsWith(prefix, StringComparison.Ordinal) && targets.Contains(key[prefix.Length..]));
            if (matches > best)
                (best, bestPrefix) = (matches, prefix);
        }
        return bestPrefix is null ? null : Identity.StripPrefix(bestPrefix);
    }

    public override string ToString() => string.Join(';', Rules);
}
