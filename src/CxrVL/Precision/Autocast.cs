using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Precision;

/// <summary>
/// PyTorch's autocast for CxrVL's own modules. TorchSharp 0.107 does not expose libtorch's autocast, so the modules
/// ask this scope which type their arithmetic runs in: matrix products, convolutions and attention in the scope's
/// low precision (<see cref="Lower"/>), normalisation, softmax and losses in float32 (<see cref="Float32"/>). Like
/// libtorch's, the state is per thread: a scope covers the forward pass and the loss, not the backward pass, whose
/// types follow the forward's.
/// </summary>
public static class Autocast
{
    [ThreadStatic]
    private static ScalarType? _lowPrecision;

    /// <summary>The low-precision type of the current thread's scope; null outside any (float32 arithmetic).</summary>
    public static ScalarType? LowPrecision => _lowPrecision;

    public static bool IsEnabled => _lowPrecision is not null;

    /// <summary>The low-precision type a mode computes in; null for <see cref="TrainingPrecision.Fp32"/>.</summary>
    public static ScalarType? TypeOf(TrainingPrecision precision) => precision switch
    {
        TrainingPrecision.Fp32 => null,
        TrainingPrecision.Bf16Mixed => ScalarType.BFloat16,
        TrainingPrecision.Fp16Mixed => ScalarType.Float16,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, null),
    };

    /// <summary>Runs products in <paramref name="precision"/>'s low type until disposed (nested scopes restore the outer one).</summary>
    public static IDisposable Enable(TrainingPrecision precision) => new Scope(TypeOf(precision));

    /// <summary>A float32 region inside a mixed one (what <c>torch.autocast(enabled=False)</c> is for).</summary>
    public static IDisposable Disable() => new Scope(null);

    /// <summary>The tensor in the scope's low precision when a scope is active and it is floating point; else itself.</summary>
    public static Tensor Lower(Tensor tensor) =>
        _lowPrecision is { } low && tensor.is_floating_point() && tensor.dtype != low && tensor.dtype != ScalarType.Float64
            ? tensor.to_type(low)
            : tensor;

    /// <summary>float32 for the low-precision types, else the type itself.</summary>
    public static ScalarType Float32Type(ScalarType type) => type is ScalarType.BFloat16 or ScalarType.Float16 ? ScalarType.Float32 : type;

    /// <summary>The tensor in float32 when it is in a low precision (for normalisation, softmax, reductions, losses); else itself.</summary>
    public static Tensor Float32(Tensor tensor) => tensor.dtype == Float32Type(tensor.dtype) ? tensor : tensor.to_type(ScalarType.Float32);

    /// <summary>
    /// <c>matmul</c> as autocast runs it: both operands in the scope's low precision (so a float32 softmax output meets a
    /// bfloat16 value tensor without a type error); outside a scope, the plain product.
    /// </summary>
    public static Tensor MatMul(Tensor left, Tensor right) => matmul(Lower(left), Lower(right));

    /// <summary><c>linear</c> as autocast runs it: input, weight and bias in the scope's low precision; outside a scope, the plain product.</summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias) =>
        nn.functional.linear(Lower(input), Lower(weight), bias is null ? null : Lower(bias));

    /// <summary>Unit vectors along <paramref name="dim"/>; inside a scope in float32, as autocast computes norms.</summary>
    public static Tensor Normalize(Tensor tensor, long dim) => nn.functional.normalize(IsEnabled ? Float32(tensor) : tensor, dim: dim);

    /// <summary>Softmax over <paramref name="dim"/>, computed in float32 inside a scope (output float32), as is outside one.</summary>
    public static Tensor Softmax(Tensor logits, long dim) => (IsEnabled ? Float32(logits) : logits).softmax(dim);

    /// <summary>Log-softmax over <paramref name="dim"/>, computed in float32 inside a scope (output float32), as is outside one.</summary>
    public static Tensor LogSoftmax(Tensor logits, long dim) => (IsEnabled ? Float32(logits) : logits).log_softmax(dim);

    private sealed class Scope : IDisposable
    {
        private readonly ScalarType? _outer;
        private bool _disposed;

        public Scope(ScalarType? lowPrecision)
        {
            _outer = _lowPrecision;
            _lowPrecision = lowPrecision;
        }

        public void Dispose()
        {
            if (_disposed)
                return;
            _disposed = true;
            _lowPrecision = _outer;
        }
    }
}
