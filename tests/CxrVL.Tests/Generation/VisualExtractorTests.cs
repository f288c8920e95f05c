using CxrVL.Generation;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Tests.Generation;

[Collection(TorchGlobalStateCollection.Name)]
public sealed class VisualExtractorTests
{
    private static Dictionary<string, Tensor> Snapshot(nn.Module module) =>
        module.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());

    /// <summary>Two optimizer steps through a loss on the extractor's features, in training mode as the trainer sets it.</summary>
    private static void Train(VisualExtractor extractor, nn.Module head)
    {
        var trainable = extractor.parameters().Concat(head.parameters()).Where(p => p.requires_grad).ToList();
        using var optimizer = optim.SGD(trainable, 0.1);
        for (var step = 0; step < 2; step++)
        {
            extractor.train();
            head.train();
            manual_seed(step);
            optimizer.zero_grad();
            var features = extractor.forward(randn(2, 3, 64, 64), null);
            ((Linear)head).forward(features.Mean).pow(2).mean().backward();
            optimizer.step();
        }
    }

    [Fact]
    public void AFrozenExtractorKeepsItsWeightsAndBatchNormStatisticsWhileTheRestTrains()
    {
        manual_seed(0);
        using var extractor = new VisualExtractor("resnet18", frozen: true);
        using var head = nn.Linear(512, 4);
        var before = Snapshot(extractor);
        var headBefore = head.weight!.clone();

        Train(extractor, head);

        Assert.All(extractor.state_dict(), p => Assert.True(before[p.Key].eq(p.Value).all().item<bool>(), $"{p.Key} changed"));
        Assert.False(head.weight!.eq(headBefore).all().item<bool>());
    }

    [Fact]
    public void ATrainedExtractorMovesItsWeightsAndStatistics()
    {
        manual_seed(0);
        using var extractor = new VisualExtractor("resnet18");
        using var head = nn.Linear(512, 4);
        var before = Snapshot(extractor);

        Train(extractor, head);

        var after = extractor.state_dict();
        Assert.False(before["model.conv1.weight"].eq(after["model.conv1.weight"]).all().item<bool>());
        Assert.False(before["model.bn1.running_mean"].eq(after["model.bn1.running_mean"]).all().item<bool>());
    }
}
