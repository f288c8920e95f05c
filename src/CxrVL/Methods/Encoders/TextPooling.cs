namespace CxrVL.Methods.Encoders;

/// <summary>How a text encoder turns its token states into the report's global feature (<c>model.text.pooling</c>).</summary>
public enum TextPooling
{
    /// <summary>The [CLS] token's state (BERT's, and the seeds').</summary>
    Cls,

    /// <summary>The mean of the tokens' states under the attention mask: what sentence-transformers (MiniLM-L6) were trained to give.</summary>
    Mean,
}
