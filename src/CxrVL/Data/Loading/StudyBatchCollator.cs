using System.Runtime.InteropServices;
using CxrVL.Imaging;
using static TorchSharp.torch;

namespace CxrVL.Data.Loading;

/// <summary>Stacks study samples into a <see cref="StudyBatch"/>; every value is copied once, into tensor memory.</summary>
public sealed class StudyBatchCollator(ImageRecipe recipe, StudyOptions options) : IBatchCollator<StudySample, StudyBatch>
{
    public StudyBatch Collate(IReadOnlyList<StudySample> samples, IReadOnlyList<int> rows)
    {
        var b = samples.Count;
        var slots = samples[0].Images.Length;
        var size = recipe.Size;
        var pixels = recipe.Channels * size * size;
        var tensors = new List<Tensor>();
        try
        {
            long[] shape = options.Views == StudyViews.Frontal
                ? [b, recipe.Channels, size, size]
                : [b, slots, recipe.Channels, size, size];
            var images = Track(tensors, zeros(shape, ScalarType.Float32));
            var imageData = MemoryMarshal.Cast<byte, float>(images.bytes);
            var present = new bool[b * slots];
            for (var i = 0; i < b; i++)
            {
                for (var s = 0; s < slots; s++)
                {
                    if (samples[i].Images[s] is not { } buffer)
                        continue;
                    buffer.Span.CopyTo(imageData.Slice((i * slots + s) * pixels, pixels));
                    present[i * slots + s] = true;
                }
            }

            Tensor? tokenIds = null, attention = null;
            if (samples.Any(s => s.Tokens is not null))
            {
                var length = Math.Max(1, samples.Max(s => s.Tokens?.Count ?? 0));
                var ids = new long[b * length];
                var mask = new long[b * length];
                Array.Fill(ids, options.PadId);
                for (var i = 0; i < b; i++)
                {
                    var tokens = samples[i].Tokens ?? [];
                    for (var t = 0; t < tokens.Count; t++)
                    {
                        ids[i * length + t] = tokens[t];
                        mask[i * length + t] = 1;
                    }
                }
                tokenIds = Track(tensors, BatchTensors.Longs(ids, b, length));
                attention = Track(tensors, BatchTensors.Longs(mask, b, length));
            }

            Tensor? labels = null, mentioned = null;
            if (options.Labels.Count > 0)
            {
                var k = options.Labels.Count;
                labels = Track(tensors, BatchTensors.Floats(samples.SelectMany(s => s.Labels).ToArray(), b, k));
                mentioned = Track(tensors, BatchTensors.Bools(samples.SelectMany(s => s.LabelMentioned).ToArray(), b, k));
            }

            Tensor? masks = null;
            if (options.MaskLabels.Count > 0)
            {
                var m = options.MaskLabels.Count;
                masks = Track(tensors, zeros([b, m, size, size], ScalarType.Float32));
                var maskData = MemoryMarshal.Cast<byte, float>(masks.bytes);
                for (var i = 0; i < b; i++)
                    samples[i].Masks?.Span.CopyTo(maskData.Slice(i * m * size * size, m * size * size));
            }

            Tensor? boxes = null, boxLabels = null;
            if (options.MaxBoxes > 0)
            {
                var n = options.MaxBoxes;
                var coordinates = new float[b * n * 4];
                var ids = new long[b * n];
                Array.Fill(ids, -1L);
                for (var i = 0; i < b; i++)
                {
                    var kept = samples[i].Boxes.Where(box => !box.IsEmpty).Take(n).ToArray();
                    for (var j = 0; j < kept.Length; j++)
                    {
                        var box = kept[j];
                        var at = (i * n + j) * 4;
                        (coordinates[at], coordinates[at + 1], coordinates[at + 2], coordinates[at + 3]) = (box.X0, box.Y0, box.X1, box.Y1);
                        ids[i * n + j] = box.Label is null ? -1 : options.BoxLabels.IndexOf(box.Label);
                    }
                }
                boxes = Track(tensors, BatchTensors.Floats(coordinates, b, n, 4));
                boxLabels = Track(tensors, BatchTensors.Longs(ids, b, n));
            }

            return new StudyBatch
            {
                Images = images,
                ImagePresent = options.Views == StudyViews.Frontal ? null : Track(tensors, BatchTensors.Bools(present, b, slots)),
                TokenIds = tokenIds, AttentionMask = attention, Labels = labels, LabelMentioned = mentioned,
                Masks = masks, Boxes = boxes, BoxLabels = boxLabels,
                Rows = rows.ToArray(),
                StudyIds = samples.Select(s => s.StudyId).ToArray(),
                Reports = samples.Select(s => s.Report).ToArray(),
            };
        }
        catch
        {
            tensors.ForEach(t => t.Dispose());
            throw;
        }
    }

    private static Tensor Track(List<Tensor> tensors, Tensor tensor)
    {
        tensors.Add(tensor);
        return tensor;
    }
}
