namespace CxrVL.Tasks.Quickstart;

/// <summary>How long a phase of the quickstart took against its budget, and what it did.</summary>
public sealed record PhaseTiming(string Phase, double Seconds, double? BudgetMinutes, string Outcome);
