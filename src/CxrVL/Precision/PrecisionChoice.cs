using CxrVL.Configuration;

namespace CxrVL.Precision;

/// <summary>The precision a run computes in, given what its recipe asks for and what the hardware does natively.</summary>
/// <param name="Requested">The recipe's <c>train.precision</c>.</param>
/// <param name="Effective">What the run uses: <see cref="TrainingPrecision.Fp32"/> when it falls back, else the requested one.</param>
/// <param name="Notice">The one line a run logs when the requested precision is not native here; null when it is.</param>
public sealed record PrecisionChoice(TrainingPrecision Requested, TrainingPrecision Effective, string? Notice)
{
    /// <param name="onCpu">The model is on the CPU; libtorch computes both 16-bit types on every CUDA device, so only the CPU is checked.</param>
    public static PrecisionChoice Resolve(TrainingPrecision requested, PrecisionFallback fallback, LowPrecisionSupport cpu, bool onCpu)
    {
        if (!onCpu || cpu.IsNative(requested))
            return new PrecisionChoice(requested, requested, null);
        var name = Name(requested);
        var lacking = requested == TrainingPrecision.Bf16Mixed ? "bfloat16" : "float16";
        var why = cpu.SimulatedWithoutBfloat16 && requested == TrainingPrecision.Bf16Mixed
            ? $"this CPU has no native {lacking} arithmetic (simulated by {LowPrecisionSupport.SimulateVariable}=1)"
            : $"this CPU has no native {lacking} arithmetic";
        return fallback == PrecisionFallback.Fp32
            ? new PrecisionChoice(requested, TrainingPrecision.Fp32, $"train.precision {name}: {why}; training in fp32 instead, as train.precision_fallback=fp32 says.")
            : new PrecisionChoice(requested, requested, $"train.precision {name}: {why}; it runs, but expect it slower than fp32 (train.precision_fallback=fp32 trains in fp32 instead).");
    }

    /// <summary>The recipe's name of a precision (<c>fp32</c>, <c>bf16-mixed</c>, <c>fp16-mixed</c>).</summary>
    public static string Name(TrainingPrecision precision) => ConfigLoader.EnumName(typeof(TrainingPrecision), precision.ToString());
}
