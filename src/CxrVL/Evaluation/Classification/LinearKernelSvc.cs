namespace CxrVL.Evaluation.Classification;

/// <summary>
/// scikit-learn's <c>SVC(kernel='linear')</c>, the classifier MedST's <c>temporal_test.py</c> scores MS-CXR-T with:
/// libsvm's C-SVC (hinge loss, 0.5|w|² + C Σ max(0, 1 − y(w·x + b)), the intercept b not regularised), one binary
/// machine per pair of classes (one-vs-one) trained on the samples of the two classes grouped by class in their
/// original order, solved by <see cref="LibsvmSolver"/> with libsvm's stopping tolerance (<c>tol=1e-3</c>), and
/// prediction by majority vote where a tie goes to the smaller class label, as libsvm's <c>svm_predict</c> decides.
/// </summary>
public sealed class LinearKernelSvc
{
    private readonly IReadOnlyList<PairMachine> _machines;

    private LinearKernelSvc(int[] classes, IReadOnlyList<PairMachine> machines)
    {
        Classes = classes;
        _machines = machines;
    }

    /// <summary>The class labels, sorted; predictions are among them.</summary>
    public IReadOnlyList<int> Classes { get; }

    /// <summary>One binary machine of the one-vs-one scheme: decision = Σ coefficient·(support vector · x) − rho; positive votes for the first class.</summary>
    private sealed record PairMachine(int First, int Second, double[][] SupportVectors, double[] Coefficients, double Rho)
    {
        public double Decision(double[] x)
        {
            var sum = 0.0;
            for (var k = 0; k < SupportVectors.Length; k++)
                sum += Coefficients[k] * Dot(x, SupportVectors[k]);
            return sum - Rho;
        }
    }

    public static LinearKernelSvc Fit(IReadOnlyList<double[]> features, IReadOnlyList<int> labels, double c = 1.0, double tolerance = 1e-3)
    {
        if (features.Count == 0 || features.Count != labels.Count)
            throw new CxrVLException($"an SVM needs as many labels as samples, at least one (got {features.Count} samples, {labels.Count} labels).");
        if (c <= 0 || !double.IsFinite(c))
            throw new CxrVLException($"the SVM's C must be a positive number (got {c}).");
        var width = features[0].Length;
        for (var i = 0; i < features.Count; i++)
        {
            if (features[i].Length != width)
                throw new CxrVLException($"every sample of an SVM must have the same number of features (sample {i} has {features[i].Length}, sample 0 has {width}).");
            if (features[i].Any(v => !double.IsFinite(v)))
                throw new CxrVLException($"sample {i} of the SVM's training data holds NaN or infinity.");
        }
        var classes = labels.Distinct().Order().ToArray();
        if (classes.Length < 2)
            throw new CxrVLException($"an SVM needs at least two classes in its training data (got only {classes[0]}).");
        var members = classes.Select(k => Enumerable.Range(0, labels.Count).Where(i => labels[i] == k).ToArray()).ToArray();
        var machines = new List<PairMachine>();
        for (var first = 0; first < classes.Length; first++)
            for (var second = first + 1; second < classes.Length; second++)
                machines.Add(TrainPair(features, members[first], members[second], first, second, c, tolerance));
        return new LinearKernelSvc(classes, machines);
    }

    private static PairMachine TrainPair(IReadOnlyList<double[]> features, int[] positives, int[] negatives, int first, int second, double c, double tolerance)
    {
        int[] samples = [.. positives, .. negatives];
        var y = samples.Select((_, a) => a < positives.Length ? (sbyte)1 : (sbyte)-1).ToArray();
        var count = samples.Length;
        var q = new float[count, count];
        var diagonal = new double[count];
        for (var a = 0; a < count; a++)
        {
            diagonal[a] = Dot(features[samples[a]], features[samples[a]]);
            for (var b = 0; b <= a; b++)
            {
                var value = (float)(y[a] * y[b] * Dot(features[samples[a]], features[samples[b]]));
                q[a, b] = value;
                q[b, a] = value;
            }
        }
        var (coefficients, rho) = LibsvmSolver.Solve(q, diagonal, y, c, tolerance);
        var support = Enumerable.Range(0, count).Where(a => Math.Abs(coefficients[a]) > 0).ToArray();
        return new PairMachine(first, second, support.Select(a => features[samples[a]]).ToArray(), support.Select(a => coefficients[a]).ToArray(), rho);
    }

    /// <summary>
    /// libsvm's one-vs-one decision values [N, pairs], pairs ordered (0,1), (0,2), …, (1,2), …; positive votes for the
    /// pair's first (smaller) class. (scikit-learn reports a two-class SVC's single value with the opposite sign.)
    /// </summary>
    public double[,] Decision(IReadOnlyList<double[]> features)
    {
        var result = new double[features.Count, _machines.Count];
        for (var i = 0; i < features.Count; i++)
            for (var p = 0; p < _machines.Count; p++)
                result[i, p] = _machines[p].Decision(features[i]);
        return result;
    }

    public int[] Predict(IReadOnlyList<double[]> features)
    {
        var decision = Decision(features);
        var predicted = new int[features.Count];
        for (var i = 0; i < features.Count; i++)
        {
            var votes = new int[Classes.Count];
            for (var p = 0; p < _machines.Count; p++)
                votes[decision[i, p] > 0 ? _machines[p].First : _machines[p].Second]++;
            var best = 0;
            for (var k = 1; k < votes.Length; k++)
                if (votes[k] > votes[best])
                    best = k;
            predicted[i] = Classes[best];
        }
        return predicted;
    }

    /// <summary>The linear kernel, summed in feature order as libsvm's dense <c>Kernel::dot</c> loop sums it.</summary>
    private static double Dot(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
            sum += a[i] * b[i];
        return sum;
    }
}
