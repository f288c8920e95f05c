using CxrVL.Tasks.ReportGeneration;

namespace CxrVL.Tests.Tasks.ReportGeneration;

public sealed class ReportTextPreparerTests
{
    [Fact]
    public void KeepsMatchingSentencesThenCleansAsR2Gen()
    {
        var preparer = new ReportTextPreparer(new RrgDataConfig { KeepSentences = "x-?ray|opacit" });
        const string note = "A 65-year-old man presented with fever. Chest X-ray showed bilateral opacities. He was intubated. Opacities progressed.";

        Assert.Equal("Chest X-ray showed bilateral opacities. Opacities progressed.", preparer.Select(note));
        Assert.Equal("chest x-ray showed bilateral opacities . opacities progressed .", preparer.Prepare(note));
        // No sentence matches: the report is kept whole.
        Assert.Equal("he was intubated .", preparer.Prepare("He was intubated."));
    }

    [Fact]
    public void KeepsEverySentenceByDefaultAndRejectsABadPattern()
    {
        Assert.Equal("the heart is normal . no effusion .", new ReportTextPreparer(new RrgDataConfig()).Prepare("The heart is normal. No effusion."));
        var error = Assert.Throws<CxrVLException>(() => new ReportTextPreparer(new RrgDataConfig { KeepSentences = "(" }));
        Assert.Contains("data.keep_sentences", error.Message);
    }
}
