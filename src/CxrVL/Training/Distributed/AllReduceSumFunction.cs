using static TorchSharp.torch;

using CxrVL.Runtime.Distributed;
namespace CxrVL.Training.Distributed;

/// <summary>
/// Sum over ranks with a gradient: forward sums the tensor over all ranks, backward sums the incoming gradient over all
/// ranks too, so each rank's inputs receive the gradient of every rank's loss (SyncBatchNorm's statistics).
/// </summary>
internal sealed class AllReduceSumFunction : autograd.SingleTensorFunction<AllReduceSumFunction>
{
    private const string ContextKey = "context";

    public override string Name => "AllReduceSum";

    public static Tensor Apply(Tensor tensor, IDistributedContext context) => apply(tensor, context);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var context = (IDistributedContext)vars[1];
        ctx.save_data(ContextKey, context);
        var sum = ((Tensor)vars[0]).detach().contiguous().clone();
        context.AllReduceSum(sum);
        return sum;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        var context = (IDistributedContext)ctx.get_data(ContextKey);
        var sum = grad_output.contiguous().clone();
        context.AllReduceSum(sum);
        return [sum, null!];
    }
}
