using CxrVL.Data.Loading;
using CxrVL.Imaging;
using CxrVL.Tests.Imaging;

namespace CxrVL.Tests.Data.Loading;

public sealed class ImageBatchCollatorTests
{
    [Fact]
    public void Pixels_land_in_their_sample_slot_of_the_tensor()
    {
        var recipe = new ImageRecipe("tiny", "test", 4, 3, ColorMode.Gray, Normalization.None, [], []);
        var samples = Enumerable.Range(0, 3).Select(i =>
        {
            var buffer = new PixelBuffer(3 * 4 * 4);
            for (var j = 0; j < buffer.Length; j++)
                buffer.Span[j] = i * 1000 + j;
            return buffer;
        }).ToList();

        using var batch = new ImageBatchCollator(recipe).Collate(samples, [7, 8, 9]);

        Assert.Equal(new long[] { 3, 3, 4, 4 }, batch.Images.shape);
        // Sample 2, channel 1, row 3, column 2 = offset 1*16 + 3*4 + 2 = 30 in its buffer.
        Assert.Equal(2030f, batch.Images[2, 1, 3, 2].item<float>());
        Assert.Equal(0f, batch.Images[0, 0, 0, 0].item<float>());
        Assert.Equal(1047f, batch.Images[1, 2, 3, 3].item<float>());
        Assert.Equal([7, 8, 9], batch.Rows);
        samples.ForEach(s => s.Dispose());
    }

    [Fact]
    public void Image_files_load_as_batches_and_a_corrupt_file_is_a_bad_row()
    {
        var folder = TestImages.TempFolder();
        var good = Directory.GetFiles(TestImages.CovidFolder).Order(StringComparer.Ordinal).Take(5).ToList();
        var paths = good.Append(TestImages.Truncated(good[0], folder)).Append(Path.Combine(folder, "gone.jpg")).ToList();
        var recipe = ImageRecipes.BuiltIn.Get("mgca");
        var loader = new BatchLoader<PixelBuffer, ImageBatch>(new ImageFileSource(paths, recipe.Pipeline(train: true)),
            new ImageBatchCollator(recipe), new LoaderOptions { BatchSize = 3, SkipBad = true });

        var rows = new List<int>();
        foreach (var batch in loader.ReadEpoch(0))
        {
            using (batch)
            {
                Assert.Equal(new long[] { 3, 224, 224 }, batch.Images.shape[1..]);
                rows.AddRange(batch.Rows);
            }
        }

        Assert.Equal([0, 1, 2, 3, 4], rows.Order());
        Assert.Equal(new Dictionary<string, int> { [BadRowException.CorruptImage] = 1, [BadRowException.MissingImage] = 1 }, loader.Stats.SkippedByKind);
        Assert.Contains(paths[5], loader.Stats.SkippedRows["5"]);
    }
}
