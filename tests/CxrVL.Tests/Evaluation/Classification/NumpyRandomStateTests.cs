using System.Text.Json;
using CxrVL.Evaluation.Classification;

namespace CxrVL.Tests.Evaluation.Classification;

/// <summary>NumpyRandomState against the MT19937 reference output and against pandas' df.sample(frac=1, random_state=seed).</summary>
public sealed class NumpyRandomStateTests
{
    [Fact]
    public void Mt19937SeededWith5489GivesTheReferenceSequence()
    {
        // The first outputs of Matsumoto and Nishimura's mt19937ar.c after init_genrand(5489), the C++11 std::mt19937 default.
        var random = new NumpyRandomState(5489);
        Assert.Equal([3499211612u, 581869302u, 3890346734u, 3586334585u, 545404204u], Enumerable.Range(0, 5).Select(_ => random.NextUInt32()));
    }

    [Fact]
    public void PermutationsOrderRowsAsPandasSampleDoes()
    {
        (int Seed, int Rows)[] cases = [(42, 1), (42, 2), (100, 3), (666, 17), (0, 1000), (42, 1326), (100, 1326), (666, 1326), (4294967, 70000)];

        var output = PythonReference.Run(PythonReference.Script("Evaluation/reference/pandas_sample.py"), [.. cases.Select(c => $"{c.Seed}:{c.Rows}")]);
        var expected = JsonSerializer.Deserialize<int[][]>(output)!;

        for (var i = 0; i < cases.Length; i++)
            Assert.Equal(expected[i], new NumpyRandomState(cases[i].Seed).Permutation(cases[i].Rows));
    }

    [Fact]
    public void ASeedOutsideNumpysRangeIsAnError() =>
        Assert.Throws<CxrVLException>(() => new NumpyRandomState(-1));
}
