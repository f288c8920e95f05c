using static TorchSharp.torch;

namespace CxrVL.Evaluation.Classification;

/// <summary>
/// A linear support vector classifier with the objective of scikit-learn's default <c>LinearSVC</c>: per class
/// (one-vs-rest; one classifier for two classes) minimise 0.5 |w|^2 + C sum max(0, 1 - y (w x + b))^2, the intercept
/// being a constant feature 1 that is regularised like the weights (liblinear's <c>intercept_scaling=1</c>). Solved
/// exactly in the primal by Newton steps with a backtracking line search, in float64.
/// </summary>
public sealed class LinearSvm
{
    private readonly double[][] _weights;

    private LinearSvm(int[] classes, double[][] weights)
    {
        Classes = classes;
        _weights = weights;
    }

    /// <summary>The class labels, sorted; predictions are among them.</summary>
    public IReadOnlyList<int> Classes { get; }

    /// <summary>Per classifier, the weights followed by the intercept.</summary>
    public IReadOnlyList<double[]> Weights => _weights;

    public static LinearSvm Fit(IReadOnlyList<double[]> features, IReadOnlyList<int> labels, double c = 1.0, int maxIterations = 200)
    {
        if (features.Count == 0 || features.Count != labels.Count)
            throw new CxrVLException($"a linear SVM needs as many labels as samples, at least one (got {features.Count} samples, {labels.Count} labels).");
        var classes = labels.Distinct().Order().ToArray();
        if (classes.Length < 2)
            throw new CxrVLException($"a linear SVM needs at least two classes in its training data (got only {classes[0]}).");
        using var scope = NewDisposeScope();
        var x = WithIntercept(features);
        var targets = classes.Length == 2 ? [classes[1]] : classes;
        var weights = targets.Select(positive =>
        {
            var y = tensor(labels.Select(l => l == positive ? 1.0 : -1.0).ToArray(), float64);
            return Solve(x, y, c, maxIterations).data<double>().ToArray();
        }).ToArray();
        return new LinearSvm(classes, weights);
    }

    /// <summary>Decision values [N, classifiers] (one column for two classes: positive means the larger class).</summary>
    public double[,] Decision(IReadOnlyList<double[]> features)
    {
        using var scope = NewDisposeScope();
        var w = tensor(_weights.SelectMany(r => r).ToArray(), [_weights.Length, _weights[0].Length], float64);
        var scores = WithIntercept(features).matmul(w.t());
        var result = new double[features.Count, _weights.Length];
        var values = scores.contiguous().data<double>().ToArray();
        Buffer.BlockCopy(values, 0, result, 0, values.Length * sizeof(double));
        return result;
    }

    public int[] Predict(IReadOnlyList<double[]> features)
    {
        var scores = Decision(features);
        var predicted = new int[features.Count];
        for (var i = 0; i < predicted.Length; i++)
        {
            if (_weights.Length == 1)
            {
                predicted[i] = scores[i, 0] > 0 ? Classes[1] : Classes[0];
                continue;
            }
            var best = 0;
            for (var k = 1; k < _weights.Length; k++)
                if (scores[i, k] > scores[i, best])
                    best = k;
            predicted[i] = Classes[best];
        }
        return predicted;
    }

    private static Tensor WithIntercept(IReadOnlyList<double[]> features)
    {
        var d = features[0].Length;
        if (features.Any(f => f.Length != d))
            throw new CxrVLException("every sample of a linear SVM must have the same number of features.");
        var data = new double[features.Count * (d + 1)];
        for (var i = 0; i < features.Count; i++)
        {
            features[i].CopyTo(data, i * (d + 1));
            data[i * (d + 1) + d] = 1;
        }
        return tensor(data, [features.Count, d + 1], float64);
    }

    /// <summary>Newton's method on the squared-hinge primal: gradient w + 2C X_a^T (X_a w - y_a), Hessian I + 2C X_a^T X_a over the margin violators a.</summary>
    private static Tensor Solve(Tensor x, Tensor y, double c, int maxIterations)
    {
        var w = zeros(x.shape[1], float64);
        var identity = eye(x.shape[1], dtype: float64);
        double Objective(Tensor v) => 0.5 * v.dot(v).item<double>() + c * (1 - y * x.matmul(v)).clamp_min(0).pow(2).sum().item<double>();
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            using var step = NewDisposeScope();
            var active = (y * x.matmul(w)) < 1;
            var xa = x[active];
            var ya = y[active];
            var gradient = w + 2 * c * xa.t().matmul(xa.matmul(w) - ya);
            if (gradient.abs().max().item<double>() < 1e-10)
                break;
            var direction = linalg.solve(identity + 2 * c * xa.t().matmul(xa), gradient);
            var (next, _) = NewtonStep.Take(Objective, w, gradient, direction);
            w.Dispose();
            w = next;
        }
        return w.MoveToOuterDisposeScope();
    }
}
