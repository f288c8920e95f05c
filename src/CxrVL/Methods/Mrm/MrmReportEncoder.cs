using CxrVL.Models;
using static TorchSharp.torch;

namespace CxrVL.Methods.Mrm;

/// <summary>MRM's <c>bert_encoder</c>: a masked-LM BERT under <c>model</c>, as in <c>MRM.pth</c> (<c>bert_encoder.model.bert.*</c>, <c>bert_encoder.model.cls.*</c>).</summary>
internal sealed class MrmReportEncoder : nn.Module<BertInput, MaskedLmOutput>
{
    private readonly BertForMaskedLM model;

    public MrmReportEncoder(BertConfig config) : base(nameof(MrmReportEncoder))
    {
        model = new BertForMaskedLM(config);
        RegisterComponents();
    }

    public override MaskedLmOutput forward(BertInput input) => model.forward(input);
}
