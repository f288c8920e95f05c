using System.Diagnostics;
using System.Globalization;
using CxrVL.Precision;
using CxrVL.Runs;
using CxrVL.Runtime.Distributed;
using CxrVL.Training.Checkpoints;
using CxrVL.Training.Distributed;
using CxrVL.Training.Optimizers;
using CxrVL.Training.Schedules;
using CxrVL.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Training;

/// <summary>
/// The one training loop every method plugs into: stages with their own optimizer and schedule, gradient
/// accumulation and clipping, EMA, validation with best-checkpoint selection and early stopping, step and time
/// budgets, atomic checkpoints and exact resume, per-step metrics and a progress display. A NaN or infinite loss or
/// gradient norm stops the run (<see cref="TrainingDivergedException"/>) or drops the batch (<c>train.nonfinite</c>).
/// Under <c>mpirun</c> each rank runs this loop on its shard of every batch; <paramref name="ranks"/> averages the
/// gradients, every stop is agreed by all ranks, and only rank 0 saves. Under <c>fp16-mixed</c> a <see cref="GradScaler"/>
/// scales the loss and skips the optimizer steps whose float16 gradients overflowed.
/// </summary>
/// <param name="cpu">What the CPU computes natively (tests pass a simulated one); null detects it.</param>
public sealed class Trainer<TBatch>(TrainingConfig config, RunFolder run, int seed, TextWriter? output = null,
                                    IDistributedContext? ranks = null, LowPrecisionSupport? cpu = null)
    where TBatch : IDisposable
{
    private readonly CheckpointStore _store = new(run.CheckpointsPath);
    private readonly TextWriter _output = output ?? Console.Out;
    private readonly DataParallel _parallel = new(ranks ?? SingleProcess.Instance, config.Distributed);

    /// <param name="validate">Validation metrics of the current model (called in evaluation mode); null trains without validation.</param>
    /// <param name="resumeFrom">A checkpoint folder or run folder to continue from; its trainer state must match this run's seed.</param>
    /// <exception cref="TrainingDivergedException">A loss or gradient norm was not finite (beyond the skips <c>train.nonfinite: skip</c> allows).</exception>
    public TrainingResult Fit(ITrainingMethod<TBatch> method, IBatchSource<TBatch> data,
                              Func<IReadOnlyDictionary<string, double>>? validate = null, string? resumeFrom = null,
                              CancellationToken cancellation = default)
    {
        var plan = TrainingPlan.Create(config, data.BatchesPerEpoch);
        var validationInterval = TrainingPlan.ValidationInterval(config, data.BatchesPerEpoch);
        var totalSteps = plan.Sum(s => s.Steps);
        var model = method.Model;
        var state = new TrainerState { Seed = seed };
        string? resumeCheckpoint = null;
        if (resumeFrom is not null)
        {
            resumeCheckpoint = ResolveResume(resumeFrom);
            state = CheckpointStore.ReadState(resumeCheckpoint);
            if (state.Seed != seed)
                throw new CxrVLException($"checkpoint '{resumeCheckpoint}' was trained with --seed {state.Seed}; resume with the same seed (got {seed}).");
            LoadWeights(model, Path.Combine(resumeCheckpoint, CheckpointStore.ModelFile));
            if (state.TorchRngState is { } rng)
                set_rng_state(tensor(Convert.FromBase64String(rng)));
            run.Log.Info($"resuming from {resumeCheckpoint} at step {state.Step}");
        }
        var precision = PrecisionChoice.Resolve(config.Precision, config.PrecisionFallback, cpu ?? LowPrecisionSupport.Detect(),
                                                onCpu: model.parameters().FirstOrDefault()?.device.type is null or DeviceType.CPU);
        // Before the gradient synchronisation and the optimizer take the parameters: the layout change replaces them.
        if (MixedPrecisionLayout.Prepare(model, precision.Effective) is > 0 and var converted)
            run.Log.Info($"{PrecisionChoice.Name(precision.Effective)}: {converted} ResNet(s) run channels-last, the layout 16-bit convolutions need", echo: false);
        using var synchronised = _parallel.Attach(model);
        run.Log.Info(precision.Notice ?? $"train.precision: {PrecisionChoice.Name(precision.Effective)}", echo: precision.Effective != TrainingPrecision.Fp32 || precision.Notice is not null);
        // A resumed run continues its saved scale; a run resumed in another precision starts one.
        var scaler = precision.Effective == TrainingPrecision.Fp16Mixed ? new GradScaler(config.GradScaler, state.GradScaler) : null;

        var stopping = new EarlyStopping(config.MonitorGoal, config.Patience, minValidations: config.MinValidations);
        stopping.Restore(state.Best, state.EvaluationsWithoutImprovement, state.Validations);
        using var average = config.EmaDecay is { } decay ? new WeightAverage(model, decay) : null;
        if (average is not null && resumeCheckpoint is not null)
            LoadInto(average.State, Path.Combine(resumeCheckpoint, CheckpointStore.AverageFile));
        // Only a run that may drop a batch needs the buffers from before it.
        using var buffers = config.Nonfinite == NonfiniteAction.Skip ? new BufferSnapshot(model) : null;

        var global = _parallel.GlobalBatch;
        var clock = Stopwatch.StartNew();
        var elapsedBefore = state.ElapsedSeconds;
        double Elapsed() => elapsedBefore + clock.Elapsed.TotalSeconds;
        var lastCheckpointAt = Elapsed();
        using var batches = new BatchCursor<TBatch>(data, state.Epoch, state.BatchInEpoch);
        var effectiveBatch = data.BatchSize * config.AccumulateGradBatches;
        var outcome = TrainingOutcome.Completed;
        var stopReason = "completed";
        string? lastCheckpoint = null;
        // What a divergence falls back to: the newest checkpoint written before it, else the one this run resumed from.
        var lastGood = resumeCheckpoint;
        TrainingDivergence? divergence = null;
        var skipped = state.NonfiniteSkipped;
        string? bestCheckpoint = File.Exists(Path.Combine(_store.Directory, CheckpointStore.BestName, CheckpointStore.StateFile))
            ? Path.Combine(_store.Directory, CheckpointStore.BestName) : null;
        IReadOnlyDictionary<string, double> lastValidation = new Dictionary<string, double>();
        var window = new MetricWindow();
        var step = state.Step;

        TrainerState Snapshot(int stage, long stageStep) => new()
        {
            Step = step,
            Stage = stage,
            StageStep = stageStep,
            Epoch = batches.Epoch,
            BatchInEpoch = batches.BatchInEpoch,
            Best = stopping.Best,
            EvaluationsWithoutImprovement = stopping.EvaluationsWithoutImprovement,
            Validations = stopping.Evaluations,
            NonfiniteSkipped = skipped,
            GradScaler = scaler?.State,
            ElapsedSeconds = Elapsed(),
            TorchRngState = TorchRngState(),
            Seed = seed,
        };

        void Stop(TrainingOutcome why, string reason)
        {
            outcome = why;
            stopReason = reason;
        }

        string Checkpoint(string name, IOptimizer? optimizer, TrainerState at) => lastGood = Save(name, model, optimizer, average, at);

        ConsoleProgress.Run("train", totalSteps - state.Step, progress =>
        {
            for (var stageIndex = state.Stage; stageIndex < plan.Count && outcome == TrainingOutcome.Completed; stageIndex++)
            {
                var stage = plan[stageIndex];
                var stageStep = stageIndex == state.Stage ? state.StageStep : 0;
                var info = Progress(stage, step, stageStep, batches.Epoch, global);
                method.OnStageStart(info);
                using var optimizer = OptimizerFactory.Create(stage.Optimizer, model.named_parameters(), method.LayerId, method.LayerCount);
                if (resumeCheckpoint is not null && stageIndex == state.Stage && stageStep > 0)
                    LoadOptimizer(optimizer, Path.Combine(resumeCheckpoint, CheckpointStore.OptimizerFile));
                var schedule = new LearningRateSchedule(stage.Schedule, stage.Optimizer.PeakLr(effectiveBatch), stage.Steps);
                var trained = optimizer.Groups.SelectMany(g => g.Parameters).Select(p => p.Parameter).ToList();
                if (stageIndex > 0 && stageStep == 0)
                    Checkpoint($"{stage.Name}-start", null, Snapshot(stageIndex, 0));
                run.Log.Info($"stage {stage.Name}: {stage.Steps} steps, {trained.Count} trained tensors, peak lr {stage.Optimizer.PeakLr(effectiveBatch):g3}", echo: false);

                while (stageStep < stage.Steps)
                {
                    if (_parallel.AnyRank(cancellation.IsCancellationRequested))
                    {
                        Stop(TrainingOutcome.Cancelled, "cancelled");
                        break;
                    }
                    info = Progress(stage, step, stageStep, batches.Epoch, global);
                    var lr = schedule.LearningRate(stageStep);
                    foreach (var group in optimizer.Groups)
                        group.LearningRate = lr * group.LrScale;

                    var stepClock = Stopwatch.StartNew();
                    model.train();
                    var dropped = false;
                    using (var scope = NewDisposeScope())
                    {
                        buffers?.Capture(model);
                        var stepValues = new Dictionary<string, double>(StringComparer.Ordinal);
                        for (var micro = 0; micro < config.AccumulateGradBatches; micro++)
                        {
                            using var batch = batches.Next();
                            // The forward pass and the loss run in train.precision; backward follows the forward's types.
                            LossTerms loss;
                            using (Autocast.Enable(precision.Effective))
                                loss = method.Loss(batch, info);
                            var share = config.AccumulateGradBatches == 1 ? loss.Total : loss.Total / config.AccumulateGradBatches;
                            (scaler?.ScaleLoss(share) ?? share).backward();
                            foreach (var (name, term) in loss.Terms.Select(t => ("loss_" + t.Key, t.Value)).Append(("loss", loss.Total)))
                                stepValues[name] = stepValues.GetValueOrDefault(name) + term.ToDouble() / config.AccumulateGradBatches;
                        }
                        _parallel.AverageGradients(trained, window);
                        var losses = _parallel.MeanOverRanks(stepValues);
                        var nonfinite = losses.Where(l => !double.IsFinite(l.Value)).ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal);
                        // Under fp16-mixed, gradients that overflowed float16 are the scaler's business (a finite loss, every rank's
                        // gradients averaged alike); a non-finite loss is not, as under fp32: no scale can repair the forward pass.
                        var overflowed = nonfinite.Count == 0 && scaler is not null && scaler.UnscaleFindsNonfinite(trained);
                        // A non-finite loss already decides; otherwise the norm (which clipping measures anyway) is one pass over the gradients.
                        double? gradNorm = nonfinite.Count > 0 || overflowed ? null
                            : config.ClipGradNorm is { } maxNorm ? nn.utils.clip_grad_norm_(trained, maxNorm) : GradientNorm.Of(trained);
                        var finite = nonfinite.Count == 0 && (overflowed || double.IsFinite(gradNorm!.Value));
                        if (overflowed)
                        {
                            // As torch.cuda.amp.GradScaler: no optimizer step, a lower scale. As Lightning: the step still counts
                            // (the schedule moves on) and what follows a step runs; the forward was finite, so buffers stay.
                            optimizer.ZeroGrad();
                            var before = scaler!.Scale;
                            scaler.Update(foundNonfinite: true);
                            foreach (var (name, value) in losses)
                                window.Add(name, value);
                            run.Log.Info(string.Create(CultureInfo.InvariantCulture, $"step {step + 1}: float16 gradients overflowed, optimizer step skipped, loss scale {before:g} -> {scaler.Scale:g}"), echo: false);
                            if (scaler.Collapsed)
                            {
                                divergence = new TrainingDivergence(step + 1, stage.Name, nonfinite, null, lastGood, skipped, null)
                                {
                                    CollapsedScale = (scaler.Scale, config.GradScaler.MinScale, scaler.ConsecutiveSkips),
                                };
                                Stop(TrainingOutcome.Diverged, $"diverged at step {step + 1}");
                                break;
                            }
                        }
                        else if (_parallel.AnyRank(!finite))
                        {
                            optimizer.ZeroGrad();
                            var found = new TrainingDivergence(step + 1, stage.Name, nonfinite, gradNorm, lastGood, skipped,
                                                               config.Nonfinite == NonfiniteAction.Skip ? config.MaxNonfiniteSkips : null);
                            if (config.Nonfinite == NonfiniteAction.Skip && skipped < config.MaxNonfiniteSkips)
                            {
                                skipped++;
                                dropped = true;
                                buffers!.Restore(model);
                                run.Log.Info($"step {step + 1}: skipped the batch, {found.What} ({skipped} of at most {config.MaxNonfiniteSkips})", echo: false);
                            }
                            else
                            {
                                divergence = found;
                                Stop(TrainingOutcome.Diverged, $"diverged at step {found.Step}");
                                break;
                            }
                        }
                        else
                        {
                            foreach (var (name, value) in losses)
                                window.Add(name, value);
                            window.Add("grad_norm", gradNorm!.Value);
                            optimizer.Step();
                            optimizer.ZeroGrad();
                            scaler?.Update(foundNonfinite: false);
                        }
                    }
                    // A dropped batch made no optimizer step: nothing follows one (momentum encoders, queues, the average).
                    if (!dropped)
                    {
                        method.AfterOptimizerStep(info);
                        _parallel.AfterOptimizerStep(model);
                        average?.Update(model);
                    }
                    step++;
                    stageStep++;
                    window.AddSamples(effectiveBatch, stepClock.Elapsed.TotalSeconds);

                    var finished = stageStep == stage.Steps && stageIndex == plan.Count - 1;
                    if (step % Math.Max(1, config.LogEvery) == 0 || finished)
                        LogStep(window, step, stage, batches.Epoch, lr, Elapsed(), config.Nonfinite == NonfiniteAction.Skip ? skipped : null, scaler, progress);
                    progress.Advance();

                    if (validate is not null && (finished || (validationInterval > 0 && step % validationInterval == 0)))
                    {
                        lastValidation = Validate(model, average, validate, step, precision.Effective);
                        var value = lastValidation.TryGetValue(config.Monitor, out var v)
                            ? v
                            : throw new CxrVLException($"train.monitor '{config.Monitor}' is not among the validation metrics: {string.Join(", ", lastValidation.Keys)}.");
                        var improved = stopping.Record(value);
                        if (!double.IsFinite(value))
                            run.Log.Info(string.Create(CultureInfo.InvariantCulture, $"step {step}: {config.Monitor} is {value}, which never counts as an improvement or a best checkpoint"), echo: false);
                        if (improved && config.KeepBest)
                        {
                            bestCheckpoint = Checkpoint(CheckpointStore.BestName, null, Snapshot(stageIndex, stageStep));
                            run.Log.Info(string.Create(CultureInfo.InvariantCulture, $"step {step}: best {config.Monitor} {value:0.####}"), echo: false);
                        }
                        if (stopping.ShouldStop)
                            Stop(TrainingOutcome.EarlyStopped, $"early stopping: {config.Monitor} did not improve for {config.Patience} validations");
                    }

                    var overTime = _parallel.AnyRank(config.Minutes is { } minutes && Elapsed() >= minutes * 60);
                    if (overTime)
                        Stop(TrainingOutcome.TimeBudget, $"time budget of {config.Minutes:0.##} minutes reached");
                    var due = (config.CheckpointEvery > 0 && step % config.CheckpointEvery == 0) ||
                              Elapsed() - lastCheckpointAt >= config.CheckpointMinutes * 60;
                    if (due || finished || outcome != TrainingOutcome.Completed)
                    {
                        lastCheckpoint = Checkpoint(CheckpointStore.StepName(step), optimizer, Snapshot(stageIndex, stageStep));
                        if (_parallel.Ranks.IsMain)
                            _store.Prune(config.KeepLast);
                        lastCheckpointAt = Elapsed();
                    }
                    if (outcome != TrainingOutcome.Completed)
                        break;
                }
                if (outcome == TrainingOutcome.Cancelled)
                    lastCheckpoint = Checkpoint(CheckpointStore.StepName(step), optimizer, Snapshot(stageIndex, stageStep));
            }
        }, unit: "step", output: _output);

        var skips = skipped > 0 ? $"; {skipped} batches with non-finite values skipped" : "";
        if (divergence is not null)
        {
            // Nothing is saved now: the model's buffers may already hold the diverged batch's NaN.
            run.Log.Info($"training stopped after {step} steps{skips}: {divergence.Message}", echo: false);
            throw new TrainingDivergedException(new TrainingResult(step, outcome, stopReason, lastGood, bestCheckpoint, stopping.Best, lastValidation)
            {
                Divergence = divergence,
            });
        }
        lastCheckpoint ??= _store.Latest() ?? Checkpoint(CheckpointStore.StepName(step), null, Snapshot(plan.Count - 1, plan[^1].Steps));
        run.Log.Info($"training stopped after {step} steps{skips}: {stopReason}");
        return new TrainingResult(step, outcome, stopReason, lastCheckpoint, bestCheckpoint, stopping.Best, lastValidation);
    }

    private static string TorchRngState()
    {
        using var rng = get_rng_state();
        return Convert.ToBase64String(rng.data<byte>().ToArray());
    }

    private static TrainingProgress Progress(PlannedStage stage, long step, long stageStep, int epoch, GlobalBatch global) =>
        new(stage.Index, stage.Name, step, stageStep, stage.Steps, epoch, stage.LossWeights) { Global = global };

    /// <summary>Rank 0 writes the checkpoint; the other ranks only learn its folder.</summary>
    private string Save(string name, nn.Module model, IOptimizer? optimizer, WeightAverage? average, TrainerState state) =>
        _parallel.Ranks.IsMain ? _store.Save(name, model, optimizer, average, state) : Path.Combine(_store.Directory, name);

    /// <param name="skipped">Batches dropped so far (<c>nonfinite_skipped</c>), under <c>train.nonfinite: skip</c>.</param>
    /// <param name="scaler">Under fp16-mixed: the current <c>loss_scale</c> and the steps skipped so far for overflowing gradients (<c>overflow_skipped</c>).</param>
    private void LogStep(MetricWindow window, long step, PlannedStage stage, int epoch, double lr, double elapsed, int? skipped, GradScaler? scaler,
                         IProgressTracker progress)
    {
        var values = new Dictionary<string, object?>
        {
            ["step"] = step,
            ["stage"] = stage.Name,
            ["epoch"] = epoch,
            ["lr"] = lr,
        };
        foreach (var (name, mean) in window.Means())
            values[name] = mean;
        if (skipped is { } count)
            values["nonfinite_skipped"] = count;
        if (scaler is not null)
        {
            values["loss_scale"] = (double)scaler.Scale;
            values["overflow_skipped"] = scaler.SkippedSteps;
        }
        values["samples_per_s"] = window.SamplesPerSecond;
        values["rss_mb"] = Environment.WorkingSet / (1024.0 * 1024.0);
        // The managed part of the resident set (the rest is libtorch, OpenCV and glibc's heaps).
        values["managed_mb"] = GC.GetGCMemoryInfo().HeapSizeBytes / (1024.0 * 1024.0);
        values["elapsed_s"] = elapsed;
        run.Metrics.Write(values);
        progress.SetStatus(string.Create(CultureInfo.InvariantCulture, $"{stage.Name} loss {window.Mean("loss"):0.0000} lr {lr:0.00e+0}"));
        window.Clear();
    }

    private IReadOnlyDictionary<string, double> Validate(nn.Module model, WeightAverage? average, Func<IReadOnlyDictionary<string, double>> validate, long step,
                                                         TrainingPrecision precision)
    {
        // With EMA, validation and the best checkpoint use the averaged weights; training continues from the raw ones.
        using var raw = average is null ? null : new ModelSnapshot(model);
        average?.CopyTo(model);
        model.eval();
        IReadOnlyDictionary<string, double> metrics;
        using (no_grad())
        using (Autocast.Enable(precision))
            metrics = validate();
        raw?.Restore(model);
        model.train();
        var line = new Dictionary<string, object?> { ["step"] = step };
        foreach (var (name, value) in metrics)
            line[name] = value;
        run.Metrics.Write(line);
        return metrics;
    }

    private string ResolveResume(string path)
    {
        if (File.Exists(Path.Combine(path, CheckpointStore.StateFile)))
            return path;
        var store = new CheckpointStore(Directory.Exists(Path.Combine(path, "checkpoints")) ? Path.Combine(path, "checkpoints") : path);
        return store.StepCheckpoints().LastOrDefault() ?? store.Latest()
            ?? throw new CxrVLException($"nothing to resume in '{path}': no checkpoint with {CheckpointStore.StateFile}.");
    }

    private static void LoadWeights(nn.Module model, string path)
    {
        using var weights = CheckpointReader.Read(path);
        StateDictLoader.Load(model, weights);
    }

    private static void LoadInto(IReadOnlyDictionary<string, Tensor> target, string path)
    {
        using var saved = CheckpointReader.Read(path);
        using var noGrad = no_grad();
        foreach (var (name, tensor) in target)
        {
            if (!saved.TryGetValue(name, out var value))
                throw new CxrVLException($"'{path}' lacks '{name}'.");
            tensor.copy_(value);
        }
    }

    private static void LoadOptimizer(IOptimizer optimizer, string path)
    {
        using var saved = CheckpointReader.Read(path);
        optimizer.LoadState(saved.ToDictionary(e => e.Key, e => e.Value));
    }
}
