using static TorchSharp.torch;

namespace CxrVL.Evaluation.Classification;

/// <summary>The damped Newton step the classifiers' solvers share: a backtracking line search with Armijo's condition.</summary>
internal static class NewtonStep
{
    /// <summary>Smallest step fraction tried; reaching it means no descent is left to find in float64.</summary>
    public const double MinimumFraction = 1e-12;

    /// <summary>
    /// <paramref name="point"/> minus the largest fraction t of <paramref name="direction"/> (1, 1/2, ...) that lowers
    /// <paramref name="objective"/> by at least 1e-4 t times the slope along it; the new point leaves the caller's scope.
    /// </summary>
    public static (Tensor Next, double Fraction) Take(Func<Tensor, double> objective, Tensor point, Tensor gradient, Tensor direction)
    {
        var (current, slope) = (objective(point), (gradient * direction).sum().item<double>());
        var t = 1.0;
        while (t > MinimumFraction && objective(point - t * direction) > current - 1e-4 * t * slope)
            t /= 2;
        return ((point - t * direction).MoveToOuterDisposeScope(), t);
    }
}
