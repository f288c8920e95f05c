namespace CxrVL.Export;

/// <summary>What <see cref="OnnxExporter.Export"/> wrote: the graph, its sidecar JSON and the graph's size.</summary>
public sealed record OnnxExportResult(string ModelPath, string SidecarPath, OnnxPart Part, int Nodes, int Initializers, long Parameters);
