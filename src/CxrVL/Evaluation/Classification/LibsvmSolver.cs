namespace CxrVL.Evaluation.Classification;

/// <summary>
/// libsvm's SMO solver for the C-SVC dual (Fan, Chen and Lin, JMLR 6, 2005), step for step as scikit-learn's copy of
/// <c>Solver::Solve</c> runs it: min ½ αᵀQα − eᵀα subject to yᵀα = 0 and 0 ≤ α ≤ C, started at α = 0, with the
/// second-order working-set selection, libsvm's clipping of the pair update, shrinking every min(l, 1000) iterations
/// (with the one-off unshrink at 10·ε), the gradient rebuilt before the final check, and the stopping rule
/// m(α) − M(α) &lt; ε. The matrix Q is held in single precision, as libsvm's kernel cache holds it (<c>Qfloat</c>), so
/// the iterates follow libsvm's own rounding. Positions move as libsvm swaps them when shrinking.
/// </summary>
internal sealed class LibsvmSolver
{
    private const double Tau = 1e-12;
    private const int IterationLimit = 10_000_000;

    private readonly float[,] _q;
    private readonly int _count;
    private readonly double _c;
    private readonly double _tolerance;
    private readonly sbyte[] _y;
    private readonly double[] _gradient;
    private readonly double[] _gradientAtBound;
    private readonly double[] _alpha;
    private readonly double[] _diagonal;
    private readonly int[] _activeSet;
    private int _activeSize;
    private bool _unshrunk;

    /// <param name="q">Q[a, b] = y_a y_b K(x_a, x_b), in the problem's own order.</param>
    /// <param name="diagonal">K(x_a, x_a) in double precision (libsvm's <c>QD</c>).</param>
    private LibsvmSolver(float[,] q, double[] diagonal, sbyte[] y, double c, double tolerance)
    {
        _q = q;
        _count = y.Length;
        _c = c;
        _tolerance = tolerance;
        _y = (sbyte[])y.Clone();
        _diagonal = (double[])diagonal.Clone();
        _alpha = new double[_count];
        _gradient = Enumerable.Repeat(-1.0, _count).ToArray();
        _gradientAtBound = new double[_count];
        _activeSet = Enumerable.Range(0, _count).ToArray();
        _activeSize = _count;
    }

    /// <summary>Solves the dual; returns y_a α_a per sample (in the problem's order) and the offset rho (decision = Σ coef K − rho).</summary>
    public static (double[] Coefficients, double Rho) Solve(float[,] q, double[] diagonal, sbyte[] y, double c, double tolerance)
    {
        var solver = new LibsvmSolver(q, diagonal, y, c, tolerance);
        solver.Run();
        var rho = solver.Rho();
        var coefficients = new double[y.Length];
        for (var position = 0; position < y.Length; position++)
            coefficients[solver._activeSet[position]] = solver._alpha[position];
        for (var a = 0; a < y.Length; a++)
            coefficients[a] *= y[a];
        return (coefficients, rho);
    }

    private float Q(int row, int column) => _q[_activeSet[row], _activeSet[column]];

    private bool IsUpperBound(int i) => _alpha[i] >= _c;

    private bool IsLowerBound(int i) => _alpha[i] <= 0;

    private bool IsFree(int i) => !IsUpperBound(i) && !IsLowerBound(i);

    private void Run()
    {
        var counter = Math.Min(_count, 1000) + 1;
        for (var iteration = 0; ; iteration++)
        {
            if (iteration == IterationLimit)
                throw new CxrVLException($"the SVM solver did not converge within {IterationLimit} iterations: check the features for NaN or extreme values.");
            if (--counter == 0)
            {
                counter = Math.Min(_count, 1000);
                Shrink();
            }
            if (!SelectWorkingSet(out var i, out var j))
            {
                ReconstructGradient();
                _activeSize = _count;
                if (!SelectWorkingSet(out i, out j))
                    return;
                counter = 1;
            }
            Update(i, j);
        }
    }

    private void Update(int i, int j)
    {
        var oldI = _alpha[i];
        var oldJ = _alpha[j];
        var qij = Q(i, j);
        if (_y[i] != _y[j])
        {
            var quadratic = _diagonal[i] + _diagonal[j] + 2 * qij;
            if (quadratic <= 0)
                quadratic = Tau;
            var delta = (-_gradient[i] - _gradient[j]) / quadratic;
            var difference = _alpha[i] - _alpha[j];
            _alpha[i] += delta;
            _alpha[j] += delta;
            if (difference > 0)
            {
                if (_alpha[j] < 0)
                    (_alpha[j], _alpha[i]) = (0, difference);
            }
            else if (_alpha[i] < 0)
                (_alpha[i], _alpha[j]) = (0, -difference);
            if (difference > 0)
            {
                if (_alpha[i] > _c)
                    (_alpha[i], _alpha[j]) = (_c, _c - difference);
            }
            else if (_alpha[j] > _c)
                (_alpha[j], _alpha[i]) = (_c, _c + difference);
        }
        else
        {
            var quadratic = _diagonal[i] + _diagonal[j] - 2 * qij;
            if (quadratic <= 0)
                quadratic = Tau;
            var delta = (_gradient[i] - _gradient[j]) / quadratic;
            var sum = _alpha[i] + _alpha[j];
            _alpha[i] -= delta;
            _alpha[j] += delta;
            if (sum > _c)
            {
                if (_alpha[i] > _c)
                    (_alpha[i], _alpha[j]) = (_c, sum - _c);
            }
            else if (_alpha[j] < 0)
                (_alpha[j], _alpha[i]) = (0, sum);
            if (sum > _c)
            {
                if (_alpha[j] > _c)
                    (_alpha[j], _alpha[i]) = (_c, sum - _c);
            }
            else if (_alpha[i] < 0)
                (_alpha[i], _alpha[j]) = (0, sum);
        }

        var deltaI = _alpha[i] - oldI;
        var deltaJ = _alpha[j] - oldJ;
        for (var k = 0; k < _activeSize; k++)
            _gradient[k] += Q(i, k) * deltaI + Q(j, k) * deltaJ;

        UpdateGradientAtBound(i, oldI);
        UpdateGradientAtBound(j, oldJ);
    }

    /// <summary>G_bar = Σ over α at the upper bound of C·Q: changes when α_i enters or leaves the bound.</summary>
    private void UpdateGradientAtBound(int i, double oldAlpha)
    {
        var wasUpper = oldAlpha >= _c;
        if (wasUpper == IsUpperBound(i))
            return;
        for (var k = 0; k < _count; k++)
            _gradientAtBound[k] += (wasUpper ? -_c : _c) * Q(i, k);
    }

    /// <summary>libsvm's WSS 3: i maximises −y_i ∇f_i over I_up, j the second-order decrease over I_low; false when optimal.</summary>
    private bool SelectWorkingSet(out int selectedI, out int selectedJ)
    {
        double gmax = double.NegativeInfinity, gmax2 = double.NegativeInfinity, bestDecrease = double.PositiveInfinity;
        int gmaxIndex = -1, gminIndex = -1;
        for (var t = 0; t < _activeSize; t++)
        {
            if (_y[t] == 1)
            {
                if (!IsUpperBound(t) && -_gradient[t] >= gmax)
                    (gmax, gmaxIndex) = (-_gradient[t], t);
            }
            else if (!IsLowerBound(t) && _gradient[t] >= gmax)
                (gmax, gmaxIndex) = (_gradient[t], t);
        }
        var i = gmaxIndex;
        for (var j = 0; j < _activeSize; j++)
        {
            double difference;
            double quadratic;
            if (_y[j] == 1)
            {
                if (IsLowerBound(j))
                    continue;
                difference = gmax + _gradient[j];
                if (_gradient[j] >= gmax2)
                    gmax2 = _gradient[j];
                if (difference <= 0)
                    continue;
                quadratic = _diagonal[i] + _diagonal[j] - 2.0 * _y[i] * Q(i, j);
            }
            else
            {
                if (IsUpperBound(j))
                    continue;
                difference = gmax - _gradient[j];
                if (-_gradient[j] >= gmax2)
                    gmax2 = -_gradient[j];
                if (difference <= 0)
                    continue;
                quadratic = _diagonal[i] + _diagonal[j] + 2.0 * _y[i] * Q(i, j);
            }
            var decrease = -(difference * difference) / (quadratic > 0 ? quadratic : Tau);
            if (decrease <= bestDecrease)
                (gminIndex, bestDecrease) = (j, decrease);
        }
        selectedI = gmaxIndex;
        selectedJ = gminIndex;
        return !(gmax + gmax2 < _tolerance || gminIndex == -1);
    }

    private bool CanShrink(int i, double gmax1, double gmax2)
    {
        if (IsUpperBound(i))
            return _y[i] == 1 ? -_gradient[i] > gmax1 : -_gradient[i] > gmax2;
        if (IsLowerBound(i))
            return _y[i] == 1 ? _gradient[i] > gmax2 : _gradient[i] > gmax1;
        return false;
    }

    private void Shrink()
    {
        double gmax1 = double.NegativeInfinity, gmax2 = double.NegativeInfinity;
        for (var i = 0; i < _activeSize; i++)
        {
            if (_y[i] == 1)
            {
                if (!IsUpperBound(i) && -_gradient[i] >= gmax1)
                    gmax1 = -_gradient[i];
                if (!IsLowerBound(i) && _gradient[i] >= gmax2)
                    gmax2 = _gradient[i];
            }
            else
            {
                if (!IsUpperBound(i) && -_gradient[i] >= gmax2)
                    gmax2 = -_gradient[i];
                if (!IsLowerBound(i) && _gradient[i] >= gmax1)
                    gmax1 = _gradient[i];
            }
        }
        if (!_unshrunk && gmax1 + gmax2 <= _tolerance * 10)
        {
            _unshrunk = true;
            ReconstructGradient();
            _activeSize = _count;
        }
        for (var i = 0; i < _activeSize; i++)
        {
            if (!CanShrink(i, gmax1, gmax2))
                continue;
            _activeSize--;
            while (_activeSize > i)
            {
                if (!CanShrink(_activeSize, gmax1, gmax2))
                {
                    Swap(i, _activeSize);
                    break;
                }
                _activeSize--;
            }
        }
    }

    private void Swap(int i, int j)
    {
        (_y[i], _y[j]) = (_y[j], _y[i]);
        (_gradient[i], _gradient[j]) = (_gradient[j], _gradient[i]);
        (_alpha[i], _alpha[j]) = (_alpha[j], _alpha[i]);
        (_activeSet[i], _activeSet[j]) = (_activeSet[j], _activeSet[i]);
        (_gradientAtBound[i], _gradientAtBound[j]) = (_gradientAtBound[j], _gradientAtBound[i]);
        (_diagonal[i], _diagonal[j]) = (_diagonal[j], _diagonal[i]);
    }

    /// <summary>The gradient of the shrunk variables from G_bar and the free α, in libsvm's summation order.</summary>
    private void ReconstructGradient()
    {
        if (_activeSize == _count)
            return;
        for (var j = _activeSize; j < _count; j++)
            _gradient[j] = _gradientAtBound[j] - 1;
        var free = 0;
        for (var j = 0; j < _activeSize; j++)
            if (IsFree(j))
                free++;
        if ((long)free * _count > 2L * _activeSize * (_count - _activeSize))
        {
            for (var i = _activeSize; i < _count; i++)
                for (var j = 0; j < _activeSize; j++)
                    if (IsFree(j))
                        _gradient[i] += _alpha[j] * Q(i, j);
        }
        else
        {
            for (var i = 0; i < _activeSize; i++)
            {
                if (!IsFree(i))
                    continue;
                for (var j = _activeSize; j < _count; j++)
                    _gradient[j] += _alpha[i] * Q(i, j);
            }
        }
    }

    /// <summary>libsvm's <c>calculate_rho</c>: the mean of y∇f over free α, else the midpoint of the bounds.</summary>
    private double Rho()
    {
        double upper = double.PositiveInfinity, lower = double.NegativeInfinity, sumFree = 0;
        var free = 0;
        for (var i = 0; i < _activeSize; i++)
        {
            var yg = _y[i] * _gradient[i];
            if (IsUpperBound(i))
            {
                if (_y[i] == -1)
                    upper = Math.Min(upper, yg);
                else
                    lower = Math.Max(lower, yg);
            }
            else if (IsLowerBound(i))
            {
                if (_y[i] == 1)
                    upper = Math.Min(upper, yg);
                else
                    lower = Math.Max(lower, yg);
            }
            else
            {
                free++;
                sumFree += yg;
            }
        }
        return free > 0 ? sumFree / free : (upper + lower) / 2;
    }
}
