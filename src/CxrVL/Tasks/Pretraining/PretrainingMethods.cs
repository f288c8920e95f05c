using CxrVL.Configuration;
using CxrVL.Methods.Clip;
using CxrVL.Methods.Encoders;
using CxrVL.Methods.Gloria;
using CxrVL.Methods.MedST;
using CxrVL.Methods.Mgca;
using CxrVL.Methods.Prior;
using CxrVL.Methods.Mrm;
using CxrVL.Models;

namespace CxrVL.Tasks.Pretraining;

/// <summary>The pretraining methods by name: adding a method is one folder under Methods/ and one line here.</summary>
public static class PretrainingMethods
{
    private static readonly IReadOnlyDictionary<string, Func<AlignmentConfig, BertConfig, IPretrainingMethod>> Factories =
        new Dictionary<string, Func<AlignmentConfig, BertConfig, IPretrainingMethod>>(StringComparer.OrdinalIgnoreCase)
        {
            ["clip"] = (model, text) => new ClipMethod(model, text),
            ["gloria"] = (model, text) => new GloriaMethod(model, text),
            ["mgca"] = (model, text) => new MgcaMethod(model, text),
            ["medst"] = (model, text) => new MedstMethod(model, text),
            ["prior"] = (model, text) => new PriorMethod(model, text),
            ["mrm"] = (model, text) => new MrmMethod(model, text),
        };

    public static IEnumerable<string> Names => Factories.Keys.Order(StringComparer.Ordinal);

    public static IPretrainingMethod Create(string name, AlignmentConfig model, BertConfig text) =>
        Factories.TryGetValue(name, out var factory)
            ? factory(model, text)
            : throw new CxrVLException($"unknown pretraining method '{name}'." +
                                       (NameSuggester.Closest(name, Factories.Keys) is { } hint ? $" Did you mean '{hint}'?" : "") +
                                       $" Known: {string.Join(", ", Names)}.");
}
