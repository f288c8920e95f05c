namespace CxrVL.Methods.Prior.Reconstruction;

/// <summary>
/// One decoded query of PRIOR's sentence decoder: the prototype it lands on, how much of the bank's weight that
/// prototype takes, and the training sentence that labels the prototype (null when no training sentence was read).
/// </summary>
public sealed record PrototypeSentence(int Query, int Prototype, double Weight, string? Sentence, bool LabelledByAssignment);
