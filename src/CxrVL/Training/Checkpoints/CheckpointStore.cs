using System.Globalization;
using System.Text.Json;
using CxrVL.Training.Optimizers;
using CxrVL.Weights;
using static TorchSharp.torch;
using CxrVL.Files;

namespace CxrVL.Training.Checkpoints;

/// <summary>
/// The <c>checkpoints/</c> folder of a run. Each checkpoint is a folder (<c>step-000120/</c>, <c>best/</c>,
/// <c>stage2-start/</c>) holding <c>model.safetensors</c>, <c>optimizer.safetensors</c>, optionally
/// <c>ema.safetensors</c>, and <c>trainer.json</c>. A checkpoint is written into a hidden temporary folder and renamed
/// into place, so a kill mid-write leaves the previous checkpoints intact.
/// </summary>
public sealed class CheckpointStore(string directory)
{
    public const string ModelFile = "model.safetensors";
    public const string OptimizerFile = "optimizer.safetensors";
    public const string AverageFile = "ema.safetensors";
    public const string StateFile = "trainer.json";
    public const string BestName = "best";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public string Directory { get; } = directory;

    public static string StepName(long step) => string.Create(CultureInfo.InvariantCulture, $"step-{step:D6}");

    /// <summary>Writes one checkpoint atomically and returns its folder.</summary>
    public string Save(string name, nn.Module model, IOptimizer? optimizer, WeightAverage? average, TrainerState state)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var final = Path.Combine(Directory, name);
        var temporary = Path.Combine(Directory, $".{name}.{Environment.ProcessId}.tmp");
        if (System.IO.Directory.Exists(temporary))
            System.IO.Directory.Delete(temporary, recursive: true);
        System.IO.Directory.CreateDirectory(temporary);

        using (var weights = StateDict.Borrow(model))
            SafeTensors.Write(Path.Combine(temporary, ModelFile), weights);
        if (optimizer is not null)
        {
            using var optimizerState = StateDict.Borrow(optimizer.State());
            SafeTensors.Write(Path.Combine(temporary, OptimizerFile), optimizerState);
        }
        if (average is not null)
        {
            using var averaged = StateDict.Borrow(average.State);
            SafeTensors.Write(Path.Combine(temporary, AverageFile), averaged);
        }
        File.WriteAllText(Path.Combine(temporary, StateFile), JsonSerializer.Serialize(state, Json));

        var previous = Path.Combine(Directory, $".{name}.{Environment.ProcessId}.old");
        if (System.IO.Directory.Exists(final))
            System.IO.Directory.Move(final, previous);
        System.IO.Directory.Move(temporary, final);
        if (System.IO.Directory.Exists(previous))
            System.IO.Directory.Delete(previous, recursive: true);
        return final;
    }

    /// <summary>Step checkpoints, oldest first.</summary>
    public IReadOnlyList<string> StepCheckpoints() =>
        System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.GetDirectories(Directory, "step-*").Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>The checkpoint with the highest step, of any kind; null when there is none.</summary>
    public string? Latest() =>
        !System.IO.Directory.Exists(Directory)
            ? null
            : System.IO.Directory.GetDirectories(Directory)
                .Where(d => !Path.GetFileName(d).StartsWith('.') && File.Exists(Path.Combine(d, StateFile)))
                .MaxBy(d => ReadState(d).Step);

    /// <summary>Deletes all but the newest <paramref name="keep"/> step checkpoints.</summary>
    public void Prune(int keep)
    {
        var steps = StepCheckpoints();
        foreach (var old in steps.Take(Math.Max(0, steps.Count - Math.Max(1, keep))))
            System.IO.Directory.Delete(old, recursive: true);
    }

    public static TrainerState ReadState(string checkpoint)
    {
        var path = Path.Combine(checkpoint, StateFile);
        if (!File.Exists(path))
            throw new CxrVLException($"'{checkpoint}' is not a CxrVL checkpoint: {StateFile} is missing.");
        return InputFile.ReadJson<TrainerState>(path, Json, "trainer state");
    }

    /// <summary>
    /// The model weights a <c>--checkpoint</c> argument names: a weights file, a checkpoint folder, or a run folder (its
    /// best checkpoint, else the latest). Within a checkpoint the EMA weights win when the run kept them.
    /// </summary>
    public static string ResolveWeights(string path)
    {
        if (File.Exists(path))
            return path;
        if (!System.IO.Directory.Exists(path))
            throw new CxrVLException($"checkpoint '{path}' does not exist.");
        if (File.Exists(Path.Combine(path, ModelFile)))
            return WeightsIn(path);
        var store = new CheckpointStore(System.IO.Directory.Exists(Path.Combine(path, "checkpoints")) ? Path.Combine(path, "checkpoints") : path);
        var best = Path.Combine(store.Directory, BestName);
        if (File.Exists(Path.Combine(best, ModelFile)))
            return WeightsIn(best);
        return store.Latest() is { } latest
            ? WeightsIn(latest)
            : throw new CxrVLException($"'{path}' holds no checkpoint (no {ModelFile} below it).");
    }

    private static string WeightsIn(string checkpoint) =>
        File.Exists(Path.Combine(checkpoint, AverageFile)) ? Path.Combine(checkpoint, AverageFile) : Path.Combine(checkpoint, ModelFile);
}
