namespace CxrVL.Tasks.Quickstart;

/// <summary>A note retrieved for an image: its text, its cosine similarity, and whether it is the image's own note.</summary>
public sealed record RetrievedNote(string Text, double Similarity, bool Correct);
