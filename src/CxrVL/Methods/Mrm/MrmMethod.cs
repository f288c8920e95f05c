using CxrVL.Precision;
using CxrVL.Models.Layers;
using CxrVL.Methods.Encoders;
using CxrVL.Models;
using CxrVL.Training;
using CxrVL.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Methods.Mrm;

/// <summary>
/// MRM, masked record modelling: a ViT encodes a quarter of the patches of the low-resolution image (per-sample random
/// masking, class token appended after masking); an MAE decoder predicts the removed patches of the high-resolution
/// image (each encoder patch becomes a (2p)² patch of the 448 px image), MSE on the removed patches only; the mean of
/// the visible patch tokens, projected to the report model's width, is added to every token embedding of a small BERT
/// that predicts whole words masked at random. Loss terms <c>image</c> and <c>report</c>, weighted 1:1.
/// Parameter names are MRM's (<c>decoder_*</c>, <c>mask_token</c>, <c>bert_encoder.model.*</c>, <c>bert_mlp</c>), with
/// the ViT under <c>encoder.</c> (see <see cref="MrmKeyMaps"/>).
/// </summary>
public sealed class MrmMethod : nn.Module, IPretrainingMethod
{
    private readonly VisionTransformer encoder;
    private readonly AutocastLinear decoder_embed;
    private readonly Parameter mask_token;
    private readonly Parameter decoder_pos_embed;
    private readonly ModuleList<VitBlock> decoder_blocks;
    private readonly AutocastLayerNorm decoder_norm;
    private readonly AutocastLinear decoder_pred;
    private readonly MrmReportEncoder bert_encoder;
    private readonly AutocastLinear bert_mlp;
    private readonly MrmConfig _config;
    private readonly MaeDecoder _decoder;

    public MrmMethod(MrmModelConfig config, BertConfig text) : base(nameof(MrmMethod))
    {
        _config = config.Mrm;
        var image = config.Image;
        if (!image.Backbone.StartsWith("vit", StringComparison.OrdinalIgnoreCase))
            throw new CxrVLException($"MRM needs a ViT encoder (model.image.backbone: vit_b16, vit_s16 or vit_t16; got '{image.Backbone}').");
        var vit = VisionTransformerConfig.Named(image.Backbone) with
        {
            ImageSize = image.ImageSize,
            InputChannels = image.InputChannels,
            PositionEmbedding = VitPositionEmbedding.SinCos,
        };
        if (_config.TargetImageSize % vit.GridSize != 0)
            throw new CxrVLException($"model.mrm.target_image_size {_config.TargetImageSize} must be a multiple of the encoder's {vit.GridSize} x {vit.GridSize} patch grid.");
        TargetPatch = _config.TargetImageSize / vit.GridSize;
        var decoder = vit with { EmbedDim = _config.DecoderDim, Depth = _config.DecoderDepth, Heads = _config.DecoderHeads };

        encoder = new VisionTransformer(vit);
        _decoder = MaeDecoder.Create(vit, decoder, (long)TargetPatch * TargetPatch * vit.InputChannels);
        (decoder_embed, mask_token, decoder_pos_embed, decoder_blocks, decoder_norm, decoder_pred) = _decoder;
        // MRM's report model has exactly max_length positions and no pooler.
        var report = text with { MaxPositionEmbeddings = config.Text.MaxLength, AddPoolingLayer = false };
        bert_encoder = new MrmReportEncoder(report);
        bert_mlp = new AutocastLinear(vit.EmbedDim, report.HiddenSize);
        VocabularySize = report.VocabSize;
        RegisterComponents();
        InitializeLikeMrm();
    }

    /// <summary>
    /// mrm's registration (see <c>PretrainingMethods</c>). Its encoder reads a downscaled copy of the target it
    /// reconstructs, so the recipe's images must have the target's size.
    /// </summary>
    public static PretrainingMethodDescriptor Descriptor { get; } =
        PretrainingMethodDescriptor.For<MrmModelConfig>((model, text) => new MrmMethod(model, text), defaultImageRecipe: "mrm-pretrain",
            imageSize: ("model.mrm.target_image_size", model => model.Mrm.TargetImageSize));

    public nn.Module Model => this;

    public string ImageBackbone => "encoder";

    public string? TextBackbone => "bert_encoder.model.bert";

    public VisionTransformer Encoder => encoder;

    /// <summary>Side of the high-resolution patch each encoder patch predicts (32 for 16 px patches at 224 -> 448).</summary>
    public int TargetPatch { get; }

    public int VocabularySize { get; }

    public MrmConfig Config => _config;

    public LossTerms Loss(AlignmentBatch batch, TrainingProgress progress)
    {
        var output = Forward(batch.Images, batch.Text);
        var terms = new Dictionary<string, Tensor> { ["image"] = output.ImageLoss, ["report"] = output.ReportLoss };
        return LossTerms.Weighted(terms, progress.LossWeights);
    }

    /// <summary>Both losses and what produced them, for one batch of high-resolution images and their reports.</summary>
    public (Tensor ImageLoss, Tensor ReportLoss, MrmReconstruction Details) Forward(Tensor images, TextInput text, Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        if (images.shape[2] != _config.TargetImageSize || images.shape[3] != _config.TargetImageSize)
            throw new CxrVLException($"MRM reconstructs {_config.TargetImageSize} px images (model.mrm.target_image_size) but the data recipe gives " +
                                     $"{images.shape[2]} x {images.shape[3]}: pick a recipe of that size (data.image_recipe) or change the target.");
        var masked = encoder.ForwardMasked(ToEncoderSize(images), _config.MaskRatio, generator);

        // Position 0 holds the [CLS] of the recipe's prefix; MRM masks from position 1.
        var record = RecordMasking.Mask(text.InputIds, text.WordIds, _config.TextMaskProbability, _config.MaskTokenId, _config.MlmLossOn,
                                        skip: 1, generator: generator);
        var latent = bert_mlp.forward(masked.Tokens[.., 1..].mean([1]));
        var logits = bert_encoder.forward(new BertInput
        {
            InputIds = record.InputIds,
            AttentionMask = text.AttentionMask,
            EmbeddingOffset = latent,
        }).Logits;
        // Losses in float32 under autocast too.
        var perToken = nn.functional.cross_entropy(Autocast.Float32(logits).reshape(-1, logits.shape[2]), record.Labels.reshape(-1),
                                                   ignore_index: RecordMasking.IgnoreIndex, reduction: nn.Reduction.None);
        // Mean over the counted positions; a batch with none (every report empty) contributes zero, not NaN.
        var counted = (record.Labels != RecordMasking.IgnoreIndex).sum().clamp_min(1);
        var reportLoss = perToken.sum() / counted;

        var prediction = _decoder.Decode(masked.Tokens, masked.RestoreIndices, mask_token, decoder_pos_embed);
        var target = PatchTargets.Patchify(images, TargetPatch);
        Tensor? mean = null, std = null;
        if (_config.NormPixLoss)
            (target, mean, std) = PatchTargets.Normalise(target);
        var perPatch = (Autocast.Float32(prediction) - target).square().mean([-1]);
        var imageLoss = (perPatch * masked.Mask).sum() / masked.Mask.sum();

        var shown = mean is null ? prediction : prediction * std! + mean;
        var details = new MrmReconstruction(
            PatchTargets.Unpatchify(shown.detach(), TargetPatch, (int)images.shape[1]).MoveToOuterDisposeScope(),
            masked.Mask.MoveToOuterDisposeScope(), TargetPatch,
            new MaskedRecord(record.InputIds.MoveToOuterDisposeScope(), record.Masked.MoveToOuterDisposeScope(), record.Labels.MoveToOuterDisposeScope()),
            logits.detach().MoveToOuterDisposeScope());
        return (imageLoss.MoveToOuterDisposeScope(), reportLoss.MoveToOuterDisposeScope(), details);
    }

    /// <summary>The mean of the patch tokens of the whole (unmasked) image, l2-normalised: the features a linear probe reads.</summary>
    public Tensor EmbedImages(Tensor images)
    {
        using var scope = NewDisposeScope();
        var tokens = encoder.forward(ToEncoderSize(images)).Tokens;
        return Autocast.Normalize(tokens[.., 1..].mean([1]), dim: -1).MoveToOuterDisposeScope();
    }

    public bool EmbedsTexts => false;

    public Tensor EmbedTexts(TextInput text) =>
        throw new CxrVLException("MRM learns no joint image-report space: zero-shot classification and retrieval do not apply; use its image features (cxrvl embed).");

    /// <summary>
    /// Initial weights: MRM's own checkpoint, or an encoder alone (MAE's <c>mae_pretrain_vit_base.pth</c>, a timm or
    /// torchvision ViT). Strict, except that an encoder-only checkpoint leaves the decoder and the report model freshly
    /// initialised (MRM's <c>load_model</c> fills them the same way) and a classifier head in it is dropped.
    /// </summary>
    public LoadReport Initialise(StateDict weights, string source)
    {
        var map = VitKeyMaps.IsTorchvision(weights.Keys) ? MrmKeyMaps.Torchvision : MrmKeyMaps.Official.DropPrefix("head.");
        var encoderOnly = !weights.Keys.Any(k => k.StartsWith("decoder_", StringComparison.Ordinal) || k.StartsWith("bert_", StringComparison.Ordinal));
        string[] others = ["decoder_", "mask_token", "bert_encoder.", "bert_mlp."];
        return StateDictLoader.Load(this, weights, map, allowMissing: encoderOnly ? others : null, source: source);
    }

    private Tensor ToEncoderSize(Tensor images)
    {
        var size = encoder.Config.ImageSize;
        // MRM resizes the 448 px crop with torchvision's tensor Resize (bicubic, no antialiasing in its version).
        return images.shape[2] == size && images.shape[3] == size
            ? images.alias()
            : nn.functional.interpolate(images, [size, size], mode: InterpolationMode.Bicubic, align_corners: false);
    }

    /// <summary>
    /// MRM's <c>initialize_weights</c>, applied to the whole model as its <c>self.apply</c> does: Xavier-uniform linears
    /// (the BERT's too) with zero biases, the patch projection as a linear, class and mask tokens N(0, 0.02), LayerNorms 1 and 0.
    /// </summary>
    private void InitializeLikeMrm()
    {
        using var noGrad = no_grad();
        foreach (var module in modules())
        {
            switch (module)
            {
                case AutocastLinear linear:
                    nn.init.xavier_uniform_(linear.weight);
                    if (linear.bias is not null)
                        nn.init.zeros_(linear.bias);
                    break;
                case AutocastLayerNorm norm:
                    nn.init.ones_(norm.weight);
                    nn.init.zeros_(norm.bias);
                    break;
            }
        }
        var projection = named_parameters().Single(p => p.name == "encoder.patch_embed.proj.weight").parameter;
        var fanOut = projection.shape[0];
        var fanIn = projection.numel() / fanOut;
        var bound = Math.Sqrt(6.0 / (fanIn + fanOut));
        nn.init.uniform_(projection, -bound, bound);
        nn.init.normal_(named_parameters().Single(p => p.name == "encoder.cls_token").parameter, std: 0.02);
        nn.init.normal_(mask_token, std: 0.02);
    }
}
