namespace CxrVL.Methods.Alignment;

/// <summary>
/// What the word side of MGCA's and MedST's token-wise alignment does with the padded word slots of a report
/// (<c>model.mgca.local_loss_padding</c>).
/// </summary>
public enum LocalLossPadding
{
    /// <summary>CxrVL's default: padded slots are neither queries nor negatives, and take no token weight.</summary>
    Exclude,

    /// <summary>
    /// As MGCA and MedST release it (<c>mgca_module.py</c>, <c>medst_module.py</c>): every word slot, padding included, is a
    /// query row and a negative of the word-to-attended-word cross-entropies in both directions; MGCA's clipped [CLS]
    /// weights are 0 on padding, MedST's learned weights (attention of the slots' mean over every slot) are not. The
    /// patch side masks padded words out of its attention, as both releases do.
    /// </summary>
    IncludeAsReleased,
}
