using CxrVL.Text.Sections;

namespace CxrVL.Tests.Text.Sections;

public sealed class ReportSectionParserTests
{
    // Laid out as MIMIC-CXR report files are: a title line, then " HEADER:  text" lines wrapped with a leading space.
    private const string Mimic =
        "                                 FINAL REPORT\n" +
        " EXAMINATION:  CHEST (PA AND LAT)\n \n" +
        " INDICATION:  ___F with cough  // ?pna\n \n" +
        " COMPARISON:  ___\n \n" +
        " FINDINGS: \n \n PA and lateral views of the chest provided.  There is no focal\n consolidation, effusion, or pneumothorax.\n \n" +
        " IMPRESSION: \n \n No acute intrathoracic process.\n";

    [Fact]
    public void MimicReportSplitsIntoNamedSectionsWithWhitespaceCollapsed()
    {
        var sections = ReportSectionParser.Parse(Mimic);
        Assert.Equal("PA and lateral views of the chest provided. There is no focal consolidation, effusion, or pneumothorax.", sections.Findings);
        Assert.Equal("No acute intrathoracic process.", sections.Impression);
        Assert.Equal("___F with cough // ?pna", sections.Indication);
        Assert.Equal("___", sections.Comparison);
        Assert.Equal(["preamble", "examination", "indication", "comparison", "findings", "impression"], sections.Sections.Select(s => s.Name));
    }

    [Theory]
    [InlineData("CONCLUSION", "impression")]
    [InlineData("FINDINGS AND IMPRESSION", "impression")]
    [InlineData("FINDINGS/IMPRESSION", "impression")]
    [InlineData("IMPRESSON", "impression")]
    [InlineData("FINDNGS", "findings")]
    [InlineData("REASON FOR EXAM", "indication")]
    [InlineData("CLINICAL HISTORY", "history")]
    [InlineData("COMPARISONS", "comparison")]
    [InlineData("CHEST, TWO VIEWS", "findings")]
    [InlineData("PORTABLE AP CHEST VIEW", "findings")]
    [InlineData("FINAL IMPRESSION", "impression")]
    [InlineData("TECHNIQUE", "technique")]
    // MIT-LCP's section_parser / PRIOR's normalize_section_names: main sections in the order impression, findings,
    // history, comparison, addendum; then a header describing the study (p_findings) is findings.
    [InlineData("INDICATION/HISTORY", "history")]
    [InlineData("ADDENDUM NOTE", "addendum")]
    [InlineData("PORTABLE CHEST", "findings")]
    [InlineData("CHEST", "findings")]
    [InlineData("PA AND LATERAL", "findings")]
    [InlineData("LATERAL AND AP", "findings")]
    [InlineData("FRONTAL SEMI-UPRIGHT PORTABLE", "findings")]
    [InlineData("BONE WINDOW", "findings")]
    [InlineData("RIBS, UNILATERAL", "findings")]
    [InlineData("PA AND LAT", "findings")]
    [InlineData("ONE VIEW", "findings")]
    [InlineData("PROCEDURE", "procedure")]
    public void HeaderAliasesNormalize(string header, string expected) => Assert.Equal(expected, ReportSectionParser.Normalize(header));

    [Theory]
    [InlineData("PORTABLE CHEST")]
    [InlineData("CHEST")]
    [InlineData("PA AND LATERAL")]
    [InlineData("AP CHEST")]
    public void AStudyDescriptionHeaderHeadsTheFindings(string header)
    {
        var report = "                                 FINAL REPORT\n" +
                     " INDICATION:  Shortness of breath.\n \n" +
                     $" {header}:  The lungs are clear.  No pleural effusion.\n \n" +
                     " IMPRESSION:  No acute cardiopulmonary process.\n";

        var sections = ReportSectionParser.Parse(report);

        Assert.Equal("The lungs are clear. No pleural effusion.", sections.Findings);
        Assert.Equal("No acute cardiopulmonary process.", sections.Impression);
        Assert.Equal("Shortness of breath.", sections.Indication);
    }

    [Fact]
    public void LaterSectionOfTheSameNameWinsAndEmptyFindingsIsDropped()
    {
        var sections = ReportSectionParser.Parse(" FINDINGS:  \n IMPRESSION:  First.\n \n CONCLUSION:  Second.\n");
        Assert.Null(sections.Findings);
        Assert.Equal("Second.", sections.Impression);
        Assert.DoesNotContain(sections.Sections, s => s.Name == "findings");
    }

    [Fact]
    public void ReportWithoutFindingsOrImpressionKeepsItsParagraphsAfterTheFirst()
    {
        var sections = ReportSectionParser.Parse(" EXAMINATION:  CHEST PORTABLE\n \n Heart size normal.\n \n Lungs are clear.\n");
        Assert.Null(sections.Findings);
        Assert.Null(sections.Impression);
        Assert.Equal("Heart size normal. Lungs are clear.", sections.Get(ReportSectionParser.LastParagraph));
    }

    [Fact]
    public void FlattenedOneLineReportSplitsAtKnownHeaders()
    {
        var sections = ReportSectionParser.Parse("FINAL REPORT EXAMINATION: Chest. INDICATION: cough. FINDINGS: Lungs clear. IMPRESSION: Normal.");
        Assert.Equal(["preamble", "examination", "indication", "findings", "impression"], sections.Sections.Select(s => s.Name));
        Assert.Equal("FINAL REPORT", sections.Sections[0].Text);
        Assert.Equal("Lungs clear.", sections.Findings);
        Assert.Equal("Normal.", sections.Impression);
    }

    [Fact]
    public void TextWithoutHeadersIsTheFullReport()
    {
        var sections = ReportSectionParser.Parse("No acute process.");
        Assert.Equal("full_report", Assert.Single(sections.Sections).Name);
        Assert.Null(sections.Findings);
    }
}
