namespace CxrVL.Tests.Imaging;

/// <summary>Runs reference/transforms_reference.py once for the test class and keeps its output folder.</summary>
public sealed class TorchvisionReference
{
    public TorchvisionReference()
    {
        Folder = TestImages.TempFolder();
        PythonReference.Run(PythonReference.Script("Imaging/reference/transforms_reference.py"), TestImages.Jpeg, TestImages.LargeJpeg, TestImages.Dicom, Folder);
    }

    public string Folder { get; }

    public float[] Read(string name) => TestImages.ReadFloats(Path.Combine(Folder, name + ".f32"));
}
