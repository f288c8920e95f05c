using CxrVL.Training.Schedules;

namespace CxrVL.Tests.Training;

public sealed class LearningRateScheduleTests
{
    [Fact]
    public void WarmupCosineRisesLinearlyThenFollowsHalfACosine()
    {
        var schedule = new LearningRateSchedule(
            new ScheduleConfig { Kind = ScheduleKind.WarmupCosine, WarmupSteps = 10, WarmupStartLr = 1e-7, MinLr = 0 }, 1e-5, 110);

        Assert.Equal(1e-7, schedule.LearningRate(0), tolerance: 1e-18);
        Assert.Equal(1e-7 + (1e-5 - 1e-7) * 5 / 10, schedule.LearningRate(5), tolerance: 1e-18);
        Assert.Equal(1e-5, schedule.LearningRate(10), tolerance: 1e-18);
        // Half-way through the 100 decay steps cos(pi/2) = 0: half the peak.
        Assert.Equal(0.5e-5, schedule.LearningRate(60), tolerance: 1e-18);
        // Three quarters: 0.5 (1 + cos(3 pi / 4)).
        Assert.Equal(1e-5 * 0.5 * (1 + Math.Cos(0.75 * Math.PI)), schedule.LearningRate(85), tolerance: 1e-18);
    }

    [Fact]
    public void WarmupFractionIsTakenOfAllSteps()
    {
        var schedule = new LearningRateSchedule(new ScheduleConfig { WarmupFraction = 0.4, MinLr = 1e-8 }, 4e-5, 1000);
        Assert.Equal(400, schedule.WarmupSteps);
        Assert.Equal(4e-5 * 200 / 400, schedule.LearningRate(200), 15);
    }

    [Fact]
    public void StepDecayMultipliesByGammaEveryStepSize()
    {
        var schedule = new LearningRateSchedule(new ScheduleConfig { Kind = ScheduleKind.Step, StepSize = 50, Gamma = 0.8 }, 1e-3, 500);
        Assert.Equal(1e-3, schedule.LearningRate(49), 15);
        Assert.Equal(0.8e-3, schedule.LearningRate(50), 15);
        Assert.Equal(1e-3 * 0.8 * 0.8, schedule.LearningRate(100), 15);
    }

    [Fact]
    public void PolyDecaysWithThePower()
    {
        var schedule = new LearningRateSchedule(new ScheduleConfig { Kind = ScheduleKind.Poly, Power = 2 }, 1.0, 100);
        Assert.Equal(0.25, schedule.LearningRate(50), 15);
    }

    [Fact]
    public void WarmupLongerThanTrainingIsAnError() =>
        Assert.Throws<CxrVLException>(() => new LearningRateSchedule(new ScheduleConfig { WarmupSteps = 20 }, 1e-4, 10));
}
