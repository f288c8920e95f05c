using CxrVL.Text;

namespace CxrVL.Tests.Text;

public sealed class SentenceSplitterTests
{
    private readonly SentenceSplitter _splitter = new();

    [Theory]
    [InlineData("The heart is normal. No effusion.", new[] { "The heart is normal.", "No effusion." })]
    [InlineData("1. No acute disease. 2. Stable cardiomegaly.", new[] { "No acute disease.", "Stable cardiomegaly." })]
    [InlineData("1. Cardiomegaly 2. No effusion", new[] { "Cardiomegaly", "No effusion" })]
    [InlineData("A 1.5 cm nodule is seen. It measures 2.3 x 1.1 cm.", new[] { "A 1.5 cm nodule is seen.", "It measures 2.3 x 1.1 cm." })]
    [InlineData("Findings discussed with Dr. Smith at 5 p.m. on the phone. No change.", new[] { "Findings discussed with Dr. Smith at 5 p.m. on the phone.", "No change." })]
    [InlineData("Chronic changes, e.g. scarring, are present.", new[] { "Chronic changes, e.g. scarring, are present." })]
    [InlineData("See image No. 3 for details. Otherwise normal.", new[] { "See image No. 3 for details.", "Otherwise normal." })]
    [InlineData("Heart size is normal.No pleural effusion.", new[] { "Heart size is normal.", "No pleural effusion." })]
    [InlineData("Heart normal\n\nLungs clear", new[] { "Heart normal", "Lungs clear" })]
    [InlineData("The lungs are\nclear.   Heart  normal.", new[] { "The lungs are clear.", "Heart normal." })]
    [InlineData("Pneumonia? Correlate clinically!", new[] { "Pneumonia?", "Correlate clinically!" })]
    [InlineData("Normal chest x-XXXX. XXXX XXXX are intact.", new[] { "Normal chest x-XXXX.", "XXXX XXXX are intact." })]
    [InlineData("Lines:\n- ET tube in place\n- NG tube in stomach", new[] { "Lines:", "ET tube in place", "NG tube in stomach" })]
    [InlineData("(Prior exam.) Stable.", new[] { "(Prior exam.)", "Stable." })]
    [InlineData("Hand 1. Minimally displaced fracture. 2. Lucency at the base. Chest 1. No acute findings.",
        new[] { "Hand", "Minimally displaced fracture.", "Lucency at the base.", "Chest", "No acute findings." })]
    [InlineData("1.Severe arthritis. 2.Mild scoliosis.", new[] { "Severe arthritis.", "Mild scoliosis." })]
    [InlineData("  . ;  ", new string[0])]
    [InlineData("", new string[0])]
    public void Splits_report_text_into_sentences(string text, string[] expected) =>
        Assert.Equal(expected, _splitter.Split(text));

    [Fact]
    public void Keeps_list_markers_when_asked()
    {
        var splitter = new SentenceSplitter { KeepListMarkers = true };
        Assert.Equal(["1. A b.", "2. C d."], splitter.Split("1. A b. 2. C d."));
    }

    [Fact]
    public void Extra_abbreviations_do_not_end_sentences()
    {
        var splitter = new SentenceSplitter(["approx.", "lat"]);
        Assert.Equal(["Seen on lat. view.", "Fine."], splitter.Split("Seen on lat. view. Fine."));
    }
}
