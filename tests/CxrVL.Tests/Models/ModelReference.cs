using System.Text.Json;
using TorchSharp;

namespace CxrVL.Tests.Models;

/// <summary>Runs <c>Models/reference/models_reference.py</c> (PyTorch 1.13 + torchvision, no timm or transformers).</summary>
internal static class ModelReference
{
    public static string Script => PythonReference.Script("Models/reference/models_reference.py");

    /// <summary>The reference model's state_dict as key -> shape, in its order.</summary>
    public static List<(string Key, long[] Shape)> Keys(string arch)
    {
        using var document = JsonDocument.Parse(PythonReference.Run(Script, "keys", arch));
        return document.RootElement.EnumerateObject()
            .Select(p => (p.Name, p.Value.EnumerateArray().Select(d => d.GetInt64()).ToArray()))
            .ToList();
    }

    /// <summary>A module's state_dict as key -> shape, in its order.</summary>
    public static List<(string Key, long[] Shape)> Keys(torch.nn.Module module) =>
        module.state_dict().Select(p => (p.Key, p.Value.shape)).ToList();

    /// <summary>
    /// Asserts the same keys with the same shapes, naming the differences. Order is not compared: loading is by
    /// name, and TorchSharp's BatchNorm registers its buffers before its parameters.
    /// </summary>
    public static void AssertSameKeys(IReadOnlyList<(string Key, long[] Shape)> expected, IReadOnlyList<(string Key, long[] Shape)> actual)
    {
        var missing = expected.Select(e => e.Key).Except(actual.Select(a => a.Key)).ToList();
        var extra = actual.Select(a => a.Key).Except(expected.Select(e => e.Key)).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"missing {missing.Count} (first: {string.Join(", ", missing.Take(5))}); unexpected {extra.Count} (first: {string.Join(", ", extra.Take(5))})");
        var shapes = actual.ToDictionary(a => a.Key, a => a.Shape);
        foreach (var (key, shape) in expected)
            Assert.True(shape.SequenceEqual(shapes[key]),
                $"{key}: reference [{string.Join(", ", shape)}], ours [{string.Join(", ", shapes[key])}]");
    }
}
