namespace CxrVL.Tasks.Quickstart;

/// <summary>
/// A test image with the notes the pretrained model ranks highest for it, and the rank (1-based) of its own note among
/// all distinct test notes for each model.
/// </summary>
public sealed record RetrievalExample(string StudyId, byte[] Image, string OwnNote, IReadOnlyList<RetrievedNote> Top,
                                      IReadOnlyDictionary<QuickstartArm, int> Ranks, int Candidates);
