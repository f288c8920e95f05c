using System.Globalization;
using System.Text.Json;
using CxrVL.Files;
using CxrVL.Runs;
using CxrVL.Training.Optimizers;
using CxrVL.Weights;
using static TorchSharp.torch;

namespace CxrVL.Training.Checkpoints;

/// <summary>
/// The <c>checkpoints/</c> folder of a run. Each checkpoint is a folder (<c>step-000120/</c>, <c>best/</c>,
/// <c>stage2-start/</c>) holding <c>model.safetensors</c>, <c>optimizer.safetensors</c>, optionally
/// <c>ema.safetensors</c>, and <c>trainer.json</c>. A checkpoint is written into a hidden temporary folder and renamed
/// into place, so a kill mid-write leaves the previous checkpoints intact. Before writing, the free space is checked
/// against the checkpoint's size; a write that fails anyway (a full disk) removes the temporary folder, so the failure
/// does not also eat the space a resumed run needs.
/// </summary>
public sealed class CheckpointStore
{
    public const string ModelFile = "model.safetensors";
    public const string OptimizerFile = "optimizer.safetensors";
    public const string AverageFile = "ema.safetensors";
    public const string StateFile = "trainer.json";
    public const string BestName = "best";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    private readonly Func<string, long?> _freeSpace;
    private readonly Func<string, Stream> _create;

    public CheckpointStore(string directory) : this(directory, DiskSpace.Free, path => new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None))
    {
    }

    /// <param name="freeSpace">Free bytes of a folder's volume.</param>
    /// <param name="create">Opens a new file for writing (tests inject a disk that fills up).</param>
    internal CheckpointStore(string directory, Func<string, long?> freeSpace, Func<string, Stream> create)
    {
        Directory = directory;
        _freeSpace = freeSpace;
        _create = create;
    }

    public string Directory { get; }

    public static string StepName(long step) => string.Create(CultureInfo.InvariantCulture, $"step-{step:D6}");

    /// <summary>Writes one checkpoint atomically and returns its folder.</summary>
    public string Save(string name, nn.Module model, IOptimizer? optimizer, WeightAverage? average, TrainerState state)
    {
        System.IO.Directory.CreateDirectory(Directory);
        RemoveAbandonedTemporaries();
        var final = Path.Combine(Directory, name);
        var temporary = Path.Combine(Directory, $".{name}.{Environment.ProcessId}.tmp");
        if (System.IO.Directory.Exists(temporary))
            System.IO.Directory.Delete(temporary, recursive: true);

        using var weights = StateDict.Borrow(model);
        using var optimizerState = optimizer is null ? null : StateDict.Borrow(optimizer.State());
        using var averaged = average is null ? null : StateDict.Borrow(average.State);
        var files = new List<(string File, StateDict Tensors)> { (ModelFile, weights) };
        if (optimizerState is not null)
            files.Add((OptimizerFile, optimizerState));
        if (averaged is not null)
            files.Add((AverageFile, averaged));
        var stateJson = JsonSerializer.SerializeToUtf8Bytes(state, Json);
        var needed = files.Sum(f => SafeTensors.FileSize(f.Tensors)) + stateJson.Length;
        var what = $"checkpoint '{name}'";
        DiskSpace.Ensure(Directory, needed, what, _freeSpace);

        try
        {
            System.IO.Directory.CreateDirectory(temporary);
            foreach (var (file, tensors) in files)
                WriteFile(Path.Combine(temporary, file), stream => SafeTensors.Write(stream, tensors));
            WriteFile(Path.Combine(temporary, StateFile), stream => stream.Write(stateJson));
        }
        catch (IOException e)
        {
            System.IO.Directory.Delete(temporary, recursive: true);
            throw DiskSpace.WriteFailed($"{what} (the previous checkpoints are intact)", Directory, needed, e, _freeSpace);
        }

        var previous = Path.Combine(Directory, $".{name}.{Environment.ProcessId}.old");
        if (System.IO.Directory.Exists(final))
            System.IO.Directory.Move(final, previous);
        System.IO.Directory.Move(temporary, final);
        if (System.IO.Directory.Exists(previous))
            System.IO.Directory.Delete(previous, recursive: true);
        return final;
    }

    private void WriteFile(string path, Action<Stream> write)
    {
        using var stream = _create(path);
        write(stream);
        if (stream is FileStream file)
            file.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Temporary folders of runs that were killed while writing (their process is gone): left alone they hold a
    /// checkpoint's worth of space on the volume the resumed run needs.
    /// </summary>
    private void RemoveAbandonedTemporaries()
    {
        foreach (var folder in System.IO.Directory.GetDirectories(Directory, ".*.tmp"))
        {
            var parts = Path.GetFileName(folder).Split('.');
            if (parts.Length >= 3 && int.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid != Environment.ProcessId && !IsRunning(pid))
                System.IO.Directory.Delete(folder, recursive: true);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
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
