namespace CxrVL.Text.Tokenization;

/// <summary>
/// One step of a tokenizer's pre-tokeniser: refines word ranges (code-point index ranges into the normalised text)
/// into smaller ones, dropping or isolating characters as Hugging Face's pre-tokenisers do.
/// </summary>
internal interface IPreTokenizer
{
    void Split(NormalizedText text, List<(int Start, int End)> words, List<(int Start, int End)> output);
}
