namespace CxrVL.Evaluation.Labeling;

/// <summary>
/// One report's labels in <see cref="ChexpertObservations.Names"/> order: 1 positive, 0 negative, -1 uncertain,
/// null not mentioned.
/// </summary>
public sealed record ChexpertLabels(IReadOnlyList<int?> Values)
{
    public int? this[string observation]
    {
        get
        {
            var index = ChexpertObservations.Names.ToList().IndexOf(observation);
            return index >= 0 ? Values[index] : throw new ArgumentException($"'{observation}' is not a CheXpert observation.", nameof(observation));
        }
    }
}
