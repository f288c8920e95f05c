using CxrVL.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Tests.Training;

/// <summary>A batch of the toy regression problem.</summary>
internal sealed record ToyBatch(Tensor Inputs, Tensor Targets) : IDisposable
{
    public void Dispose()
    {
        Inputs.Dispose();
        Targets.Dispose();
    }
}

/// <summary>y = x w* + noise, with a batch order that depends only on (seed, epoch), as the trainer requires.</summary>
internal sealed class ToyData : IBatchSource<ToyBatch>, IDisposable
{
    private readonly Tensor _inputs;
    private readonly Tensor _targets;
    private readonly int _seed;

    public ToyData(int samples, int batchSize, int seed)
    {
        var generator = new Generator(1234);
        _inputs = randn([samples, 4], generator: generator, dtype: float64);
        var truth = tensor(new double[] { 1.5, -2, 0.5, 3 }).view(4, 1);
        _targets = _inputs.matmul(truth) + 0.01 * randn([samples, 1], generator: generator, dtype: float64);
        BatchSize = batchSize;
        BatchesPerEpoch = samples / batchSize;
        _seed = seed;
    }

    public int BatchesPerEpoch { get; }

    public int BatchSize { get; }

    public IEnumerable<ToyBatch> Epoch(int epoch, int startBatch = 0)
    {
        var order = Enumerable.Range(0, BatchesPerEpoch * BatchSize).ToArray();
        new Random(_seed * 7919 + epoch).Shuffle(order);
        for (var b = startBatch; b < BatchesPerEpoch; b++)
        {
            var index = tensor(order[(b * BatchSize)..((b + 1) * BatchSize)].Select(i => (long)i).ToArray());
            yield return new ToyBatch(_inputs.index_select(0, index), _targets.index_select(0, index));
        }
    }

    public void Dispose()
    {
        _inputs.Dispose();
        _targets.Dispose();
    }
}

/// <summary>A two-layer network with dropout (so resume must restore torch's generator) and a mean-squared-error loss.</summary>
internal sealed class ToyMethod : ITrainingMethod<ToyBatch>
{
    private readonly nn.Module<Tensor, Tensor> _network;

    public ToyMethod(int seed)
    {
        manual_seed(seed);
        var network = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Dropout(0.1), nn.Linear(16, 1));
        network.to(float64);
        _network = network;
    }

    public nn.Module Model => _network;

    public Action<TrainingProgress>? AfterStep { get; init; }

    public List<TrainingProgress> Stages { get; } = [];

    public void OnStageStart(TrainingProgress progress) => Stages.Add(progress);

    public LossTerms Loss(ToyBatch batch, TrainingProgress progress)
    {
        var mse = nn.functional.mse_loss(_network.call(batch.Inputs), batch.Targets);
        return LossTerms.Weighted(new Dictionary<string, Tensor> { ["mse"] = mse, ["l2"] = 1e-4 * _network.parameters().First().pow(2).sum() },
                                  progress.LossWeights);
    }

    public void AfterOptimizerStep(TrainingProgress progress) => AfterStep?.Invoke(progress);

    public double ValidationLoss(ToyData data)
    {
        using var scope = NewDisposeScope();
        var batch = data.Epoch(0).First();
        return nn.functional.mse_loss(_network.call(batch.Inputs), batch.Targets).item<double>();
    }

    public double[] Weights() => _network.parameters().SelectMany(p => p.data<double>().ToArray()).ToArray();

    public void Dispose() => _network.Dispose();
}
