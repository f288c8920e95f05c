namespace CxrVL.Training.Schedules;

/// <summary>
/// Learning rate at each optimizer step, from a base rate and a <see cref="ScheduleConfig"/>. A pure function of the
/// step, so a resumed run needs nothing but the step count to continue the curve exactly.
/// </summary>
public sealed class LearningRateSchedule
{
    private readonly ScheduleConfig _config;
    private readonly double _baseLr;
    private readonly long _totalSteps;

    public LearningRateSchedule(ScheduleConfig config, double baseLr, long totalSteps)
    {
        if (totalSteps < 1)
            throw new CxrVLException($"a learning-rate schedule needs at least one step (got {totalSteps}).");
        _config = config;
        _baseLr = baseLr;
        _totalSteps = totalSteps;
        WarmupSteps = config.WarmupFraction is { } fraction
            ? (long)Math.Round(fraction * totalSteps)
            : config.WarmupSteps;
        if (WarmupSteps < 0 || WarmupSteps > totalSteps)
            throw new CxrVLException($"warmup of {WarmupSteps} steps does not fit in {totalSteps} steps.");
    }

    public long WarmupSteps { get; }

    /// <summary>The rate for optimizer step <paramref name="step"/> (0-based: the rate the first update uses is LearningRate(0)).</summary>
    public double LearningRate(long step)
    {
        if (_config.Kind == ScheduleKind.MmcvPoly)
            return MmcvPoly(step);
        if (step < WarmupSteps)
            return _config.WarmupStartLr + (_baseLr - _config.WarmupStartLr) * step / WarmupSteps;

        var decaySteps = Math.Max(1, _totalSteps - WarmupSteps);
        var progress = Math.Min(1.0, (double)(step - WarmupSteps) / decaySteps);
        return _config.Kind switch
        {
            ScheduleKind.Constant => _baseLr,
            ScheduleKind.WarmupCosine => _config.MinLr + (_baseLr - _config.MinLr) * 0.5 * (1 + Math.Cos(Math.PI * progress)),
            ScheduleKind.Poly => _config.MinLr + (_baseLr - _config.MinLr) * Math.Pow(1 - progress, _config.Power),
            ScheduleKind.Step => _baseLr * Math.Pow(_config.Gamma, (step - WarmupSteps) / Math.Max(1, _config.StepSize)),
            _ => throw new ArgumentOutOfRangeException(nameof(_config.Kind), _config.Kind, null),
        };
    }

    private double MmcvPoly(long step)
    {
        var progress = Math.Min(1.0, (double)step / _totalSteps);
        var regular = _config.MinLr + (_baseLr - _config.MinLr) * Math.Pow(1 - progress, _config.Power);
        return step < WarmupSteps ? regular * (1 - (1 - (double)step / WarmupSteps) * (1 - _config.WarmupRatio)) : regular;
    }
}
