namespace CxrVL.Tasks.Finetuning;

/// <summary>What <c>cxrvl finetune</c> trains the encoder for.</summary>
public enum FinetuneTask
{
    Classify,
    Segment,
    Detect,
}
