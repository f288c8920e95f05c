namespace CxrVL.Methods.Prior;

/// <summary>PRIOR's own knobs (<c>model.prior:</c>); <c>model.embed_dim</c> and <c>model.temperature</c> of <see cref="PriorModelConfig"/> apply too.</summary>
public sealed class PriorConfig
{
    /// <summary>Initial temperature of the intra-report sentence InfoNCE (PRIOR's local_temperature, learned).</summary>
    public double LocalTemperature { get; set; } = 0.01;

    /// <summary>Prototypes in the sentence prototype bank (spb_k).</summary>
    public int Prototypes { get; set; } = 512;

    /// <summary>Gumbel-softmax temperature of the bank in training (fixed, as PRIOR's temp_decay: fixed).</summary>
    public double GumbelTemperature { get; set; } = 0.9;

    /// <summary>Learned queries of the sentence decoder; reports are cut to this many sentences for reconstruction.</summary>
    public int Queries { get; set; } = 16;

    /// <summary>Layers of the BERT query decoder (PRIOR: 8).</summary>
    public int DecoderLayers { get; set; } = 8;

    /// <summary>Causal self-attention among the queries: what PRIOR's Hugging Face decoder does (is_decoder); false makes it non-autoregressive.</summary>
    public bool CausalQueries { get; set; } = true;

    /// <summary>Channel dropout on the local image features fed to the image decoder.</summary>
    public double ImageDropout { get; set; } = 0.5;

    /// <summary>Heads of the image attention pool and the sentence attention pool.</summary>
    public int PoolHeads { get; set; } = 8;

    /// <summary>
    /// Local image tokens as PRIOR made them: a raw view of the N x C x H x W map as N x HW x C, which mixes channels and
    /// positions; false permutes to one token per position. Unset (null) follows the initial weights: true when
    /// <c>--init</c> is PRIOR's released full model (its local branch was trained on the raw view), false otherwise.
    /// </summary>
    public bool? LegacyChannelMajorTokens { get; set; }

    /// <summary>
    /// Reorder the matched decoder outputs as PRIOR's code does (<c>logit[inds[1]]</c>: output i is put in the slot of
    /// the target matched to output i's index, which lines outputs up with their targets only when the matching is its
    /// own inverse). False (the default) puts each output in the slot of the target it was matched to.
    /// </summary>
    public bool LegacyHungarianIndexing { get; set; }

    /// <summary>
    /// Keep the bank's Gumbel noise in evaluation as PRIOR does (its zero-shot scores then change from run to run); false
    /// (the default) quantises without noise outside training.
    /// </summary>
    public bool GumbelInEvaluation { get; set; }

    /// <summary>
    /// Average a zero-shot prompt over its [SEP] token too, as PRIOR's zero-shot does (it takes tokens [1:-1] under the
    /// attention mask, which keeps [SEP]); false (the default) averages the sentence's own tokens, as in training.
    /// </summary>
    public bool ZeroShotPromptWithSep { get; set; }

    /// <summary>Reports with fewer sentences are left out of training (PRIOR's builder keeps 4 or more).</summary>
    public int MinSentences { get; set; } = 4;

    /// <summary>Shuffle a report's sentences each time it is read for training (PRIOR's SentenceShuffle).</summary>
    public bool ShuffleSentences { get; set; } = true;

    /// <summary>
    /// How the sentence prototype bank starts: <c>random</c> (PRIOR: N(0, 1) rows) or <c>sentences</c> (at the first
    /// step of stage 2, the rows become that batch's sentence embeddings, drawn at random; one process only). From
    /// random weights, random rows capture every sentence with a handful of prototypes and the reports' pooled
    /// prototypes become indistinguishable.
    /// </summary>
    public PrototypeBankInit BankInit { get; set; } = PrototypeBankInit.Random;

    /// <summary>Weight of the local cross-attention probabilities in the zero-shot score (PRIOR: 0.5).</summary>
    public double ZeroShotLocalWeight { get; set; } = 0.5;
}

/// <summary>Starting rows of PRIOR's sentence prototype bank (<see cref="PriorConfig.BankInit"/>).</summary>
public enum PrototypeBankInit
{
    Random,
    Sentences,
}
