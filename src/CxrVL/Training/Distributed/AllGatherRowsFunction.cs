using static TorchSharp.torch;

using CxrVL.Runtime.Distributed;
namespace CxrVL.Training.Distributed;

/// <summary>
/// All-gather with a gradient: forward concatenates every rank's rows; backward sums the gradient of the gathered
/// tensor over all ranks and hands each rank the slice of its own rows. A loss computed on the gathered rows then
/// trains each rank's rows with the gradient every rank's loss gives them, as one process holding the whole batch would.
/// </summary>
internal sealed class AllGatherRowsFunction : autograd.SingleTensorFunction<AllGatherRowsFunction>
{
    private const string ContextKey = "context";
    private const string StartKey = "start";
    private const string CountKey = "count";

    public override string Name => "AllGatherRows";

    public static GatheredRows Apply(Tensor local, IDistributedContext context)
    {
        var rows = new long[2];
        var all = apply(local, context, rows);
        return new GatheredRows(all, rows[0], rows[1]);
    }

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var context = (IDistributedContext)vars[1];
        var gathered = context.AllGather((Tensor)vars[0]);
        // The caller learns where its rows are through the array it passed.
        var rows = (long[])vars[2];
        (rows[0], rows[1]) = (gathered.Start, gathered.Count);
        ctx.save_data(ContextKey, context);
        ctx.save_data(StartKey, gathered.Start);
        ctx.save_data(CountKey, gathered.Count);
        return gathered.All;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        var context = (IDistributedContext)ctx.get_data(ContextKey);
        var (start, count) = ((long)ctx.get_data(StartKey), (long)ctx.get_data(CountKey));
        var sum = grad_output.contiguous().clone();
        context.AllReduceSum(sum);
        return [sum.narrow(0, start, count).clone(), null!, null!];
    }
}
