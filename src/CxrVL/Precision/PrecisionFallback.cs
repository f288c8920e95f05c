namespace CxrVL.Precision;

/// <summary><c>train.precision_fallback</c>: what a mixed precision does on a CPU that lacks its native arithmetic.</summary>
public enum PrecisionFallback
{
    /// <summary>Train in the requested precision anyway, after one log line that it will be slower than fp32 here.</summary>
    Run,

    /// <summary>Train in float32 instead, after one log line saying so.</summary>
    Fp32,
}
