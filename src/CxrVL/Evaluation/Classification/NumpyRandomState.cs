namespace CxrVL.Evaluation.Classification;

/// <summary>
/// numpy's legacy <c>np.random.RandomState(seed)</c>, as far as shuffling goes: the MT19937 generator seeded by
/// Matsumoto and Nishimura's <c>init_genrand</c>, and <c>permutation(n)</c> (a Fisher-Yates pass from the last
/// element down, each swap partner drawn by rejection from the smallest bit mask covering the bound). pandas'
/// <c>df.sample(frac=1, random_state=seed)</c> orders the rows by exactly this permutation, which is how MedST
/// shuffles MS-CXR-T before its cross-validation; the same seed therefore gives the same order here.
/// </summary>
public sealed class NumpyRandomState
{
    private const int StateLength = 624;
    private const int Shift = 397;
    private readonly uint[] _state = new uint[StateLength];
    private int _position;

    public NumpyRandomState(long seed)
    {
        if (seed is < 0 or > uint.MaxValue)
            throw new CxrVLException($"numpy's RandomState takes a seed between 0 and 2^32 - 1 (got {seed}).");
        var value = (uint)seed;
        for (var i = 0; i < StateLength; i++)
        {
            _state[i] = value;
            value = unchecked(1812433253u * (value ^ (value >> 30)) + (uint)i + 1);
        }
        _position = StateLength;
    }

    /// <summary>The next 32-bit output of MT19937 (numpy's <c>next_uint32</c>).</summary>
    public uint NextUInt32()
    {
        if (_position == StateLength)
            Regenerate();
        var y = _state[_position++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        return y ^ (y >> 18);
    }

    /// <summary><c>RandomState.permutation(n)</c>: a shuffled 0 .. n - 1.</summary>
    public int[] Permutation(int count)
    {
        var order = Enumerable.Range(0, count).ToArray();
        for (var i = count - 1; i > 0; i--)
        {
            var j = (int)Interval((uint)i);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>A uniform draw from 0 .. max (numpy's <c>random_interval</c>): masked outputs above max are rejected.</summary>
    private uint Interval(uint max)
    {
        var mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        uint value;
        while ((value = NextUInt32() & mask) > max)
        {
        }
        return value;
    }

    private void Regenerate()
    {
        for (var i = 0; i < StateLength; i++)
        {
            var y = (_state[i] & 0x80000000u) | (_state[(i + 1) % StateLength] & 0x7fffffffu);
            _state[i] = _state[(i + Shift) % StateLength] ^ (y >> 1) ^ ((y & 1) == 0 ? 0u : 0x9908b0dfu);
        }
        _position = 0;
    }
}
