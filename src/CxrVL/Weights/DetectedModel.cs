namespace CxrVL.Weights;

/// <summary>A backbone found in a checkpoint: where its keys start, what it is, and how many values it holds.</summary>
/// <param name="Prefix">the key prefix of the backbone (<c>img_encoder_q.model.</c>; empty at the top level)</param>
/// <param name="Architecture">resnet50, resnet101, vit_b16, vit_s16, bert-base, ...</param>
/// <param name="Details">what else the shapes say (input channels, classifier head, hidden size, vocabulary)</param>
/// <param name="Parameters">number of parameter values of the backbone (buffers such as batch-norm statistics left out)</param>
public sealed record DetectedModel(string Prefix, string Architecture, string Details, long Parameters);
