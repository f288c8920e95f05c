namespace CxrVL.Tasks.Quickstart;

/// <summary>A part of the quickstart that did not run, and why (not in this build, not applicable to the method, or failed).</summary>
public sealed record UnavailablePart(string Section, string Reason);
