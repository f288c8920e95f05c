using CxrVL.Weights.Packages;

namespace CxrVL.Weights;

/// <summary>
/// The initial weights the seeds' papers start from, which the full-size recipes name as files the user brings (none
/// ships with CxrVL, and no network is used at run time): where their authors publish each one.
/// </summary>
public static class SeedWeights
{
    private static readonly (string File, string What, string Where)[] Known =
    [
        ("resnet50-imagenet.pth", "torchvision's ImageNet ResNet-50 (PRIOR, GLoRIA, MGCA and ConVIRT start from it)",
            "torchvision publishes it as ResNet50_Weights.IMAGENET1K_V1 (resnet50-0676ba61.pth; in Python: torchvision.models.resnet50(weights=\"IMAGENET1K_V1\").state_dict())"),
        ("resnet101-imagenet.pth", "torchvision's ImageNet ResNet-101 (XProNet's and R2Gen's visual extractor)",
            "torchvision publishes it as ResNet101_Weights.IMAGENET1K_V1 (resnet101-63fe2227.pth)"),
        ("Bio_ClinicalBERT", "Bio_ClinicalBERT (PRIOR, MGCA, MedST and GLoRIA's text encoder)",
            "its authors publish it on the Hugging Face hub as emilyalsentzer/Bio_ClinicalBERT (a folder with config.json, pytorch_model.bin, vocab.txt)"),
        ("mae_pretrain_vit_base.pth", "MAE's ViT-B/16 encoder (MRM starts from it)",
            "the MAE authors publish it in the facebookresearch/mae README (\"ViT-Base\" pre-trained checkpoint)"),
        ("vit-b16-imagenet.pth", "an ImageNet ViT-B/16 (MGCA's and MedST's ViT variants)",
            "timm publishes it as vit_base_patch16_224 (or torchvision as ViT_B_16_Weights.IMAGENET1K_V1)"),
    ];

    /// <summary>Whether <paramref name="init"/> names one of the seeds' initialisations (by its file name).</summary>
    public static bool IsSeed(string init) =>
        Known.Any(k => k.File.Equals(Path.GetFileName(init.TrimEnd('/', '\\')), StringComparison.OrdinalIgnoreCase));

    /// <summary>The error for an initial-weights path that is not there: names the file, what it is and where its authors publish it.</summary>
    public static CxrVLException Missing(string key, string init)
    {
        var name = Path.GetFileName(init.TrimEnd('/', '\\'));
        var seed = Known.FirstOrDefault(k => k.File.Equals(name, StringComparison.OrdinalIgnoreCase));
        // Only the package weights of this encoder's kind: a text weight is no start for an image encoder.
        var part = key.Contains("text", StringComparison.Ordinal) ? "text" : "image";
        var fitting = PackageWeights.All.Where(w => w.Part == part).Select(w => $"--set {key}={w.Name}").ToList();
        var alternatives = (fitting.Count > 0 ? $"or start from a package weight ({string.Join(", ", fitting)}) " : "") +
                           $"or from random weights (--set {key}=null)";
        return seed.File is null
            ? new CxrVLException($"{key}: '{init}' is neither a file, a folder, nor a package weight ({string.Join(", ", PackageWeights.All.Select(w => w.Name))}); " +
                                 $"give the path of the weights, {alternatives}.")
            : new CxrVLException($"{key}: this recipe starts from {seed.What}, expected at '{init}' (a path relative to the working folder or the data root), " +
                                 $"which does not exist. CxrVL does not ship it: {seed.Where}. Put it there, {alternatives}.");
    }
}
