using static TorchSharp.torch;

namespace CxrVL.Evaluation.Classification;

/// <summary>
/// L2-regularised logistic regression with scikit-learn's <c>LogisticRegression(C, class_weight="balanced")</c> objective:
/// C times the class-weighted log loss summed over the samples plus half the squared norm of the weights, intercepts
/// not penalised; one weight vector (sigmoid) for two classes, one per class (softmax) for more. Solved by Newton steps
/// with a backtracking line search in float64, in the span of the training features: the penalised optimum's weights
/// lie in the row space of the features (any component orthogonal to every sample changes no prediction and only adds
/// penalty), so the solve costs the smaller of samples and features, whatever the features' width.
/// </summary>
public sealed class LogisticRegression : IDisposable
{
    private readonly Tensor _weights;
    private readonly Tensor _intercepts;
    private readonly int _classes;

    private LogisticRegression(Tensor weights, Tensor intercepts, int classes)
    {
        _weights = weights;
        _intercepts = intercepts;
        _classes = classes;
    }

    /// <summary>Fits features [N, F] to classes 0..<paramref name="classes"/>-1; each class's weight is N / (present classes x its count).</summary>
    public static LogisticRegression Fit(Tensor features, IReadOnlyList<int> truth, int classes, double c, int maxIterations = 100)
    {
        if (features.shape[0] != truth.Count || truth.Count == 0)
            throw new CxrVLException($"logistic regression needs one class per sample, at least one (got {features.shape[0]} samples, {truth.Count} classes).");
        if (truth.Any(t => t < 0 || t >= classes))
            throw new CxrVLException($"logistic regression classes must lie in 0..{classes - 1}.");
        using var scope = NewDisposeScope();
        var x = features.to(float64);
        var counts = Enumerable.Range(0, classes).Select(k => truth.Count(t => t == k)).ToArray();
        var present = counts.Count(n => n > 0);
        var sampleWeights = tensor(truth.Select(t => truth.Count / (double)(present * counts[t])).ToArray(), float64);

        // The span of the samples: x = u s v^T; weights v a for coordinates a of the reduced features u s.
        var (u, s, vh) = linalg.svd(x, fullMatrices: false);
        var rank = Math.Max(1, (int)(s > s[0] * 1e-10).sum().item<long>());
        var basis = vh[..rank].t();
        var reduced = u[.., ..rank] * s[..rank];
        var outputs = classes == 2 ? 1 : classes;
        var coefficients = Solve(reduced, truth, outputs, sampleWeights, c, maxIterations);
        var weights = basis.matmul(coefficients[..rank]).MoveToOuterDisposeScope();
        var intercepts = coefficients[rank].clone().MoveToOuterDisposeScope();
        return new LogisticRegression(weights, intercepts, classes);
    }

    /// <summary>Weights [F, outputs] (one output for two classes: the log-odds of class 1).</summary>
    public Tensor Weights => _weights;

    /// <summary>Intercepts [outputs].</summary>
    public Tensor Intercepts => _intercepts;

    /// <summary>Class probabilities [N, classes] of features [N, F].</summary>
    public double[,] Probabilities(Tensor features)
    {
        using var scope = NewDisposeScope();
        var logits = features.to(float64).matmul(_weights) + _intercepts;
        var probabilities = _classes == 2 ? cat([1 - logits.sigmoid(), logits.sigmoid()], 1) : logits.softmax(1);
        var values = probabilities.contiguous().data<double>().ToArray();
        var result = new double[features.shape[0], _classes];
        Buffer.BlockCopy(values, 0, result, 0, values.Length * sizeof(double));
        return result;
    }

    /// <summary>
    /// Newton's method on [weights; intercept] per output (rows: features then the intercept; columns: outputs). The
    /// softmax loss is unchanged by one constant added to every intercept, so a tiny ridge keeps its Hessian invertible.
    /// </summary>
    private static Tensor Solve(Tensor x, IReadOnlyList<int> truth, int outputs, Tensor sampleWeights, double c, int maxIterations)
    {
        var (n, d) = (x.shape[0], x.shape[1]);
        var design = cat([x, ones(n, 1, float64)], 1);
        var penalty = cat([ones(d, float64), zeros(1, float64)]).unsqueeze(1);
        var targets = outputs == 1
            ? tensor(truth.Select(t => (double)t).ToArray(), float64).unsqueeze(1)
            : nn.functional.one_hot(tensor(truth.Select(t => (long)t).ToArray()), outputs).to(float64);
        var weighted = sampleWeights.unsqueeze(1);
        var coefficients = zeros(d + 1, outputs, float64);

        double Objective(Tensor b)
        {
            using var scope = NewDisposeScope();
            var logits = design.matmul(b);
            var loss = outputs == 1
                ? nn.functional.softplus(logits) - targets * logits
                : (logits.logsumexp(1, keepdim: true) - (targets * logits).sum(1, keepdim: true));
            return c * (weighted * loss).sum().item<double>() + 0.5 * (penalty * b * b).sum().item<double>();
        }

        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            using var scope = NewDisposeScope();
            var logits = design.matmul(coefficients);
            var probabilities = outputs == 1 ? logits.sigmoid() : logits.softmax(1);
            var gradient = c * design.t().matmul(weighted * (probabilities - targets)) + penalty * coefficients;
            if (gradient.abs().max().item<double>() < 1e-9 * Math.Max(1, c * n))
                break;
            var hessian = Hessian(design, probabilities, weighted, penalty, c, outputs);
            var direction = linalg.solve(hessian, gradient.t().reshape(-1)).reshape(outputs, d + 1).t();
            var (next, fraction) = NewtonStep.Take(Objective, coefficients, gradient, direction);
            coefficients.Dispose();
            coefficients = next;
            if (fraction <= NewtonStep.MinimumFraction)
                break;
        }
        return coefficients.MoveToOuterDisposeScope();
    }

    /// <summary>The Hessian over [output-major coefficients]: blocks C X^T diag(w p_k (delta_kl - p_l)) X, plus the penalty on the diagonal.</summary>
    private static Tensor Hessian(Tensor design, Tensor probabilities, Tensor weighted, Tensor penalty, double c, int outputs)
    {
        var size = design.shape[1];
        var hessian = zeros(outputs * size, outputs * size, float64);
        for (var k = 0; k < outputs; k++)
        {
            for (var l = k; l < outputs; l++)
            {
                var curvature = outputs == 1
                    ? probabilities[.., 0] * (1 - probabilities[.., 0])
                    : probabilities[.., k] * ((k == l ? 1.0 : 0.0) - probabilities[.., l]);
                var block = c * design.t().matmul(design * (weighted.squeeze(1) * curvature).unsqueeze(1));
                hessian[TensorIndex.Slice(k * size, (k + 1) * size), TensorIndex.Slice(l * size, (l + 1) * size)] = block;
                if (l != k)
                    hessian[TensorIndex.Slice(l * size, (l + 1) * size), TensorIndex.Slice(k * size, (k + 1) * size)] = block;
            }
        }
        var ridge = outputs == 1 ? 0.0 : 1e-10;
        return hessian + diag(penalty.squeeze(1).repeat(outputs) + ridge);
    }

    public void Dispose()
    {
        _weights.Dispose();
        _intercepts.Dispose();
    }
}
