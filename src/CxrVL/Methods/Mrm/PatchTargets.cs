using static TorchSharp.torch;

namespace CxrVL.Methods.Mrm;

/// <summary>
/// MAE's <c>patchify</c>/<c>unpatchify</c>: images [N, C, H, W] to rows of p x p x C pixels [N, (H/p)(W/p), p·p·C]
/// (row-major patches; pixels row, column, channel within a patch) and back, and the per-patch normalisation of
/// <c>norm_pix_loss</c>.
/// </summary>
public static class PatchTargets
{
    public static Tensor Patchify(Tensor images, int patch)
    {
        var (n, channels, height, width) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3]);
        if (height % patch != 0 || width % patch != 0)
            throw new CxrVLException($"images of {height} x {width} do not split into {patch} x {patch} patches.");
        var (rows, columns) = (height / patch, width / patch);
        return images.reshape(n, channels, rows, patch, columns, patch)
            .permute(0, 2, 4, 3, 5, 1)
            .reshape(n, rows * columns, patch * patch * channels);
    }

    /// <summary>The inverse of <see cref="Patchify"/> for a square grid.</summary>
    public static Tensor Unpatchify(Tensor patches, int patch, int channels = 3)
    {
        var (n, count) = (patches.shape[0], patches.shape[1]);
        var side = (long)Math.Round(Math.Sqrt(count));
        if (side * side != count || patches.shape[2] != (long)patch * patch * channels)
            throw new CxrVLException($"[{string.Join(", ", patches.shape)}] is not a square grid of {patch} x {patch} x {channels} patches.");
        return patches.reshape(n, side, side, patch, patch, channels)
            .permute(0, 5, 1, 3, 2, 4)
            .reshape(n, channels, side * patch, side * patch);
    }

    /// <summary>Each patch minus its mean over its pixels, divided by sqrt(unbiased variance + 1e-6), as MAE does.</summary>
    public static (Tensor Normalised, Tensor Mean, Tensor Std) Normalise(Tensor patches)
    {
        using var scope = NewDisposeScope();
        var mean = patches.mean([-1], keepdim: true);
        var std = (patches.var(-1, unbiased: true, keepdim: true) + 1e-6).sqrt();
        return (((patches - mean) / std).MoveToOuterDisposeScope(), mean.MoveToOuterDisposeScope(), std.MoveToOuterDisposeScope());
    }
}
