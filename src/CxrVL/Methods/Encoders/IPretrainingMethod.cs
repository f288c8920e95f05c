using CxrVL.Text;
using CxrVL.Training;
using CxrVL.Weights;

namespace CxrVL.Methods.Encoders;

/// <summary>An image-report method: trainable by the shared trainer and usable for embedding, zero-shot and retrieval.</summary>
public interface IPretrainingMethod : ITrainingMethod<AlignmentBatch>, IAlignmentModel
{
    /// <summary>
    /// Studies per temporal sequence when the method trains on a patient's studies in order (MedST: 4): batches are then
    /// built from whole sequences. 0: independent pairs.
    /// </summary>
    int SequenceLength => 0;

    /// <summary>Loads <c>--init</c> weights: strictly by name unless the method knows a reference layout to map.</summary>
    LoadReport Initialise(StateDict weights, string source) => StateDictLoader.Load(Model, weights, source: source);

    /// <summary>Module path of the image backbone (torchvision or timm names below it) that <c>model.image.init</c> fills.</summary>
    string ImageBackbone => "image_encoder.backbone";

    /// <summary>Module path of the BERT (Hugging Face names below it) that <c>model.text.init</c> fills; null when the method has none.</summary>
    string? TextBackbone => "text_encoder.bert";

    /// <summary>The method's own report encoding, or null for the plain fixed-length tokenisation with word ids.</summary>
    IReportBatcher? ReportBatcher(ITextTokenizer tokenizer, int maxLength) => null;
}
