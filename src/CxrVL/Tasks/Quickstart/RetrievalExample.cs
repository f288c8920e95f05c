namespace CxrVL.Tasks.Quickstart;

/// <summary>
/// A test image with the notes the pretrained model ranks highest for it, and the rank (1-based) of its own note
/// among all test notes for the pretrained and the untrained model.
/// </summary>
public sealed record RetrievalExample(string StudyId, byte[] Image, string OwnNote, IReadOnlyList<RetrievedNote> Top, int PretrainedRank,
                                      int UntrainedRank, int Candidates);
