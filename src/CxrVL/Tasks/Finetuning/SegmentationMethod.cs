using CxrVL.Precision;
using CxrVL.Data.Loading;
using CxrVL.Models.Downstream;
using CxrVL.Training;
using static TorchSharp.torch;

namespace CxrVL.Tasks.Finetuning;

/// <summary>
/// Binary segmentation of each mask label: a U-Net decoder over a ResNet's maps, or Feature2Pyramid + UperNet over a
/// ViT's block maps (MRM's SIIM set-up), optionally with MMSeg's two-class output and auxiliary FCN head
/// (<see cref="FinetuneHeadConfig.BackgroundClass"/>, <see cref="FinetuneHeadConfig.AuxiliaryWeight"/>); focal + Dice
/// loss on the logits at the input resolution.
/// </summary>
public sealed class SegmentationMethod : nn.Module, ITrainingMethod<StudyBatch>
{
    /// <summary>The pyramid level MMSeg's auxiliary head reads (<c>in_index=2</c>: stride 16, ViT block 8 of 4/6/8/12).</summary>
    private const int AuxiliaryLevel = 2;

    private readonly nn.Module encoder;
    private readonly UNetDecoder? decoder;
    private readonly Feature2Pyramid? neck;
    private readonly UperNetHead? head;
    private readonly FcnHead? auxiliary_head;
    private readonly EncoderTraining _training;
    private readonly FinetuneHeadConfig _config;

    public SegmentationMethod(EncoderTraining training, int classes, FinetuneHeadConfig config) : base(nameof(SegmentationMethod))
    {
        _training = training;
        _config = config;
        encoder = training.Features.Encoder;
        var channels = training.Features.MapChannels;
        if (config.BackgroundClass && classes != 1)
            throw new CxrVLException($"head.background_class segments one mask label against the background; data.mask_labels names {classes}.");
        if (!config.BackgroundClass && config.DiceClassWeights.Count > 0)
            throw new CxrVLException("head.dice_class_weights weighs the background and label classes of head.background_class; set it true or leave the weights out.");
        var outputs = config.BackgroundClass ? 2 : classes;
        if (training.Features.IsVit)
        {
            if (channels.Count != 4)
                throw new CxrVLException($"the UperNet head takes four ViT blocks (encoder.vit_blocks, e.g. [4, 6, 8, 12]); got {channels.Count}.");
            neck = new Feature2Pyramid(channels[0]);
            head = new UperNetHead(channels, config.Channels, outputs);
            if (config.AuxiliaryWeight > 0)
                auxiliary_head = new FcnHead(channels[AuxiliaryLevel], config.AuxiliaryChannels, outputs);
        }
        else
        {
            if (config.AuxiliaryWeight > 0)
                throw new CxrVLException("head.auxiliary_weight adds MMSeg's FCN head to the ViT pyramid; a ResNet's U-Net has none (set it to 0).");
            decoder = new UNetDecoder(channels, config.DecoderChannels, outputs);
        }
        RegisterComponents();
    }

    public nn.Module Model => this;

    public Func<string, int>? LayerId => _training.LayerId;

    public int LayerCount => _training.LayerCount;

    /// <summary>Mask logits [B, M, H, W] at the input resolution; with a background class, the label's logit minus the background's.</summary>
    public Tensor Logits(Tensor images)
    {
        using var scope = NewDisposeScope();
        var (logits, _) = Forward(images, auxiliary: false);
        return (_config.BackgroundClass ? logits[.., 1..] - logits[.., ..1] : logits).MoveToOuterDisposeScope();
    }

    public LossTerms Loss(StudyBatch batch, TrainingProgress progress)
    {
        var (logits, auxiliary) = Forward(batch.Images, auxiliary: true);
        var masks = (batch.Masks ?? throw new InvalidOperationException("segmentation batches carry masks.")).gt(0.5);
        var terms = new Dictionary<string, Tensor>();
        AddTerms(terms, "", logits, masks, 1.0);
        if (auxiliary is not null)
            AddTerms(terms, "aux_", auxiliary, masks, _config.AuxiliaryWeight);
        return LossTerms.Weighted(terms, progress.LossWeights);
    }

    private void AddTerms(Dictionary<string, Tensor> terms, string prefix, Tensor logits, Tensor masks, double weight)
    {
        if (_config.BackgroundClass)
        {
            var classes = masks[.., 0].to(int64);
            terms[prefix + "focal"] = DenseLosses.ClassFocal(logits, classes, _config.FocalAlpha, _config.FocalGamma) * (_config.FocalWeight * weight);
            terms[prefix + "dice"] = DenseLosses.ClassDice(logits, classes, _config.DiceClassWeights is { Count: > 0 } w ? w : null) * (_config.DiceWeight * weight);
            return;
        }
        var targets = masks.to(float32);
        terms[prefix + "focal"] = DenseLosses.SigmoidFocal(logits, targets, _config.FocalAlpha, _config.FocalGamma).mean() * (_config.FocalWeight * weight);
        terms[prefix + "dice"] = DenseLosses.SoftDice(logits, targets) * (_config.DiceWeight * weight);
    }

    /// <summary>The main logits and, in training with an auxiliary head, the auxiliary ones, both at the input resolution.</summary>
    private (Tensor Main, Tensor? Auxiliary) Forward(Tensor images, bool auxiliary)
    {
        using var scope = NewDisposeScope();
        var maps = _training.Run(f => f.Maps(images));
        Tensor main;
        Tensor? side = null;
        if (decoder is not null)
        {
            main = decoder.forward(maps);
        }
        else
        {
            var pyramid = neck!.forward(maps);
            main = head!.forward(pyramid);
            if (auxiliary && auxiliary_head is not null)
                side = ToInputSize(auxiliary_head.forward(pyramid[AuxiliaryLevel]), images).MoveToOuterDisposeScope();
        }
        return (ToInputSize(main, images).MoveToOuterDisposeScope(), side);
    }

    /// <summary>Logits in float32 (under autocast the heads' convolutions are 16-bit; probabilities and losses are float32) at the input resolution.</summary>
    private static Tensor ToInputSize(Tensor logits, Tensor images)
    {
        var full = Autocast.Float32(logits);
        return full.shape[2] == images.shape[2] && full.shape[3] == images.shape[3]
            ? full
            : nn.functional.interpolate(full, size: [images.shape[2], images.shape[3]], mode: InterpolationMode.Bilinear, align_corners: false);
    }
}
