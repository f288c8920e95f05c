using System.Runtime.Serialization;

namespace CxrVL.Precision;

/// <summary>
/// <c>train.precision</c>: the number format of a training step's arithmetic. Master weights, gradients and optimizer
/// state stay float32 in every mode; the mixed modes run matrix products and convolutions in the low precision and
/// the rest in float32, as PyTorch's autocast does (see <see cref="Autocast"/>). Recipes write <c>fp32</c>,
/// <c>bf16-mixed</c> or <c>fp16-mixed</c> (Lightning's names, which the loader and the saved run configuration use).
/// </summary>
public enum TrainingPrecision
{
    [EnumMember(Value = "fp32")]
    Fp32,

    /// <summary>bfloat16 products, float32 everything else; bfloat16 has float32's range, so no loss scaling.</summary>
    [EnumMember(Value = "bf16-mixed")]
    Bf16Mixed,

    /// <summary>float16 products, float32 everything else, with dynamic loss scaling against float16's small range.</summary>
    [EnumMember(Value = "fp16-mixed")]
    Fp16Mixed,
}
