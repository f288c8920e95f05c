namespace CxrVL.Data.Manifest;

/// <summary>Groups the view positions sources use into frontal and lateral.</summary>
public static class ViewPositions
{
    /// <summary>Posterior-anterior, anterior-posterior and their variants (AP supine, AP axial, ...).</summary>
    public static bool IsFrontal(string? view) =>
        view is not null && (view.StartsWith("PA", StringComparison.OrdinalIgnoreCase) ||
                             view.StartsWith("AP", StringComparison.OrdinalIgnoreCase) ||
                             view.Equals("FRONTAL", StringComparison.OrdinalIgnoreCase));

    /// <summary>Lateral (<c>LATERAL</c>, <c>LL</c> left lateral, <c>RL</c>, <c>L</c>).</summary>
    public static bool IsLateral(string? view) =>
        view is not null && (view.StartsWith("LAT", StringComparison.OrdinalIgnoreCase) ||
                             view.Equals("LL", StringComparison.OrdinalIgnoreCase) ||
                             view.Equals("RL", StringComparison.OrdinalIgnoreCase) ||
                             view.Equals("L", StringComparison.OrdinalIgnoreCase));
}
