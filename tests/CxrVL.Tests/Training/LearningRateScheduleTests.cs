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
    public void MmcvPolyWarmsUpAsAShareOfThePolyCurve()
    {
        // MRM's SIIM: lr 2e-5, 160,000 iterations, warmup 1,500 linear from a ratio of 1e-6, power 1, min 0.
        var schedule = new LearningRateSchedule(
            new ScheduleConfig { Kind = ScheduleKind.MmcvPoly, WarmupSteps = 1500, WarmupRatio = 1e-6, Power = 1, MinLr = 0 }, 2e-5, 160_000);
        // Step 0: the curve's 2e-5 times 1 - (1 - 0)(1 - 1e-6) = 1e-6.
        Assert.Equal(2e-11, schedule.LearningRate(0), tolerance: 1e-20);
        // Step 750: the curve is 2e-5 (1 - 750/160000) = 1.990625e-5, times 1 - 0.5 (1 - 1e-6) = 0.5000005.
        Assert.Equal(9.953134953125e-6, schedule.LearningRate(750), tolerance: 1e-18);
        // Step 1500: warmup over; the poly curve counts from step 0, not from the end of the warmup: 2e-5 x 0.990625.
        Assert.Equal(1.98125e-5, schedule.LearningRate(1500), tolerance: 1e-18);
        Assert.Equal(1e-5, schedule.LearningRate(80_000), tolerance: 1e-18);
        Assert.Equal(0, schedule.LearningRate(160_000), tolerance: 1e-18);

        // MMSeg's schedule_5k defaults: lr 0.01, power 0.9, min 1e-4 and no warmup; half-way (0.01 - 1e-4) 0.5^0.9 + 1e-4,
        // 0.5^0.9 = 0.535886731... (e^(-0.9 ln 2)).
        var poly = new LearningRateSchedule(new ScheduleConfig { Kind = ScheduleKind.MmcvPoly, Power = 0.9, MinLr = 1e-4 }, 0.01, 5000);
        Assert.Equal(0.0099 * 0.5358867312681466 + 1e-4, poly.LearningRate(2500), tolerance: 1e-15);
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
