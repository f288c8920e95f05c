using CxrVL.Data.Manifest;
using CxrVL.Tasks.ZeroShot;

namespace CxrVL.Tests.Tasks.ZeroShot;

public sealed class ZeroShotClassLabelsTests
{
    [Fact]
    public void ZeroShotClassLabelsMatchOnesByDefaultAndZerosWhenAsked()
    {
        var config = new ZeroShotConfig
        {
            Classes = new()
            {
                ["pneumonia"] = new ZeroShotClass { Prompts = ["p"], Labels = ["Pneumonia"] },
                ["no pneumonia"] = new ZeroShotClass { Prompts = ["n"], Labels = ["Pneumonia=0"] },
            },
        };
        ManifestRow Row(int? value) => new()
        {
            Dataset = "rsna", SubjectId = "s", StudyId = "s",
            Labels = value is { } v ? new Dictionary<string, int> { ["Pneumonia"] = v } : new Dictionary<string, int>(),
        };

        Assert.Equal([0, 1, -1, -1], ZeroShotEvaluation.ClassesOf([Row(1), Row(0), Row(-1), Row(null)], config));
    }
}
