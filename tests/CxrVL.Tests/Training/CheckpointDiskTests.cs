using CxrVL.Runs;
using CxrVL.Training;
using CxrVL.Training.Checkpoints;
using CxrVL.Training.Optimizers;
using CxrVL.Weights;
using static TorchSharp.torch;

namespace CxrVL.Tests.Training;

/// <summary>
/// Issue 18, item 3: a checkpoint that cannot fit is refused before anything is written, with the size it needs; a
/// write that runs out of space part-way removes its temporary folder, and the checkpoint before it stays readable
/// and unchanged. The disk is injected: free space the test chooses, and a file that fails like a full disk (ENOSPC)
/// after a number of bytes.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class CheckpointDiskTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cxrvl-checkpoint-disk-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private sealed class Model : nn.Module
    {
        private readonly TorchSharp.Modules.Linear first = nn.Linear(64, 128);
        private readonly TorchSharp.Modules.Linear second = nn.Linear(128, 8);

        public Model() : base(nameof(Model)) => RegisterComponents();
    }

    /// <summary>A file on a disk that is full after <paramref name="capacity"/> bytes, failing as Linux does (errno 28).</summary>
    private sealed class FillingStream(Stream inner, long capacity) : Stream
    {
        private long _written;

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_written + buffer.Length > capacity)
                throw new IOException("No space left on device", 28);
            inner.Write(buffer);
            _written += buffer.Length;
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _written;
        public override long Position { get => _written; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }
    }

    private static long FolderBytes(string folder) => Directory.GetFiles(folder).Sum(f => new FileInfo(f).Length);

    [Fact]
    public void ACheckpointThatCannotFitIsRefusedBeforeWritingWithTheSizeItNeeds()
    {
        manual_seed(1);
        using var model = new Model();
        using var optimizer = OptimizerFactory.Create(new OptimizerConfig(), model.named_parameters());
        var state = new TrainerState { Step = 3 };
        // What the checkpoint really takes: write it where there is room and measure the files.
        var written = new CheckpointStore(Path.Combine(_directory, "roomy")).Save("step-000003", model, optimizer, null, state);
        var size = FolderBytes(written);

        var full = Path.Combine(_directory, "full");
        var store = new CheckpointStore(full, _ => size - 1, path => new FileStream(path, FileMode.CreateNew));
        var error = Assert.Throws<CxrVLException>(() => store.Save("step-000003", model, optimizer, null, state));

        Assert.Equal($"checkpoint 'step-000003' needs about {DiskSpace.Format(size)} in '{full}' but only {DiskSpace.Format(size - 1)} are free there: " +
                     "free some space there, or write to another folder.", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(full));
    }

    [Fact]
    public void ADiskFillingUpMidWriteLeavesNoTemporaryFolderAndThePreviousCheckpointIntact()
    {
        manual_seed(2);
        using var model = new Model();
        using var optimizer = OptimizerFactory.Create(new OptimizerConfig(), model.named_parameters());
        var checkpoints = Path.Combine(_directory, "checkpoints");
        var first = new CheckpointStore(checkpoints).Save("step-000001", model, optimizer, null, new TrainerState { Step = 1 });
        var before = Directory.GetFiles(first).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();

        using (no_grad())
        {
            foreach (var parameter in model.parameters())
                parameter.add_(1);
        }
        // The disk fills half-way through the new model file.
        var room = new FileInfo(Path.Combine(first, CheckpointStore.ModelFile)).Length / 2;
        var store = new CheckpointStore(checkpoints, _ => long.MaxValue, path => new FillingStream(new FileStream(path, FileMode.CreateNew), room));
        var error = Assert.Throws<CxrVLException>(() => store.Save("step-000002", model, optimizer, null, new TrainerState { Step = 2 }));

        Assert.StartsWith("writing checkpoint 'step-000002' (the previous checkpoints are intact) failed: No space left on device. It needs about ", error.Message);
        Assert.Equal(["step-000001"], Directory.GetFileSystemEntries(checkpoints).Select(Path.GetFileName));
        Assert.Equal(before, Directory.GetFiles(first).Order(StringComparer.Ordinal).Select(File.ReadAllBytes));
        Assert.Equal(1, CheckpointStore.ReadState(first).Step);
    }

    [Fact]
    public void ATemporaryFolderLeftByAKilledRunIsRemovedAtTheNextSave()
    {
        using var model = new Model();
        var checkpoints = Directory.CreateDirectory(Path.Combine(_directory, "resumed")).FullName;
        // A process id above Linux's largest (pid_max is at most 2^22): no such process can be running.
        var abandoned = Directory.CreateDirectory(Path.Combine(checkpoints, ".step-000005.2000000000.tmp")).FullName;
        File.WriteAllBytes(Path.Combine(abandoned, CheckpointStore.ModelFile), new byte[4096]);

        new CheckpointStore(checkpoints).Save("step-000006", model, null, null, new TrainerState { Step = 6 });

        Assert.Equal(["step-000006"], Directory.GetFileSystemEntries(checkpoints).Select(Path.GetFileName));
    }

    /// <summary>The same guarantee for single files (weights convert, safetensors): the target is untouched and no temporary stays.</summary>
    [Fact]
    public void AFileWriteThatFailsKeepsTheOldFileAndRemovesItsTemporary()
    {
        var target = Path.Combine(_directory, "weights.safetensors");
        File.WriteAllBytes(target, [1, 2, 3]);

        var error = Assert.Throws<CxrVLException>(() => AtomicFile.Write(target, stream =>
        {
            stream.Write(new byte[100]);
            throw new IOException("No space left on device", 28);
        }, needed: 1000));

        Assert.StartsWith($"writing '{target}' failed: No space left on device. It needs about 1000 bytes in '{_directory}'", error.Message);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(target));
        Assert.Equal(["weights.safetensors"], Directory.GetFiles(_directory).Select(Path.GetFileName));
    }

    [Fact]
    public void TheSizeCheckedBeforeWritingWeightsIsTheSizeWritten()
    {
        using var model = new Model();
        using var weights = StateDict.Borrow(model);
        var size = SafeTensors.FileSize(weights);
        var target = Path.Combine(_directory, "m.safetensors");
        SafeTensors.Write(target, weights);
        // The size the writer checks against the free space is the size of the file it writes.
        Assert.Equal(new FileInfo(target).Length, size);
    }
}
