namespace CxrVL.Methods.Mrm.Reconstruction;

/// <summary>One masked report position: its index, the token that was there, and the model's top tokens with their probabilities.</summary>
public sealed record MaskedWordPrediction(int Position, string Original, IReadOnlyList<(string Token, double Probability)> Top);
