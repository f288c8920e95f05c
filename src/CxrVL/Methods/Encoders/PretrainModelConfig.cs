using CxrVL.Configuration;
using YamlDotNet.Serialization;

namespace CxrVL.Methods.Encoders;

/// <summary>
/// The <c>model:</c> section of a pretraining recipe. Each method owns a subclass beside its model (for example
/// <c>ClipModelConfig</c> in <c>Methods/Clip</c>) that declares only the keys the method reads, so a key it would ignore
/// is an error naming the key and the method, not a value recorded in config.yaml and never used. The two encoders
/// are the shared pieces every method has.
/// </summary>
public abstract class PretrainModelConfig : IOwnedConfigSection
{
    public ImageEncoderConfig Image { get; set; } = new();

    public TextEncoderConfig Text { get; set; } = new();

    /// <summary>The method this section configures, as recipes name it (<c>method: clip</c>).</summary>
    [YamlIgnore]
    public abstract string Method { get; }

    string IOwnedConfigSection.Owner => $"method {Method}";
}
