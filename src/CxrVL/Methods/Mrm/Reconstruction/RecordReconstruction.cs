using System.Globalization;
using CxrVL.Imaging;
using CxrVL.Methods.Encoders;
using CxrVL.Tasks.Pretraining;
using CxrVL.Text;
using OpenCvSharp;
using static TorchSharp.torch;

namespace CxrVL.Methods.Mrm.Reconstruction;

/// <summary>
/// <c>cxrvl mrm reconstruct</c>: masks one image (and its report, if given) as in training and writes a PNG with, side by
/// side, the masked input, the raw reconstruction, the reconstruction with the visible patches pasted back, and the
/// original; below them the top predicted tokens at the masked report positions.
/// </summary>
public static class RecordReconstruction
{
    private const int Gap = 8;
    private const int Caption = 22;

    public static ReconstructionResult Run(string checkpoint, string imagePath, string? report, string outPng, Device device, int seed,
                                           int topK = 5)
    {
        if (!File.Exists(imagePath))
            throw new CxrVLException($"image '{imagePath}' does not exist.");
        using var model = PretrainedModel.Load(checkpoint, device);
        if (model.Method is not MrmMethod mrm)
            throw new CxrVLException($"'{checkpoint}' holds a '{model.Config.Method}' model; reconstruct needs an MRM run (cxrvl pretrain --method mrm).");
        var recipe = model.Reading.ImageRecipe;

        using var scope = NewDisposeScope();
        var images = model.LoadImageFile(imagePath).to(device);
        var text = Encode(model, report ?? "", device);
        manual_seed(seed);
        mrm.eval();
        using var noGrad = no_grad();
        var (imageLoss, reportLoss, details) = mrm.Forward(images, text);

        var words = report is null ? [] : TopWords(model.Tokenizer, text.InputIds[0], details.Report.Masked[0], details.Logits[0], topK);
        var panels = Panels(images[0], details, recipe.Normalization);
        WritePng(outPng, panels, recipe.Size, words);
        return new ReconstructionResult(Path.GetFullPath(outPng), imageLoss.item<float>(), report is null ? double.NaN : reportLoss.item<float>(),
                                        details.PatchMask.mean().item<float>(), words);
    }

    private static TextInput Encode(PretrainedModel model, string report, Device device)
    {
        var length = model.Config.Model.Text.MaxLength;
        var encoded = model.Tokenizer.Encode(model.Config.Data.ReportPrefix + report, EncodeOptions.Fixed(length));
        long[] shape = [1, length];
        return new TextInput(tensor(encoded.Ids.Select(i => (long)i).ToArray(), shape).to(device),
                             tensor(encoded.AttentionMask.Select(i => (long)i).ToArray(), shape).to(device),
                             tensor(encoded.WordIds.Select(i => (long)i).ToArray(), shape).to(device));
    }

    private static List<MaskedWordPrediction> TopWords(ITextTokenizer tokenizer, Tensor ids, Tensor masked, Tensor logits, int topK)
    {
        var positions = masked.nonzero().flatten().data<long>().ToArray();
        if (positions.Length == 0)
            return [];
        var index = tensor(positions);
        var (probabilities, tokens) = logits.index_select(0, index).softmax(-1).topk(topK, dim: -1);
        var p = probabilities.data<float>().ToArray();
        var t = tokens.data<long>().ToArray();
        var original = ids.index_select(0, index).data<long>().ToArray();
        string Name(long id) => tokenizer is WordPieceTokenizer wordPiece ? wordPiece.IdToToken((int)id) : tokenizer.Decode([(int)id]);
        return positions.Select((position, i) => new MaskedWordPrediction((int)position, Name(original[i]),
            Enumerable.Range(0, topK).Select(k => (Name(t[i * topK + k]), (double)p[i * topK + k])).ToList())).ToList();
    }

    /// <summary>Masked input, reconstruction, reconstruction + visible, original: [4, H, W] gray values in [0, 1].</summary>
    private static Tensor Panels(Tensor image, MrmReconstruction details, Normalization normalization)
    {
        var patch = details.TargetPatch;
        var side = (int)Math.Round(Math.Sqrt(details.PatchMask.shape[1]));
        var removed = details.PatchMask[0].reshape(side, side).repeat_interleave(patch, 0).repeat_interleave(patch, 1).cpu() > 0.5;
        Tensor Gray(Tensor normalised) => (normalised[0].cpu() * normalization.Std[0] + normalization.Mean[0]).clamp(0, 1);
        var original = Gray(image);
        var reconstruction = Gray(details.Reconstruction[0]);
        var masked = where(removed, full_like(original, 0.5), original);
        var pasted = where(removed, reconstruction, original);
        return stack([masked, reconstruction, pasted, original]);
    }

    private static void WritePng(string path, Tensor panels, int size, IReadOnlyList<MaskedWordPrediction> words)
    {
        var width = 4 * size + 5 * Gap;
        var lines = WordLines(words, width);
        var height = Caption + size + 2 * Gap + lines.Count * 16 + (lines.Count > 0 ? Gap : 0);
        using var canvas = new Mat(height, width, MatType.CV_8UC1, Scalar.All(0));
        var bytes = (panels * 255).round().to_type(ScalarType.Byte).contiguous().data<byte>().ToArray();
        string[] captions = ["masked input", "reconstruction", "reconstruction + visible", "original"];
        for (var i = 0; i < 4; i++)
        {
            var x = Gap + i * (size + Gap);
            using var panel = Mat.FromPixelData(size, size, MatType.CV_8UC1, bytes[(i * size * size)..((i + 1) * size * size)]);
            panel.CopyTo(canvas[new Rect(x, Caption, size, size)]);
            Cv2.PutText(canvas, captions[i], new Point(x, Caption - 7), HersheyFonts.HersheySimplex, 0.45, Scalar.All(255));
        }
        for (var i = 0; i < lines.Count; i++)
            Cv2.PutText(canvas, lines[i], new Point(Gap, Caption + size + 2 * Gap + i * 16 + 8), HersheyFonts.HersheySimplex, 0.4, Scalar.All(255));
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        if (!Cv2.ImWrite(path, canvas))
            throw new CxrVLException($"could not write '{path}': the file name must end in .png.");
    }

    /// <summary>"original -> top1 (p) top2 (p)" per masked position, as many as fit on the image's lines.</summary>
    private static List<string> WordLines(IReadOnlyList<MaskedWordPrediction> words, int width)
    {
        var perLine = Math.Max(20, width / 7);
        var lines = new List<string>();
        foreach (var word in words.Take(24))
        {
            var line = string.Create(CultureInfo.InvariantCulture,
                $"{word.Position,3} {Ascii(word.Original)} -> {string.Join("  ", word.Top.Take(3).Select(t => $"{Ascii(t.Token)} {t.Probability:0.00}"))}");
            lines.Add(line.Length > perLine ? line[..perLine] : line);
        }
        if (words.Count > 24)
            lines.Add($"... {words.Count - 24} more masked positions");
        return lines;
    }

    // OpenCV's Hershey fonts draw ASCII only.
    private static string Ascii(string token) => new(token.Select(c => c < 128 ? c : '?').ToArray());
}
