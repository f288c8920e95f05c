namespace CxrVL.Tasks.Finetuning;

/// <summary>Linear probing (the encoder frozen, in evaluation mode) or full fine-tuning.</summary>
public enum FinetuneMode
{
    Linear,
    Full,
}
