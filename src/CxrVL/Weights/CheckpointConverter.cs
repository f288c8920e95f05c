namespace CxrVL.Weights;

/// <summary>Converts any checkpoint <see cref="CheckpointReader"/> reads into safetensors or a torch.save file, renaming keys on the way.</summary>
public static class CheckpointConverter
{
    private static readonly string[] TorchExtensions = [".pt", ".pth", ".bin"];

    /// <summary>
    /// Reads <paramref name="input"/>'s state dict, applies <paramref name="map"/> and writes <paramref name="output"/>
    /// atomically in the format its extension names: <c>.safetensors</c> (with metadata <c>format=pt</c>, which Python's
    /// safetensors expects for torch tensors, the source file name and the key map) or <c>.pt</c>/<c>.pth</c>/<c>.bin</c>
    /// (<see cref="TorchCheckpointWriter"/>).
    /// </summary>
    public static ConversionResult Convert(string input, string output, KeyMap? map = null, CheckpointReadOptions? options = null)
    {
        var extension = Path.GetExtension(output).ToLowerInvariant();
        var safetensors = extension == ".safetensors";
        if (!safetensors && !TorchExtensions.Contains(extension))
            throw new CxrVLException($"the output '{output}' must end in .safetensors, .pt, .pth or .bin.");
        if (Path.GetFullPath(input) == Path.GetFullPath(output))
            throw new CxrVLException($"the output '{output}' is the input file; choose another name.");
        map ??= KeyMap.Identity;
        using var read = CheckpointReader.Read(input, options);
        var dropped = read.Keys.Where(key => map.Map(key) is null).ToList();
        using var mapped = map.Apply(read);
        if (safetensors)
        {
            foreach (var (key, value) in read.Metadata.Where(m => m.Key == "converted"))
                mapped.Metadata[key] = value;
            mapped.Metadata["format"] = "pt";
            mapped.Metadata["source"] = Path.GetFileName(input);
            if (map.Rules.Count > 0)
                mapped.Metadata["key_map"] = map.ToString();
            SafeTensors.Write(output, mapped);
        }
        else
        {
            TorchCheckpointWriter.Write(output, mapped);
        }
        return new ConversionResult(mapped.Count, mapped.NumberOfElements, dropped, new FileInfo(output).Length);
    }
}
