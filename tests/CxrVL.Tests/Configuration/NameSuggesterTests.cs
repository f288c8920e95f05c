using CxrVL.Configuration;

namespace CxrVL.Tests.Configuration;

public sealed class NameSuggesterTests
{
    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("steps", "steps", 0)]
    [InlineData("stpes", "steps", 1)]
    [InlineData("", "abc", 3)]
    public void DistanceMatchesHandCount(string a, string b, int expected) =>
        Assert.Equal(expected, NameSuggester.Distance(a, b));

    [Fact]
    public void ClosestPicksTheNearestAndRefusesFarNames()
    {
        string[] keys = ["batch_size", "max_steps", "learning_rate"];
        Assert.Equal("batch_size", NameSuggester.Closest("batchsize", keys));
        Assert.Null(NameSuggester.Closest("optimizer", keys));
    }
}
