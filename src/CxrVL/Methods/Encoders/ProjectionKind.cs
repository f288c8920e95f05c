namespace CxrVL.Methods.Encoders;

/// <summary>How a dual encoder maps backbone features into the shared embedding space (<c>model.projection.kind</c>).</summary>
public enum ProjectionKind
{
    /// <summary>One linear map without bias (CLIP).</summary>
    Linear,

    /// <summary>Linear - ReLU - Linear (ConVIRT's non-linear head).</summary>
    Mlp,

    /// <summary>Linear - BatchNorm - ReLU - Linear - BatchNorm (MGCA's head, also its ConVIRT baseline's).</summary>
    BatchNorm,
}
