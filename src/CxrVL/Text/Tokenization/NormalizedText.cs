namespace CxrVL.Text.Tokenization;

/// <summary>
/// Text as code points, each remembering the span of the original string (UTF-16 indices) it came from, so
/// normalisation can change lengths and tokens still report offsets into what the user passed in.
/// </summary>
internal sealed class NormalizedText
{
    private List<int> _codePoints;
    private List<int> _starts;
    private List<int> _ends;

    private NormalizedText(List<int> codePoints, List<int> starts, List<int> ends)
    {
        _codePoints = codePoints;
        _starts = starts;
        _ends = ends;
    }

    public int Count => _codePoints.Count;

    public int this[int index] => _codePoints[index];

    public int StartOf(int index) => _starts[index];

    public int EndOf(int index) => _ends[index];

    public static NormalizedText From(string text)
    {
        var codePoints = new List<int>(text.Length);
        var starts = new List<int>(text.Length);
        var ends = new List<int>(text.Length);
        for (var i = 0; i < text.Length;)
        {
            int cp, width;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                cp = char.ConvertToUtf32(text[i], text[i + 1]);
                width = 2;
            }
            else
            {
                cp = text[i];
                width = 1;
            }
            codePoints.Add(cp);
            starts.Add(i);
            ends.Add(i + width);
            i += width;
        }
        return new NormalizedText(codePoints, starts, ends);
    }

    public NormalizedText Slice(int start, int end) =>
        new(_codePoints.GetRange(start, end - start), _starts.GetRange(start, end - start), _ends.GetRange(start, end - start));

    /// <summary>
    /// Replaces every code point by zero or more code points that keep its original span; nothing is copied when no
    /// code point <paramref name="changes"/> (the common case of plain ASCII report text).
    /// </summary>
    public void Map(Action<int, List<int>> map, Func<int, bool> changes)
    {
        if (!_codePoints.Exists(cp => changes(cp)))
            return;
        var codePoints = new List<int>(_codePoints.Count);
        var starts = new List<int>(_codePoints.Count);
        var ends = new List<int>(_codePoints.Count);
        for (var i = 0; i < _codePoints.Count; i++)
        {
            var before = codePoints.Count;
            map(_codePoints[i], codePoints);
            for (var k = before; k < codePoints.Count; k++)
            {
                starts.Add(_starts[i]);
                ends.Add(_ends[i]);
            }
        }
        (_codePoints, _starts, _ends) = (codePoints, starts, ends);
    }

    public void Filter(Func<int, bool> keep)
    {
        var write = 0;
        for (var i = 0; i < _codePoints.Count; i++)
        {
            if (!keep(_codePoints[i]))
                continue;
            _codePoints[write] = _codePoints[i];
            _starts[write] = _starts[i];
            _ends[write] = _ends[i];
            write++;
        }
        var removed = _codePoints.Count - write;
        _codePoints.RemoveRange(write, removed);
        _starts.RemoveRange(write, removed);
        _ends.RemoveRange(write, removed);
    }

    /// <summary>Stable-sorts each run of combining marks by combining class (the canonical ordering of NFD/NFKD).</summary>
    public void ReorderCombiningMarks(Func<int, int> combiningClass)
    {
        for (var i = 1; i < _codePoints.Count; i++)
        {
            var ccc = combiningClass(_codePoints[i]);
            if (ccc == 0)
                continue;
            for (var j = i; j > 0; j--)
            {
                var previous = combiningClass(_codePoints[j - 1]);
                if (previous == 0 || previous <= ccc)
                    break;
                Swap(_codePoints, j);
                Swap(_starts, j);
                Swap(_ends, j);
            }
        }
    }

    public void Trim(bool left, bool right, Func<int, bool> isWhitespace)
    {
        var end = _codePoints.Count;
        while (right && end > 0 && isWhitespace(_codePoints[end - 1]))
            end--;
        var start = 0;
        while (left && start < end && isWhitespace(_codePoints[start]))
            start++;
        if (start == 0 && end == _codePoints.Count)
            return;
        (_codePoints, _starts, _ends) = (_codePoints.GetRange(start, end - start), _starts.GetRange(start, end - start), _ends.GetRange(start, end - start));
    }

    private static void Swap(List<int> list, int j) => (list[j - 1], list[j]) = (list[j], list[j - 1]);
}
