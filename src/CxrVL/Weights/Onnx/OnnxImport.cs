using CxrVL.Models;

namespace CxrVL.Weights.Onnx;

/// <summary>
/// What <see cref="OnnxImporter"/> made of an ONNX model: its weights under torchvision or Hugging Face names, and
/// the architecture they fill (exactly one of <see cref="ResNet"/> and <see cref="Bert"/> is set).
/// </summary>
/// <param name="Weights">the state dict, owned by the caller</param>
/// <param name="Architecture">"resnet" or "bert"</param>
/// <param name="Summary">one line: the graph's producer and what was found in it</param>
public sealed record OnnxImport(StateDict Weights, string Architecture, ResNetConfig? ResNet, BertConfig? Bert, string Summary) : IDisposable
{
    public void Dispose() => Weights.Dispose();
}
