using System.CommandLine;
using CxrVL.Cli.Infrastructure;
using CxrVL.Methods.MedST.Temporal;

namespace CxrVL.Cli.Commands;

/// <summary><c>cxrvl medst temporal-cls</c>: MS-CXR-T temporal image classification with a linear SVM on current + previous embeddings.</summary>
internal sealed class MedstTemporalClsCommand : ICliCommand
{
    private static readonly Option<int[]> Folds = new("--folds")
    {
        Description = "Fold counts of the stratified cross-validation (MedST: 5 and 10).",
        DefaultValueFactory = _ => [5, 10],
        AllowMultipleArgumentsPerToken = true,
    };

    private static readonly Option<int[]> Seeds = new("--seeds")
    {
        Description = "Seeds of the row shuffling (MedST: 42 100 666).",
        DefaultValueFactory = _ => [42, 100, 666],
        AllowMultipleArgumentsPerToken = true,
    };

    private static readonly Option<double> C = new("--c") { Description = "SVM regularisation C (SVC's default 1, as MedST).", DefaultValueFactory = _ => 1.0 };

    public string Parent => "medst";

    public Command Create()
    {
        var command = new Command("temporal-cls",
            "MS-CXR-T temporal image classification: per finding (improving / stable / worsening), k-fold accuracy of SVC(kernel='linear') on the current and previous images' embeddings, mean ± population std over seeds (MedST's protocol). --data is an 'ms-cxr-t' manifest.");
        foreach (var option in new Option[] { EvaluationOptions.Checkpoint, EvaluationOptions.Untrained, EvaluationOptions.Data, EvaluationOptions.Out, EvaluationOptions.SkipBad, Folds, Seeds, C })
            command.Options.Add(option);
        return command.WithAction(Run);
    }

    private static int Run(CommandContext context)
    {
        using var model = context.LoadModel();
        var metrics = TemporalImageClassification.Run(model, context.Get(EvaluationOptions.Data)!, context.Get(Folds)!, context.Get(Seeds)!,
            context.Runtime.Device, context.Get(EvaluationOptions.SkipBad), context.Get(C));
        context.Report(metrics);
        return 0;
    }
}
