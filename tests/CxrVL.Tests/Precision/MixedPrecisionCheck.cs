using TorchSharp;
using Xunit.Abstractions;
using CxrVL.Precision;
using CxrVL.Training;
using static TorchSharp.torch;

namespace CxrVL.Tests.Precision;

/// <summary>
/// One training step of a method in float32 and in bf16-mixed from the same weights and random state, as the trainer runs
/// it (forward and loss inside the autocast scope, backward outside). The float32 step is the reference. Both run in
/// evaluation mode: dropout draws its masks differently for bfloat16 and float32 activations, which would compare two
/// different networks.
/// </summary>
public static class MixedPrecisionCheck
{
    public sealed record Outcome(double Float32Loss, double MixedLoss, double GradientCosine, int Gradients);

    /// <param name="loss">The method's loss on a fixed batch; called once per precision after <c>manual_seed(seed)</c>.</param>
    /// <param name="precision">The mixed mode compared with float32.</param>
    public static Outcome Compare(nn.Module model, Func<LossTerms> loss, int seed = 5, TrainingPrecision precision = TrainingPrecision.Bf16Mixed)
    {
        var reference = Step(model, loss, seed, TrainingPrecision.Fp32);
        var mixed = Step(model, loss, seed, precision);
        try
        {
            Assert.Equal(reference.Gradients.Keys.Order(), mixed.Gradients.Keys.Order());
            using var scope = NewDisposeScope();
            var a = cat(reference.Gradients.Keys.Order().Select(k => reference.Gradients[k].flatten()).ToList()).to(ScalarType.Float64);
            var b = cat(reference.Gradients.Keys.Order().Select(k => mixed.Gradients[k].flatten()).ToList()).to(ScalarType.Float64);
            var cosine = (a.dot(b) / (a.norm() * b.norm())).item<double>();
            return new Outcome(reference.Loss, mixed.Loss, cosine, reference.Gradients.Count);
        }
        finally
        {
            foreach (var g in reference.Gradients.Values.Concat(mixed.Gradients.Values))
                g.Dispose();
        }
    }

    /// <summary>
    /// The mixed loss within <paramref name="lossTolerance"/> (relative) of the float32 one and the gradients pointing the
    /// same way: bfloat16 keeps 8 significant bits (relative rounding 2^-9 per operand); over a few layers the loss of a
    /// small random-init model moves well under 2%.
    /// </summary>
    public static void AssertClose(Outcome outcome, string what, ITestOutputHelper output, double lossTolerance = 0.02, double minimumCosine = 0.98)
    {
        output.WriteLine($"{what}: float32 {outcome.Float32Loss:0.00000}, mixed {outcome.MixedLoss:0.00000}, gradient cosine {outcome.GradientCosine:0.0000} over {outcome.Gradients} tensors");
        Assert.Equal(outcome.Float32Loss, outcome.MixedLoss, Math.Abs(outcome.Float32Loss) * lossTolerance);
        Assert.True(outcome.GradientCosine > minimumCosine, $"{what}: gradient cosine {outcome.GradientCosine}");
    }

    private static (double Loss, Dictionary<string, Tensor> Gradients) Step(nn.Module model, Func<LossTerms> loss, int seed, TrainingPrecision precision)
    {
        using var scope = NewDisposeScope();
        model.eval();
        model.zero_grad();
        manual_seed(seed);
        LossTerms terms;
        using (Autocast.Enable(precision))
            terms = loss();
        Assert.Equal(ScalarType.Float32, terms.Total.dtype);
        Assert.All(terms.Terms, t => Assert.True(double.IsFinite(t.Value.ToDouble()), $"{precision} term {t.Key} is {t.Value.ToDouble()}"));
        terms.Total.backward();
        var gradients = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, parameter) in model.named_parameters())
        {
            // Master weights and their gradients stay float32 in every mode.
            Assert.Equal(ScalarType.Float32, parameter.dtype);
            if (parameter.grad is not { } grad)
                continue;
            Assert.Equal(ScalarType.Float32, grad.dtype);
            Assert.True(grad.isfinite().all().item<bool>(), $"{precision} gradient of {name} is not finite");
            gradients[name] = grad.detach().clone().MoveToOuterDisposeScope();
        }
        return (terms.Total.ToDouble(), gradients);
    }
}
