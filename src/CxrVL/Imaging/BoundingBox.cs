namespace CxrVL.Imaging;

/// <summary>
/// An axis-aligned box in pixel-edge coordinates: pixel (i, j) covers [i, i+1) x [j, j+1), so a box over a whole
/// W x H image is (0, 0, W, H). <see cref="Label"/> is carried through transforms unchanged.
/// </summary>
public readonly record struct BoundingBox(float X0, float Y0, float X1, float Y1, string? Label = null)
{
    public float Width => X1 - X0;

    public float Height => Y1 - Y0;

    public bool IsEmpty => X1 <= X0 || Y1 <= Y0;
}
