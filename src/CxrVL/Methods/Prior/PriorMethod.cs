using CxrVL.Precision;
using CxrVL.Models.Layers;
using CxrVL.Methods.Alignment;
using CxrVL.Methods.Encoders;
using CxrVL.Models;
using CxrVL.Text;
using CxrVL.Training;
using CxrVL.Training.Distributed;
using CxrVL.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CxrVL.Methods.Prior;

/// <summary>
/// PRIOR (Cheng et al., ICCV 2023): global and local image-report alignment, a sentence prototype bank, and
/// cross-modal conditional reconstruction of the image and of the report's sentence prototypes. Parameter names are
/// those of PRIOR's <c>Prior</c> module, so its released state dict loads strictly. The i-th stage of
/// <c>train.stages</c> runs PRIOR's stage i: 1 aligns raw sentences; 2 aligns prototype-quantised sentences and trains
/// the bank (<c>proto</c>); 3 adds image reconstruction (<c>rec_img</c>) and sentence prototype generation
/// (<c>spg</c>, <c>kl</c>, <c>gpa</c>) on reports cut to <see cref="PriorConfig.Queries"/> sentences.
/// </summary>
public sealed class PriorMethod : nn.Module, IPretrainingMethod, IPromptScorer
{
    private readonly PriorImageEncoder image_encoder;
    private readonly PriorTextEncoder text_encoder;
    private readonly SentenceAttentionPool global_text_attention;
    private readonly AutocastLinear global_image_projection;
    private readonly AutocastLinear local_image_projection;
    private readonly AutocastLinear global_text_projection;
    private readonly AutocastLinear local_text_projection;
    private readonly Sequential predictor;
    private readonly BertModel sentence_decoder;
    private readonly Parameter prototype_queries;
    private readonly ImageDecoder image_decoder;
    private readonly LocalCrossAttention local_cross_attention;
    private readonly Parameter logit_scale;
    private readonly Parameter local_logit_scale;
    private readonly SentencePrototypeBank sentence_bank;
    private readonly PriorConfig _prior;
    private readonly int _dim;

    public PriorMethod(PriorModelConfig config, BertConfig text) : base(nameof(PriorMethod))
    {
        _prior = config.Prior;
        _dim = config.EmbedDim;
        if (text.HiddenSize != _dim)
            throw new CxrVLException($"PRIOR's sentence decoder is a BERT of the text encoder's width: model.embed_dim ({_dim}) must equal the text width ({text.HiddenSize}).");
        if (_prior.Queries < 1 || _prior.Prototypes < 1)
            throw new CxrVLException("model.prior.queries and model.prior.prototypes must be positive.");
        image_encoder = new PriorImageEncoder(config.Image, _prior);
        text_encoder = new PriorTextEncoder(text);
        global_text_attention = new SentenceAttentionPool(_dim, _prior.PoolHeads);
        global_image_projection = new AutocastLinear(image_encoder.Width, _dim);
        local_image_projection = new AutocastLinear(image_encoder.Width, _dim);
        global_text_projection = new AutocastLinear(text.HiddenSize, _dim);
        local_text_projection = new AutocastLinear(text.HiddenSize, _dim);
        predictor = nn.Sequential(("0", new AutocastLinear(_dim, _dim / 2)), ("1", nn.ReLU()), ("2", new AutocastLinear(_dim / 2, _dim)));
        sentence_decoder = new BertModel(text with
        {
            NumHiddenLayers = _prior.DecoderLayers,
            IsDecoder = _prior.CausalQueries,
            AddCrossAttention = true,
            AddPoolingLayer = false,
        });
        prototype_queries = nn.Parameter(randn(1, _prior.Queries, _dim));
        image_decoder = new ImageDecoder(2 * _dim, config.Image.InputChannels, image_encoder.MapSize, _prior.ImageDropout);
        local_cross_attention = new LocalCrossAttention(_dim);
        logit_scale = nn.Parameter(tensor((float)Math.Log(1 / config.Temperature)));
        local_logit_scale = nn.Parameter(tensor((float)Math.Log(1 / _prior.LocalTemperature)));
        sentence_bank = new SentencePrototypeBank(_prior.Prototypes, _dim, _prior.GumbelTemperature, _prior.GumbelInEvaluation);
        RegisterComponents();
        InitializeProjections(image_encoder.Width, text.HiddenSize);
    }

    /// <summary>
    /// prior's registration (see <c>PretrainingMethods</c>). <c>bank_init: sentences</c> fills the prototype bank from one
    /// rank's batch, which the other ranks of a multi-process run would not share.
    /// </summary>
    public static PretrainingMethodDescriptor Descriptor { get; } =
        PretrainingMethodDescriptor.For<PriorModelConfig>((model, text) => new PriorMethod(model, text), defaultImageRecipe: "prior",
            validateRun: (model, ranks) =>
            {
                if (ranks > 1 && model.Prior.BankInit == PrototypeBankInit.Sentences)
                    throw new CxrVLException("model.prior.bank_init: sentences fills the prototype bank from one rank's batch, which the other ranks would not share: " +
                                             "run it as one process or use bank_init: random.");
            });

    public nn.Module Model => this;

    public string ImageBackbone => "image_encoder.encoder";

    public string? TextBackbone => "text_encoder.encoder";

    public SentencePrototypeBank Bank => sentence_bank;

    /// <summary>The <c>model.prior</c> section the model was built from (the run's recipe records what loading changes in it).</summary>
    public PriorConfig Config => _prior;

    public PriorImageEncoder ImageEncoder => image_encoder;

    public IReportBatcher? ReportBatcher(ITextTokenizer tokenizer, int maxLength) =>
        new PriorReportBatcher(tokenizer, maxLength, _prior.MinSentences, _prior.ShuffleSentences);

    /// <summary><c>--init</c> takes PRIOR's <c>prior_resnet50.pt</c> or its full image-text state dict (see <see cref="PriorWeights"/>).</summary>
    public LoadReport Initialise(StateDict weights, string source) => PriorWeights.Load(this, weights, source);

    public LossTerms Loss(AlignmentBatch batch, TrainingProgress progress)
    {
        var fillBank = training && _prior.BankInit == PrototypeBankInit.Sentences && progress.Stage == 1 && progress.StageStep == 0;
        return LossTerms.Weighted(Forward(batch, progress.Stage + 1, progress.Global, fillBank).Terms, progress.LossWeights);
    }

    /// <summary>
    /// PRIOR's training step <paramref name="stage"/> (1 to 3) on a batch whose reports carry sentence maps; with
    /// <paramref name="global"/> spanning several ranks, the global alignment takes every rank's pairs as negatives.
    /// </summary>
    /// <param name="fillBank">First set the prototype bank's rows to this batch's sentence embeddings (<see cref="PrototypeBankInit.Sentences"/>).</param>
    public PriorStep Forward(AlignmentBatch batch, int stage, GlobalBatch? global = null, bool fillBank = false)
    {
        stage = Math.Clamp(stage, 1, 3);
        var (localImage, globalImage) = EncodeImages(batch.Images);
        var (sentences, mask) = EncodeSentences(batch.Text, stage == 3 ? _prior.Queries : null);
        var terms = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var local = sentences;
        BankQuery? bank = null;
        if (stage >= 2)
        {
            if (fillBank)
                sentence_bank.FillFrom(Select(sentences, mask));
            (local, bank) = Quantise(sentences, mask);
            terms["proto"] = bank.Loss;
        }
        var globalText = global_text_attention.forward(local, mask);
        var scale = logit_scale.exp();
        terms["global"] = ContrastiveLoss.InfoNce(globalImage, globalText, scale, global: global);
        var cross = local_cross_attention.Forward(localImage, local, mask);
        terms["local_img"] = PriorLosses.SimSiam(localImage, cross.TextToImage, predictor.forward);
        terms["local_txt"] = PriorLosses.IntraReportInfoNce(local, cross.ImageToText, mask, local_logit_scale.exp());
        if (stage < 3)
            return new PriorStep(localImage, globalImage, sentences, mask, bank is null ? null : local, globalText, cross, null, null, null, terms);

        var reconstruction = image_decoder.forward(image_encoder.ToMap(localImage), image_encoder.ToMap(cross.TextToImage));
        terms["rec_img"] = ImageDecoder.Loss(reconstruction, batch.Images);
        var (targets, targetMask) = PadSentences(local, mask, _prior.Queries);
        var decoded = DecodeQueries(localImage);
        var assignment = BatchedMatcher.MatchL1(decoded, targets);
        var matched = PriorLosses.Rearrange(decoded, assignment, _prior.LegacyHungarianIndexing);
        terms["spg"] = PriorLosses.SentencePrototypeGeneration(matched, targets);
        terms["kl"] = sentence_bank.KlLoss(Select(matched, targetMask), bank!.Distances);
        var (decodedPrototypes, _) = Quantise(matched, targetMask);
        terms["gpa"] = ContrastiveLoss.InfoNce(global_text_attention.forward(decodedPrototypes, targetMask), globalText, scale);
        return new PriorStep(localImage, globalImage, sentences, mask, local, globalText, cross, reconstruction, decoded, assignment, terms);
    }

    public Tensor EmbedImages(Tensor images) => EmbedImageRegions(images).Global;

    public ImageEncoding EmbedImageRegions(Tensor images)
    {
        using var scope = NewDisposeScope();
        var (local, global) = EncodeImages(images);
        return new ImageEncoding(Autocast.Normalize(global, dim: -1).MoveToOuterDisposeScope(), local.MoveToOuterDisposeScope());
    }

    /// <summary>The report's prototype-quantised sentences pooled into one l2-normalised embedding (deterministic in evaluation).</summary>
    public Tensor EmbedTexts(TextInput text)
    {
        using var scope = NewDisposeScope();
        var (sentences, mask) = EncodeSentences(text, null);
        var (quantised, _) = Quantise(sentences, mask);
        return Autocast.Normalize(global_text_attention.forward(quantised, mask), dim: -1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// PRIOR's zero-shot score: softmax over classes of the global logits (the best prompt of each class) plus
    /// <see cref="PriorConfig.ZeroShotLocalWeight"/> x softmax over classes of the mean local cross-attention (averaged
    /// over a class's prompts). Each prompt is one sentence, quantised by the bank. As in PRIOR, the global logits are
    /// scaled by the stored <c>logit_scale</c> itself, not its exponential.
    /// </summary>
    public Tensor ScoreClasses(Tensor images, Tensor regions, IReadOnlyList<TextInput> classPrompts)
    {
        using var scope = NewDisposeScope();
        var globalLogits = new List<Tensor>();
        var localLogits = new List<Tensor>();
        foreach (var prompts in classPrompts)
        {
            var oneSentence = prompts with { SentenceIds = PromptTokens(prompts) };
            var (sentences, mask) = EncodeSentences(oneSentence, null);
            var (quantised, _) = Quantise(sentences[.., ..1], mask[.., ..1]);
            var global = Autocast.Normalize(global_text_attention.forward(quantised, mask[.., ..1]), dim: -1);
            globalLogits.Add((Autocast.Float32(images).matmul(Autocast.Float32(global).t()) * logit_scale).max(1).values);
            localLogits.Add(local_cross_attention.MeanAttention(regions, quantised[.., 0]).mean([1]));
        }
        var scores = stack(globalLogits, 1).softmax(1) + Autocast.Float32(stack(localLogits, 1)).softmax(1) * _prior.ZeroShotLocalWeight;
        return scores.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The tokens a prompt's sentence averages (sentence id 1, others 0): its own tokens, or with
    /// <see cref="PriorConfig.ZeroShotPromptWithSep"/> every attended token after [CLS], [SEP] included, as PRIOR's zero-shot.
    /// </summary>
    private Tensor? PromptTokens(TextInput prompts)
    {
        if (!_prior.ZeroShotPromptWithSep)
            return prompts.SentenceIds?.clamp_max(1);
        var ids = prompts.AttentionMask.to(ScalarType.Int64).clone();
        ids[.., 0] = 0;
        return ids;
    }

    /// <summary>The query decoder's outputs for images, [B, Q, D]: the sentence prototypes it generates.</summary>
    public Tensor GenerateSentences(Tensor images)
    {
        using var scope = NewDisposeScope();
        return DecodeQueries(EncodeImages(images).Local).MoveToOuterDisposeScope();
    }

    /// <summary>Projected, sentence-gathered report features [B, S, D] (unquantised) and their mask.</summary>
    public (Tensor Sentences, Tensor Mask) EncodeSentences(TextInput text, int? limit)
    {
        var sentenceIds = text.SentenceIds
            ?? throw new CxrVLException("PRIOR needs each token's sentence: encode reports with the method's report batcher.");
        using var scope = NewDisposeScope();
        var tokens = local_text_projection.forward(text_encoder.forward(text.InputIds, text.AttentionMask));
        var (sentences, mask) = SentenceGather.Mean(tokens, sentenceIds);
        if (limit is { } max && sentences.shape[1] > max)
            (sentences, mask) = (sentences[.., ..max], mask[.., ..max]);
        return (sentences.MoveToOuterDisposeScope(), mask.MoveToOuterDisposeScope());
    }

    private (Tensor Local, Tensor Global) EncodeImages(Tensor images)
    {
        using var scope = NewDisposeScope();
        var encoding = image_encoder.forward(images);
        return (local_image_projection.forward(encoding.Local).MoveToOuterDisposeScope(),
                global_image_projection.forward(encoding.Global).MoveToOuterDisposeScope());
    }

    /// <summary>The real sentences of [B, S, D] through the bank, put back in place (zeros on padding).</summary>
    private (Tensor Quantised, BankQuery Query) Quantise(Tensor sentences, Tensor mask)
    {
        var query = sentence_bank.Query(Select(sentences, mask));
        // Under autocast the bank's product is 16-bit; the scatter needs one type.
        var output = query.Output.to_type(sentences.dtype);
        var quantised = zeros_like(sentences).masked_scatter(mask.unsqueeze(-1).expand_as(sentences), output);
        return (quantised, query);
    }

    private static Tensor Select(Tensor sentences, Tensor mask) =>
        sentences.masked_select(mask.unsqueeze(-1)).view(-1, sentences.shape[2]);

    private static (Tensor Sentences, Tensor Mask) PadSentences(Tensor sentences, Tensor mask, int slots)
    {
        var missing = slots - sentences.shape[1];
        return missing <= 0
            ? (sentences, mask)
            : (nn.functional.pad(sentences, [0, 0, 0, missing]), nn.functional.pad(mask, [0, missing]));
    }

    private Tensor DecodeQueries(Tensor localImage)
    {
        var queries = prototype_queries.expand(localImage.shape[0], -1, -1);
        return sentence_decoder.forward(new BertInput { InputsEmbeds = queries, EncoderHiddenStates = localImage }).LastHiddenState;
    }

    /// <summary>PRIOR's initialisation: projections normal with std = input width^-0.5, and the predictor's first layer.</summary>
    private void InitializeProjections(int imageWidth, int textWidth)
    {
        using var noGrad = no_grad();
        nn.init.normal_(global_image_projection.weight, std: Math.Pow(imageWidth, -0.5));
        nn.init.normal_(global_text_projection.weight, std: Math.Pow(textWidth, -0.5));
        nn.init.normal_(local_image_projection.weight, std: Math.Pow(imageWidth, -0.5));
        nn.init.normal_(local_text_projection.weight, std: Math.Pow(textWidth, -0.5));
        nn.init.normal_(((AutocastLinear)predictor[0]).weight, std: Math.Pow(_dim, -0.5));
    }
}
