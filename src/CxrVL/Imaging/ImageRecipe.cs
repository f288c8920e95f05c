using CxrVL.Imaging.Transforms;

namespace CxrVL.Imaging;

/// <summary>
/// A model's image pipeline: how to decode, the train and eval transform steps, the output size
/// (<see cref="Channels"/> x <see cref="Size"/> x <see cref="Size"/>) and the normalisation constants.
/// <see cref="Origin"/> says which code base the recipe reproduces.
/// </summary>
public sealed record ImageRecipe(
    string Name,
    string Origin,
    int Size,
    int Channels,
    ColorMode Decode,
    Normalization Normalization,
    IReadOnlyList<IImageTransform> Train,
    IReadOnlyList<IImageTransform> Eval)
{
    public ImagePipeline Pipeline(bool train) => new(this, train);
}
