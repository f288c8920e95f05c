using CxrVL.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Tests.Models;

/// <summary>MedST's mixture of view experts in <see cref="VisionTransformer"/>: routing by view and masking of missing laterals.</summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class ViewExpertTests
{
    private static VisionTransformer Tiny(int depth = 2)
    {
        manual_seed(7);
        var model = new VisionTransformer(new VisionTransformerConfig
        {
            EmbedDim = 32, Depth = depth, Heads = 4, ImageSize = 32, PatchSize = 16, LateralExperts = true,
        });
        model.eval();
        // timm's small initialisation makes attention nearly uniform and blocks nearly the identity; larger weights make
        // every path visible in the outputs.
        using var noGrad = no_grad();
        foreach (var (name, parameter) in model.named_parameters())
            if (!name.Contains("norm", StringComparison.Ordinal))
                parameter.copy_(randn_like(parameter) * 0.3);
        return model;
    }

    private static Tensor Parameter(VisionTransformer model, string name) => model.state_dict()[name];

    [Fact]
    public void BlocksCarryMedstsLateralExpertNames()
    {
        using var model = Tiny();
        var keys = model.state_dict().Keys.ToHashSet();

        foreach (var name in new[] { "norm2_l.weight", "norm2_l.bias", "mlp_l.fc1.weight", "mlp_l.fc1.bias", "mlp_l.fc2.weight", "mlp_l.fc2.bias" })
            Assert.Contains($"blocks.1.{name}", keys);
        using var plain = new VisionTransformer(new VisionTransformerConfig { EmbedDim = 32, Depth = 2, Heads = 4, ImageSize = 32 });
        Assert.DoesNotContain(plain.state_dict().Keys, k => k.Contains("_l.", StringComparison.Ordinal));
    }

    [Fact]
    public void AStudyWithoutLateralGivesTheFrontalOnlyOutput()
    {
        using var scope = NewDisposeScope();
        using var model = Tiny();
        using var noGrad = no_grad();
        var frontal = randn(2, 3, 32, 32);
        var lateral = randn(2, 3, 32, 32);

        var views = model.ForwardViews(frontal, lateral, tensor(new[] { false, true }));
        var single = model.forward(frontal);

        Assert.Equal([2, 1 + 4 + 4, 32], views.Tokens.shape);
        // Study 0 has no lateral: whatever its lateral pixels, its class token and frontal patches are the single-view ones.
        Assert.True(views.Tokens[0, ..5].allclose(single.Tokens[0], rtol: 1e-5, atol: 1e-5));
        Assert.True(views.Pooled[0].allclose(single.Pooled[0], rtol: 1e-5, atol: 1e-5));
        // Study 1 has one: its frontal tokens attend to the lateral ones.
        Assert.False(views.Tokens[1, ..5].allclose(single.Tokens[1], rtol: 1e-3, atol: 1e-3));
    }

    [Fact]
    public void FrontalTokensUseMlpAndLateralTokensUseMlpL()
    {
        using var scope = NewDisposeScope();
        // One block: a token's output depends on the other tokens only through attention, which precedes the experts.
        using var model = Tiny(depth: 1);
        using var noGrad = no_grad();
        var (frontal, lateral, present) = (randn(1, 3, 32, 32), randn(1, 3, 32, 32), tensor(new[] { true }));
        var before = model.ForwardViews(frontal, lateral, present).Tokens.clone();

        Parameter(model, "blocks.0.mlp_l.fc2.bias").add_(randn(32));
        var lateralChanged = model.ForwardViews(frontal, lateral, present).Tokens.clone();
        Assert.True(lateralChanged[.., ..5].allclose(before[.., ..5], rtol: 0, atol: 0));
        Assert.False(lateralChanged[.., 5..].allclose(before[.., 5..], rtol: 1e-3, atol: 1e-3));

        Parameter(model, "blocks.0.mlp.fc2.bias").add_(randn(32));
        var frontalChanged = model.ForwardViews(frontal, lateral, present).Tokens;
        Assert.True(frontalChanged[.., 5..].allclose(lateralChanged[.., 5..], rtol: 0, atol: 0));
        Assert.False(frontalChanged[.., ..5].allclose(lateralChanged[.., ..5], rtol: 1e-3, atol: 1e-3));
    }

    [Fact]
    public void SingleViewInputSelectsTheExpertByView()
    {
        using var scope = NewDisposeScope();
        using var model = Tiny();
        using var noGrad = no_grad();
        var state = model.state_dict();
        foreach (var key in state.Keys.Where(k => k.Contains("_l.", StringComparison.Ordinal)).ToList())
            state[key].copy_(state[key.Replace("mlp_l.", "mlp.").Replace("norm2_l.", "norm2.")]);
        var images = randn(2, 3, 32, 32);

        // With identical experts, a lateral image through the lateral expert is the frontal forward pass.
        Assert.True(model.ForwardView(images, ImageView.Lateral).Tokens.allclose(model.forward(images).Tokens, rtol: 1e-6, atol: 1e-6));

        state["blocks.1.norm2_l.bias"].add_(randn(32));
        Assert.False(model.ForwardView(images, ImageView.Lateral).Tokens.allclose(model.forward(images).Tokens, rtol: 1e-3, atol: 1e-3));
        Assert.True(model.ForwardView(images, ImageView.Frontal).Tokens.allclose(model.forward(images).Tokens, rtol: 0, atol: 0));
    }
}
