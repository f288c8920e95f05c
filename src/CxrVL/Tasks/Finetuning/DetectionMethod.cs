using CxrVL.Data.Loading;
using CxrVL.Evaluation.Detection;
using CxrVL.Imaging;
using CxrVL.Models.Downstream;
using CxrVL.Training;
using static TorchSharp.torch;

namespace CxrVL.Tasks.Finetuning;

/// <summary>
/// An anchor-free single-stage detector (FCOS) over the encoder's feature pyramid at strides 8, 16, 32: a ResNet's
/// layer2..layer4, or a ViT's block maps rescaled by Feature2Pyramid; an FPN brings them to one width.
/// </summary>
public sealed class DetectionMethod : nn.Module, ITrainingMethod<StudyBatch>
{
    private readonly nn.Module encoder;
    private readonly Feature2Pyramid? neck;
    private readonly FeaturePyramid fpn;
    private readonly FcosHead head;
    private readonly EncoderTraining _training;
    private readonly FinetuneHeadConfig _config;
    private readonly int[] _strides;

    public DetectionMethod(EncoderTraining training, int classes, FinetuneHeadConfig config) : base(nameof(DetectionMethod))
    {
        _training = training;
        _config = config;
        encoder = training.Features.Encoder;
        var channels = training.Features.MapChannels;
        var strides = training.Features.MapStrides;
        if (training.Features.IsVit)
        {
            if (channels.Count != 4)
                throw new CxrVLException($"the ViT detector takes four blocks (encoder.vit_blocks, e.g. [4, 6, 8, 12]); got {channels.Count}.");
            neck = new Feature2Pyramid(channels[0]);
            // Feature2Pyramid gives strides patch/4, patch/2, patch, 2 x patch; the detector reads the last three.
            _strides = [strides[0] / 2, strides[0], strides[0] * 2];
            fpn = new FeaturePyramid([channels[1], channels[2], channels[3]], config.Channels);
        }
        else
        {
            _strides = [strides[2], strides[3], strides[4]];
            fpn = new FeaturePyramid([channels[2], channels[3], channels[4]], config.Channels);
        }
        head = new FcosHead(config.Channels, classes, _strides.Length, config.TowerConvs);
        RegisterComponents();
    }

    public nn.Module Model => this;

    public Func<string, int>? LayerId => _training.LayerId;

    public int LayerCount => _training.LayerCount;

    public FcosOutput Forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        var maps = _training.Run(f => f.Maps(images));
        IReadOnlyList<Tensor> levels = neck is not null ? neck.forward(maps).Skip(1).ToList() : [maps[2], maps[3], maps[4]];
        var output = head.forward((fpn.forward(levels), _strides));
        foreach (var tensor in new[] { output.ClassLogits, output.Distances, output.Centerness, output.Points, output.Strides })
            tensor.MoveToOuterDisposeScope();
        return output;
    }

    /// <summary>Detections per image, boxes in input pixels.</summary>
    public IReadOnlyList<IReadOnlyList<DetectedBox>> Detect(Tensor images, FinetuneEvalConfig eval)
    {
        using var output = Forward(images);
        return FcosPostprocess.Decode(output, images.shape[2], images.shape[3], eval.ScoreThreshold, eval.NmsIou, eval.MaxDetections);
    }

    public LossTerms Loss(StudyBatch batch, TrainingProgress progress)
    {
        using var output = Forward(batch.Images);
        var boxes = batch.Boxes ?? throw new InvalidOperationException("detection batches carry boxes.");
        var terms = FcosLoss.Compute(output, boxes, batch.BoxLabels!, _config.CenterSampling, _config.FocalAlpha, _config.FocalGamma);
        return LossTerms.Weighted(terms, progress.LossWeights);
    }
}
