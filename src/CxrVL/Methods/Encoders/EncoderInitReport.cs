namespace CxrVL.Methods.Encoders;

/// <summary>What <see cref="EncoderInit.Load"/> initialised, from where, and which parts of the model start new.</summary>
/// <param name="Parts">the encoders filled from files</param>
/// <param name="New">top-level parts of the model no file filled (projection heads, temperatures), as module paths</param>
public sealed record EncoderInitReport(IReadOnlyList<EncoderInitPart> Parts, IReadOnlyList<string> New)
{
    public string Describe() =>
        string.Join("; ", Parts.Select(p =>
            $"{p.Encoder} encoder ({p.Module}): {p.Loaded} tensors from {p.Source}" +
            (p.Unused.Count > 0 ? $", not used: {string.Join(", ", p.Unused.Take(6))}{(p.Unused.Count > 6 ? $" (+{p.Unused.Count - 6})" : "")}" : "") +
            (p.Note is null ? "" : $" ({p.Note})"))) +
        $"; new (random): {(New.Count == 0 ? "nothing" : string.Join(", ", New))}";
}
