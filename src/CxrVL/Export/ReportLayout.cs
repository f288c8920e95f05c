using CxrVL.Methods.R2Gen;
using CxrVL.Methods.XProNet;
using CxrVL.Tasks.ReportGeneration;

namespace CxrVL.Export;

/// <summary>
/// What the report graphs need of a report-generation recipe: the transformer's shape, XProNet's prototypes (classes,
/// prototypes per class, how many each query keeps) or R2Gen's relational memory (slots, heads).
/// </summary>
internal sealed record ReportLayout(string Method, bool Prototypes, int Heads, int DModel, int Layers, int Classes, int PerClass, int Topk,
                                    int MemorySlots, int MemoryHeads)
{
    /// <summary>Prototypes a query attends to: its <c>topk</c> best, or all of them when there are fewer.</summary>
    public long KeptPrototypes => Math.Min(Topk, Classes * PerClass);

    public static ReportLayout Of(RrgConfig config)
    {
        return config.Model switch
        {
            XProNetConfig model => new("xpronet", true, model.NumHeads, model.DModel, model.NumLayers, model.NumClasses, model.NumPrototypes, model.Topk, 0, 0),
            R2GenConfig model => new("r2gen", false, model.NumHeads, model.DModel, model.NumLayers, 0, 0, 0, model.RmNumSlots, model.RmNumHeads),
            _ => throw new CxrVLException($"ONNX export of report generators covers xpronet and r2gen; '{config.Method}' is not exported."),
        };
    }
}
