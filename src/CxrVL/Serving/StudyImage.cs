namespace CxrVL.Serving;

/// <summary>One uploaded image of a study: its bytes, and the name errors use (the form field and position, never the client's file name).</summary>
public sealed record StudyImage(string Source, byte[] Data);
