using CxrVL.Training;
using static TorchSharp.torch;

namespace CxrVL.Tests.Training;

public sealed class WeightAverageAndEarlyStoppingTests
{
    [Fact]
    public void AverageFollowsTheRecurrenceAndCopiesBack()
    {
        using var model = nn.Linear(2, 1);
        using (no_grad())
        {
            model.weight!.copy_(tensor(new float[] { 1, 2 }).view(1, 2));
            model.bias!.fill_(0);
        }
        using var average = new WeightAverage(model, 0.9);

        using (no_grad())
            model.weight!.copy_(tensor(new float[] { 11, 2 }).view(1, 2));
        average.Update(model);
        // shadow = 0.9 * 1 + 0.1 * 11 = 2.0
        Assert.Equal(2.0f, average.State["weight"][0, 0].item<float>(), 5);

        average.CopyTo(model);
        Assert.Equal(new float[] { 2, 2 }, model.weight!.data<float>().ToArray());
    }

    [Fact]
    public void EarlyStoppingCountsEvaluationsWithoutImprovement()
    {
        var stopping = new EarlyStopping(MetricGoal.Max, patience: 2, minDelta: 0.01);
        Assert.True(stopping.Record(0.70));
        Assert.False(stopping.Record(0.705));
        Assert.True(stopping.Record(0.75));
        Assert.False(stopping.Record(double.NaN));
        Assert.False(stopping.ShouldStop);
        Assert.False(stopping.Record(0.74));
        Assert.True(stopping.ShouldStop);
        Assert.Equal(0.75, stopping.Best);
    }

    [Fact]
    public void EarlyStoppingNeverStopsBeforeItsMinimumAndNeverTakesANonFiniteBest()
    {
        var stopping = new EarlyStopping(MetricGoal.Min, patience: 1, minValidations: 4);
        Assert.False(stopping.Record(double.NegativeInfinity));
        Assert.Null(stopping.Best);
        Assert.True(stopping.Record(1.0));
        Assert.False(stopping.Record(2.0));
        // Patience is exhausted after the third validation, the minimum only at the fourth.
        Assert.False(stopping.ShouldStop);
        Assert.False(stopping.Record(double.NaN));
        Assert.True(stopping.ShouldStop);
        Assert.Equal(1.0, stopping.Best);
        Assert.Equal(4, stopping.Evaluations);
    }
}
