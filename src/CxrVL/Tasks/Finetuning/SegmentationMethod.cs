using CxrVL.Precision;
using CxrVL.Data.Loading;
using CxrVL.Models.Downstream;
using CxrVL.Training;
using static TorchSharp.torch;

namespace CxrVL.Tasks.Finetuning;

/// <summary>
/// Binary segmentation of each mask label: a U-Net decoder over a ResNet's maps, or Feature2Pyramid + UperNet over a
/// ViT's block maps (MRM's SIIM set-up); focal + Dice loss on the logits at the input resolution.
/// </summary>
public sealed class SegmentationMethod : nn.Module, ITrainingMethod<StudyBatch>
{
    private readonly nn.Module encoder;
    private readonly UNetDecoder? decoder;
    private readonly Feature2Pyramid? neck;
    private readonly UperNetHead? head;
    private readonly EncoderTraining _training;
    private readonly FinetuneHeadConfig _config;

    public SegmentationMethod(EncoderTraining training, int classes, FinetuneHeadConfig config) : base(nameof(SegmentationMethod))
    {
        _training = training;
        _config = config;
        encoder = training.Features.Encoder;
        var channels = training.Features.MapChannels;
        if (training.Features.IsVit)
        {
            if (channels.Count != 4)
                throw new CxrVLException($"the UperNet head takes four ViT blocks (encoder.vit_blocks, e.g. [4, 6, 8, 12]); got {channels.Count}.");
            neck = new Feature2Pyramid(channels[0]);
            head = new UperNetHead(channels, config.Channels, classes);
        }
        else
        {
            decoder = new UNetDecoder(channels, config.DecoderChannels, classes);
        }
        RegisterComponents();
    }

    public nn.Module Model => this;

    public Func<string, int>? LayerId => _training.LayerId;

    public int LayerCount => _training.LayerCount;

    /// <summary>Mask logits [B, M, H, W] at the input resolution.</summary>
    public Tensor Logits(Tensor images)
    {
        using var scope = NewDisposeScope();
        var maps = _training.Run(f => f.Maps(images));
        // Logits leave in float32 (under autocast the decoder's convolutions are 16-bit): probabilities and losses are float32.
        var logits = Autocast.Float32(decoder is not null ? decoder.forward(maps) : head!.forward(neck!.forward(maps)));
        if (logits.shape[2] != images.shape[2] || logits.shape[3] != images.shape[3])
            logits = nn.functional.interpolate(logits, size: [images.shape[2], images.shape[3]], mode: InterpolationMode.Bilinear, align_corners: false);
        return logits.MoveToOuterDisposeScope();
    }

    public LossTerms Loss(StudyBatch batch, TrainingProgress progress)
    {
        var logits = Logits(batch.Images);
        var masks = (batch.Masks ?? throw new InvalidOperationException("segmentation batches carry masks.")).gt(0.5).to(float32);
        var terms = new Dictionary<string, Tensor>
        {
            ["focal"] = DenseLosses.SigmoidFocal(logits, masks, _config.FocalAlpha, _config.FocalGamma).mean() * _config.FocalWeight,
            ["dice"] = DenseLosses.SoftDice(logits, masks) * _config.DiceWeight,
        };
        return LossTerms.Weighted(terms, progress.LossWeights);
    }
}
