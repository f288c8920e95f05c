namespace CxrVL.Imaging;

/// <summary>An axis-aligned box: top-left corner and size (COCO's [x, y, w, h], the manifest's box frame).</summary>
public readonly record struct Box(double X, double Y, double Width, double Height)
{
    public double Area => Width * Height;

    public static Box FromCorners(double x1, double y1, double x2, double y2) => new(x1, y1, x2 - x1, y2 - y1);

    /// <summary>
    /// Intersection over union of this (detected) box with <paramref name="truth"/>, computed as pycocotools does
    /// (no +1 pixel; zero when the boxes only touch). Against a crowd region the union is this box's own area.
    /// </summary>
    public double Iou(Box truth, bool truthIsCrowd = false)
    {
        var w = Math.Min(X + Width, truth.X + truth.Width) - Math.Max(X, truth.X);
        if (w <= 0)
            return 0;
        var h = Math.Min(Y + Height, truth.Y + truth.Height) - Math.Max(Y, truth.Y);
        if (h <= 0)
            return 0;
        var intersection = w * h;
        var union = truthIsCrowd ? Area : Area + truth.Area - intersection;
        return intersection / union;
    }

    /// <summary>Whether this box's centre lies inside <paramref name="other"/> (edges included).</summary>
    public bool CentreInside(Box other)
    {
        var cx = X + Width / 2;
        var cy = Y + Height / 2;
        return other.X <= cx && cx <= other.X + other.Width && other.Y <= cy && cy <= other.Y + other.Height;
    }
}
