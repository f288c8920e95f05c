namespace CxrVL.Data.Manifest;

/// <summary>Each patient's studies in time order: manifest <c>order</c>, then <c>study_time</c>, then study id.</summary>
public static class PatientTimelines
{
    /// <summary>Row indices per patient (dataset and subject id), oldest first; patients in order of first appearance.</summary>
    public static IEnumerable<int[]> Of(IReadOnlyList<ManifestRow> rows) =>
        Enumerable.Range(0, rows.Count)
            .GroupBy(i => (rows[i].Dataset, rows[i].SubjectId))
            .Select(patient => patient
                .OrderBy(i => rows[i].Order ?? int.MaxValue)
                .ThenBy(i => rows[i].StudyTime ?? "", StringComparer.Ordinal)
                .ThenBy(i => rows[i].StudyId, StringComparer.Ordinal)
                .ToArray());
}
