using CxrVL.Methods.Alignment;
using CxrVL.Runtime.Distributed;
using CxrVL.Training.Distributed;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Tests.Training.Distributed;

/// <summary>
/// The data-parallel arithmetic on ranks simulated by threads (<see cref="ThreadRanks"/>), in float64 so rounding
/// cannot hide an error: two ranks with half a batch each, their gradients averaged, give the gradient of one process
/// on the whole batch, through SyncBatchNorm and through InfoNCE with global negatives.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class DataParallelArithmeticTests
{
    private const int Batch = 8;

    /// <summary>A tiny dual encoder: images through conv - BatchNorm2d - pool - linear - BatchNorm1d, texts through a linear layer.</summary>
    private sealed class Tower : nn.Module<(Tensor Images, Tensor Texts), (Tensor Images, Tensor Texts)>
    {
        private readonly Conv2d conv;
        private readonly BatchNorm2d norm;
        private readonly Linear project;
        private readonly BatchNorm1d head;
        private readonly Linear text;

        public Tower() : base(nameof(Tower))
        {
            conv = nn.Conv2d(2, 4, 3, padding: 1, dtype: float64);
            norm = nn.BatchNorm2d(4, dtype: float64);
            project = nn.Linear(4, 6, dtype: float64);
            head = nn.BatchNorm1d(6, dtype: float64);
            text = nn.Linear(5, 6, dtype: float64);
            RegisterComponents();
        }

        public override (Tensor Images, Tensor Texts) forward((Tensor Images, Tensor Texts) input)
        {
            var images = norm.call(conv.forward(input.Images)).relu().mean([2, 3]);
            return (head.call(project.forward(images)), text.forward(input.Texts));
        }
    }

    private static readonly Lock GlobalGeneratorLock = new();

    private static (Tensor Images, Tensor Texts) Data()
    {
        manual_seed(11);
        return (randn([Batch, 2, 5, 5], float64) * 2 + 1, randn([Batch, 5], float64));
    }

    private static Dictionary<string, Tensor> Gradients(Tower model) =>
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.detach().clone());

    private static (Dictionary<string, Tensor> Gradients, Dictionary<string, Tensor> Buffers) Step(
        IDistributedContext ranks, bool global, Func<Tower, Tensor, Tensor, GlobalBatch, Tensor> loss)
    {
        Tower model;
        Tensor images, texts;
        // Thread ranks share torch's global generator: seed and draw under one lock so every rank gets the same weights and data.
        lock (GlobalGeneratorLock)
        {
            manual_seed(3);
            model = new Tower();
            (images, texts) = Data();
        }
        using var disposeModel = model;
        model.train();
        var share = Batch / ranks.WorldSize;
        var mine = (images.narrow(0, ranks.Rank * share, share), texts.narrow(0, ranks.Rank * share, share));
        using var sync = ranks.WorldSize > 1 ? new SyncBatchNorm(model, ranks) : null;
        var batch = global ? new GlobalBatch(ranks) : GlobalBatch.Local;
        loss(model, mine.Item1, mine.Item2, batch).backward();
        new GradientAverager(ranks).Average(model.parameters());
        return (Gradients(model), model.named_buffers().ToDictionary(b => b.name, b => b.buffer.detach().clone()));
    }

    private static void AssertSame(Dictionary<string, Tensor> expected, Dictionary<string, Tensor> actual, string what)
    {
        foreach (var (name, value) in expected)
        {
            var difference = (value.to(float64) - actual[name].to(float64)).abs().max().item<double>();
            Assert.True(difference < 1e-10, $"{what} {name} differs by {difference}");
        }
    }

    public static TheoryData<string> Losses => ["infonce", "infonce-learned-scale"];

    [Theory]
    [MemberData(nameof(Losses))]
    public void TwoRanksWithHalfBatchesGiveTheGradientOfTheWholeBatch(string kind)
    {
        Tensor Loss(Tower model, Tensor images, Tensor texts, GlobalBatch global)
        {
            var (i, t) = model.call((images, texts));
            var scale = kind == "infonce" ? tensor(10.0, float64) : model.get_parameter("text.bias")!.sum().exp();
            return ContrastiveLoss.InfoNce(i, t, scale, global: global);
        }

        var single = Step(SingleProcess.Instance, global: false, Loss);
        var ranks = ThreadRanks.Run(2, r => Step(r, global: true, Loss));

        foreach (var rank in ranks)
        {
            AssertSame(single.Gradients, rank.Gradients, "gradient");
            AssertSame(single.Buffers, rank.Buffers, "buffer");
        }
    }
}
