namespace CxrVL.Models;

/// <summary>Which view expert a single-view image goes through in a ViT with lateral experts.</summary>
public enum ImageView
{
    Frontal,
    Lateral,
}
