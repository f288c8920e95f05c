using CxrVL.Models;
using CxrVL.Text;
using CxrVL.Weights;
using static TorchSharp.torch;

namespace CxrVL.Evaluation.Labeling;

/// <summary>
/// CheXbert (stanfordmlgroup/CheXbert <c>label.py</c>) on the CPU: each report tokenised with bert-base-uncased's
/// WordPiece and cut to 512 ids ([CLS], the first 510 pieces, [SEP]; an empty report is [CLS] [SEP]), reports batched
/// by length and padded with id 0 under an attention mask, every head's argmax taken as its class and mapped as the
/// labeler maps it: blank, 1 positive, 0 negative, -1 uncertain (No Finding: blank or 1). Whitespace needs none of
/// label.py's clean-up: the tokenizer splits on any run of it.
/// </summary>
public sealed class ChexbertLabeler : IReportLabeler
{
    /// <summary>CheXbert's <c>CONDITIONS</c>: the observation of each head, in head order (not the rule-based labeler's column order).</summary>
    public static IReadOnlyList<string> HeadObservations { get; } =
    [
        "Enlarged Cardiomediastinum", "Cardiomegaly", "Lung Opacity", "Lung Lesion", "Edema", "Consolidation", "Pneumonia",
        "Atelectasis", "Pneumothorax", "Pleural Effusion", "Pleural Other", "Fracture", "Support Devices", "No Finding",
    ];

    /// <summary>Where CheXbert's authors publish the checkpoint (not redistributable here: Stanford's research licence).</summary>
    public const string PublishedAt =
        "Stanford's CheXbert repository, https://github.com/stanfordmlgroup/CheXbert (README, 'Checkpoint download': " +
        "https://stanfordmedicine.box.com/s/c3stck6w6dol3h36grdc97xoydzxd7w9)";

    public const int MaxTokens = 512;

    // CheXbert's class of a four-way head -> CheXpert value; a two-way head uses the first two.
    private static readonly int?[] ClassValues = [null, ChexpertObservations.Positive, ChexpertObservations.Negative, ChexpertObservations.Uncertain];

    private static readonly int[] ColumnOfHead = HeadObservations.Select(name => ChexpertObservations.Names.ToList().IndexOf(name)).ToArray();

    private readonly ChexbertModel _model;
    private readonly WordPieceTokenizer _tokenizer;
    private readonly int _batchSize;

    private ChexbertLabeler(ChexbertModel model, WordPieceTokenizer tokenizer, int batchSize)
    {
        _model = model;
        _tokenizer = tokenizer;
        _batchSize = batchSize;
    }

    public string Name => "chexbert";

    /// <summary>
    /// Loads CheXbert's checkpoint strictly: the published <c>chexbert.pth</c> (its <c>model_state_dict</c>, <c>module.</c>
    /// prefixes) or the same tensors converted (safetensors, a plain state dict).
    /// </summary>
    public static ChexbertLabeler Load(string? weightsPath, int batchSize = 16)
    {
        if (string.IsNullOrWhiteSpace(weightsPath))
            throw new CxrVLException($"CheXbert needs its trained weights, which CxrVL does not ship: download chexbert.pth from {PublishedAt} and pass its path (--weights FILE, or eval.labeler_weights in a recipe).");
        if (!File.Exists(weightsPath))
            throw new CxrVLException($"CheXbert weights '{weightsPath}' do not exist; download chexbert.pth from {PublishedAt} and pass its path.");
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var model = new ChexbertModel();
        try
        {
            using (var weights = CheckpointReader.Read(weightsPath))
                StateDictLoader.Load(model, weights, ChexbertModel.PublishedKeyMap, source: weightsPath);
            model.eval();
            return new ChexbertLabeler(model, BertBaseUncased.Tokenizer(), batchSize);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public IReadOnlyList<ChexpertLabels> Label(IReadOnlyList<string> reports) => Predict(reports).Select(o => o.Labels).ToList();

    /// <summary>Logits, classes and labels of every report, in order.</summary>
    public IReadOnlyList<ChexbertOutput> Predict(IReadOnlyList<string> reports)
    {
        var options = new EncodeOptions(MaxTokens);
        var encoded = reports.Select(r => _tokenizer.Encode(r, options).Ids).ToArray();
        var outputs = new ChexbertOutput[reports.Count];
        // Longest first, so a batch pads to about its own length; padding is masked and changes no logit. A batch holds
        // at most BatchSize reports and BatchSize x 128 padded ids, so one long report does not pad many short ones to 512.
        var order = Enumerable.Range(0, encoded.Length).OrderByDescending(i => encoded[i].Length).ToArray();
        using var noGrad = no_grad();
        for (var start = 0; start < order.Length;)
        {
            var length = encoded[order[start]].Length;
            var count = Math.Clamp(_batchSize * 128 / length, 1, Math.Min(_batchSize, order.Length - start));
            var batch = order.AsSpan(start, count).ToArray();
            start += count;
            var ids = new long[batch.Length * length];
            var mask = new long[batch.Length * length];
            for (var b = 0; b < batch.Length; b++)
            {
                var report = encoded[batch[b]];
                for (var t = 0; t < report.Length; t++)
                {
                    ids[b * length + t] = report[t];
                    mask[b * length + t] = 1;
                }
            }
            using var scope = NewDisposeScope();
            using var logits = _model.forward(new BertInput
            {
                InputIds = tensor(ids, [batch.Length, length]),
                AttentionMask = tensor(mask, [batch.Length, length]),
            });
            var heads = logits.Heads.Select(h => (Values: h.contiguous().data<float>().ToArray(), Classes: (int)h.shape[1])).ToArray();
            for (var b = 0; b < batch.Length; b++)
                outputs[batch[b]] = Output(heads, b);
        }
        return outputs;
    }

    private static ChexbertOutput Output((float[] Values, int Classes)[] heads, int row)
    {
        var logits = new float[heads.Length][];
        var classes = new int[heads.Length];
        var values = new int?[ChexpertObservations.Names.Count];
        for (var h = 0; h < heads.Length; h++)
        {
            logits[h] = heads[h].Values.AsSpan(row * heads[h].Classes, heads[h].Classes).ToArray();
            // The first maximum, as torch.argmax picks it.
            var best = 0;
            for (var c = 1; c < logits[h].Length; c++)
                if (logits[h][c] > logits[h][best])
                    best = c;
            classes[h] = best;
            values[ColumnOfHead[h]] = ClassValues[best];
        }
        return new ChexbertOutput(logits, classes, new ChexpertLabels(values));
    }

    public void Dispose() => _model.Dispose();
}
