using TorchSharp;
using static TorchSharp.torch;

namespace CxrVL.Models;

/// <summary>Position-embedding tables for 2-D token grids: MAE's fixed sin-cos table and timm-style resampling.</summary>
public static class PositionEmbeddings
{
    /// <summary>
    /// MAE's <c>get_2d_sincos_pos_embed</c> for a <paramref name="gridSize"/>² grid in row-major order: the first
    /// half of the channels encodes the column (x) index, the second half the row (y) index, each as
    /// [sin | cos] of position x 1/10000^(2i/d). With <paramref name="prefixTokens"/> zero rows in front (cls).
    /// Returns [1, prefix + grid², dim].
    /// </summary>
    public static Tensor SinCos2d(int dim, int gridSize, int prefixTokens)
    {
        if (dim % 4 != 0)
            throw new CxrVLException($"a 2-D sin-cos position embedding needs a width divisible by 4 (got {dim}).");
        using var scope = NewDisposeScope();
        var positions = arange(gridSize, dtype: ScalarType.Float64);
        var x = positions.repeat(gridSize);
        var y = positions.repeat_interleave(gridSize);
        var table = cat([SinCos1d(dim / 2, x), SinCos1d(dim / 2, y)], 1);
        table = cat([zeros(prefixTokens, dim, dtype: ScalarType.Float64), table], 0);
        return table.to_type(ScalarType.Float32).unsqueeze(0).MoveToOuterDisposeScope();
    }

    private static Tensor SinCos1d(int dim, Tensor positions)
    {
        var omega = arange(dim / 2, dtype: ScalarType.Float64) / (dim / 2.0);
        omega = 1.0 / pow(10000.0, omega);
        var angles = outer(positions, omega);
        return cat([angles.sin(), angles.cos()], 1);
    }

    /// <summary>
    /// Resizes the grid part of a [1, prefix + h·w, dim] table to <paramref name="newHeight"/> x
    /// <paramref name="newWidth"/> with bicubic interpolation (as timm's <c>resample_abs_pos_embed</c>), keeping the
    /// prefix (cls) rows. The old grid is assumed square.
    /// </summary>
    public static Tensor Resample(Tensor table, int prefixTokens, int newHeight, int newWidth)
    {
        var tokens = table.shape[1] - prefixTokens;
        var side = (int)Math.Round(Math.Sqrt(tokens));
        if (side * side != tokens)
            throw new CxrVLException($"position embedding has {tokens} grid tokens, not a square grid; cannot resample it.");
        if (side == newHeight && side == newWidth)
            return table.alias();
        using var scope = NewDisposeScope();
        var dim = table.shape[2];
        var prefix = table[.., ..prefixTokens];
        var grid = table[.., prefixTokens..].reshape(1, side, side, dim).permute(0, 3, 1, 2).to_type(ScalarType.Float32);
        grid = nn.functional.interpolate(grid, [newHeight, newWidth], mode: InterpolationMode.Bicubic, align_corners: false);
        grid = grid.permute(0, 2, 3, 1).reshape(1, newHeight * newWidth, dim).to_type(table.dtype);
        return cat([prefix, grid], 1).MoveToOuterDisposeScope();
    }
}
