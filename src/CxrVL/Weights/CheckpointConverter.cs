namespace CxrVL.Weights;

/// <summary>Converts any checkpoint <see cref="CheckpointReader"/> reads into a safetensors file, renaming keys on the way.</summary>
public static class CheckpointConverter
{
    /// <summary>
    /// Reads <paramref name="input"/>'s state dict, applies <paramref name="map"/> and writes <paramref name="output"/>
    /// atomically, with metadata <c>format=pt</c> (what Python's safetensors expects for torch tensors), the source file
    /// name and the key map.
    /// </summary>
    public static ConversionResult ToSafeTensors(string input, string output, KeyMap? map = null, CheckpointReadOptions? options = null)
    {
        if (!output.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            throw new CxrVLException($"the output '{output}' must end in .safetensors.");
        if (Path.GetFullPath(input) == Path.GetFullPath(output))
            throw new CxrVLException($"the output '{output}' is the input file; choose another name.");
        map ??= KeyMap.Identity;
        using var read = CheckpointReader.Read(input, options);
        var dropped = read.Keys.Where(key => map.Map(key) is null).ToList();
        using var mapped = map.Apply(read);
        mapped.Metadata["format"] = "pt";
        mapped.Metadata["source"] = Path.GetFileName(input);
        if (map.Rules.Count > 0)
            mapped.Metadata["key_map"] = map.ToString();
        SafeTensors.Write(output, mapped);
        return new ConversionResult(mapped.Count, mapped.NumberOfElements, dropped, new FileInfo(output).Length);
    }
}
