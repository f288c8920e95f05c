using CxrVL.Weights;
using static TorchSharp.torch;

namespace CxrVL.Tests.Weights;

public sealed class KeyMapTests
{
    [Theory]
    [InlineData("module.encoder.layer1.weight", "layer1.weight")]
    [InlineData("img_encoder_q.model.blocks.0.attn.qkv.weight", "visual.blocks.0.attn.qkv.weight")]
    [InlineData("decoder_pred.weight", null)]
    [InlineData("text_encoder_q.model.embeddings.word_embeddings.weight", null)]
    [InlineData("encoder.fc.weight", "fc.weight")]
    public void RulesApplyInOrder(string key, string? expected)
    {
        var map = KeyMap.Parse("strip:module. ; strip:encoder.\nrename:img_encoder_q.model.=visual.;drop:decoder_;keep:visual.|layer|fc.");
        Assert.Equal(expected, map.Map(key));
    }

    [Theory]
    [InlineData("encoder.layers.encoder_layer_11.ln_1.weight", "blocks.11.ln_1.weight")]
    [InlineData("encoder.layers.encoder_layer_3.mlp.0.bias", "blocks.3.mlp.fc1.bias")]
    [InlineData("conv_proj.weight", "conv_proj.weight")]
    public void RegularExpressionRulesRewriteIndexedNames(string key, string expected)
    {
        var map = KeyMap.Parse(@"re:^encoder\.layers\.encoder_layer_(\d+)\.=blocks.$1.;re:\.mlp\.0\.=.mlp.fc1.");
        Assert.Equal(expected, map.Map(key));
    }

    [Fact]
    public void InvalidRegularExpressionIsAClearError()
    {
        var error = Assert.Throws<CxrVLException>(() => KeyMap.Parse("re:blocks.(=x"));
        Assert.Contains("key map rule 're:blocks.(=x' has an invalid regular expression", error.Message);
    }

    [Fact]
    public void TextFormRoundTrips()
    {
        const string text = "strip:module.;rename:a.=b.;drop:x;keep:p|q;re:(\\d+)=n$1";
        Assert.Equal(text, KeyMap.Parse(text).ToString());
    }

    [Theory]
    [InlineData("strip")]
    [InlineData("rename:abc")]
    [InlineData("move:a=b")]
    public void InvalidRuleNamesTheRuleAndTheSyntax(string text)
    {
        var error = Assert.Throws<CxrVLException>(() => KeyMap.Parse(text));
        Assert.Contains($"'{text}'", error.Message);
        Assert.Contains("strip:PREFIX, rename:FROM=TO", error.Message);
    }

    [Fact]
    public void ApplyingAMapThatMergesTwoKeysIsAnError()
    {
        using var stateDict = new StateDict();
        stateDict.Add("a.w", zeros(1));
        stateDict.Add("b.w", zeros(1));
        var error = Assert.Throws<CxrVLException>(() => KeyMap.Parse("strip:a.;strip:b.").Apply(stateDict));
        Assert.Contains("renames both 'a.w' and 'b.w' to 'w'", error.Message);
    }

    [Fact]
    public void SuggestedPrefixIsTheOneThatMatchesMostModuleKeys()
    {
        var suggestion = KeyMap.SuggestPrefix(
            ["img_encoder_q.model.norm.weight", "img_encoder_q.model.cls_token", "img_encoder_q.global_embed.head.0.weight"],
            ["norm.weight", "cls_token", "head.weight"]);
        Assert.Equal("strip:img_encoder_q.model.", suggestion?.ToString());
        Assert.Null(KeyMap.SuggestPrefix(["a"], ["a"]));
    }
}
