using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>Hugging Face's <c>ACT2FN</c> for the activations BERT configs name.</summary>
internal static class BertActivation
{
    public static Tensor Apply(string name, Tensor x) => name switch
    {
        "gelu" => nn.functional.gelu(x),
        "relu" => nn.functional.relu(x),
        // The tanh approximation of GELU (original Google BERT code).
        _ => 0.5 * x * (1.0 + tanh(Math.Sqrt(2.0 / Math.PI) * (x + 0.044715 * x.pow(3)))),
    };
}
