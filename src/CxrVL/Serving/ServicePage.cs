namespace CxrVL.Serving;

/// <summary>One file of the web page: its route, media type and bytes.</summary>
internal sealed record PageAsset(string Route, string ContentType, byte[] Content);

/// <summary>
/// The web page at <c>/</c> (plain HTML, CSS and JavaScript: no CDN, no build step), read from the assembly's embedded
/// resources once, so serving it never touches the file system.
/// </summary>
internal static class ServicePage
{
    public static IReadOnlyList<PageAsset> Assets { get; } =
    [
        new("/", "text/html; charset=utf-8", Read("index.html")),
        new("/app.js", "text/javascript; charset=utf-8", Read("app.js")),
        new("/style.css", "text/css; charset=utf-8", Read("style.css")),
    ];

    private static byte[] Read(string name)
    {
        using var stream = typeof(ServicePage).Assembly.GetManifestResourceStream($"CxrVL.Serving.Page.{name}")
            ?? throw new InvalidOperationException($"the assembly lacks its embedded page file '{name}'.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
