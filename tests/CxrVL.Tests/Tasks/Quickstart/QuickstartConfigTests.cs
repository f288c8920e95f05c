using CxrVL.Tasks.Quickstart;

namespace CxrVL.Tests.Tasks.Quickstart;

public sealed class QuickstartConfigTests
{
    [Fact]
    public void MinutesScaleEveryPhaseInProportion()
    {
        var config = new QuickstartConfig();
        config.Pretrain.Minutes = 6;
        config.Segment.Minutes = 1;
        config.Detect.Minutes = 1;
        config.Generate.Minutes = 2;

        config.ScaleTo(5);

        Assert.Equal(3, config.Pretrain.Minutes);
        Assert.Equal(0.5, config.Segment.Minutes);
        Assert.Equal(0.5, config.Detect.Minutes);
        Assert.Equal(1, config.Generate.Minutes);
        Assert.Equal(5, config.TotalMinutes());
    }

    [Fact]
    public void NonPositiveMinutesAreAnError() =>
        Assert.Throws<CxrVLException>(() => new QuickstartConfig().ScaleTo(0));
}
