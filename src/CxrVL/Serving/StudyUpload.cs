using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CxrVL.Serving;

/// <summary>
/// The images of a <c>POST /v1/studies</c>: the files of a multipart form (field <c>images</c>, frontal first), or the
/// whole body as one image (<c>image/png</c>, <c>image/jpeg</c>, <c>application/dicom</c>, <c>application/octet-stream</c>).
/// Images are named by their place in the request, never by the client's file name, which may hold a patient's name.
/// </summary>
internal static class StudyUpload
{
    private static readonly string[] BodyTypes = ["image/png", "image/jpeg", "application/dicom", "application/octet-stream"];

    /// <summary>Describes the two bodies <c>POST /v1/studies</c> reads in its OpenAPI operation (the handler reads the request itself).</summary>
    public static Task DescribeBody(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellation)
    {
        if (operation.OperationId != "studies")
            return Task.CompletedTask;
        var binary = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
        var form = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "images" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["images"] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = binary, Description = "The study's images (DICOM, PNG, JPEG), frontal first." },
            },
        };
        var content = new Dictionary<string, OpenApiMediaType> { ["multipart/form-data"] = new() { Schema = form } };
        foreach (var type in BodyTypes)
            content[type] = new OpenApiMediaType { Schema = binary };
        operation.RequestBody = new OpenApiRequestBody { Required = true, Content = content };
        return Task.CompletedTask;
    }

    public static async Task<IReadOnlyList<StudyImage>> ReadAsync(HttpRequest request, ServingLimits limits)
    {
        var cancellation = request.HttpContext.RequestAborted;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellation);
            var unknown = form.Files.Select(f => f.Name).FirstOrDefault(n => n != "images");
            if (unknown is not null)
                throw new ServingRefusal(StatusCodes.Status400BadRequest, $"form field '{unknown}' is not read: send the study's images in the field 'images'.");
            if (form.Files.Count > limits.MaxImages)
                throw new ServingRefusal(StatusCodes.Status413PayloadTooLarge, $"{form.Files.Count} images; a study takes at most {limits.MaxImages}.");
            var images = new List<StudyImage>();
            foreach (var (file, index) in form.Files.Select((f, i) => (f, i)))
            {
                using var stream = new MemoryStream();
                await file.CopyToAsync(stream, cancellation);
                images.Add(new StudyImage($"images[{index}]", stream.ToArray()));
            }
            return images;
        }
        var contentType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (contentType is null || !BodyTypes.Contains(contentType))
        {
            throw new ServingRefusal(StatusCodes.Status415UnsupportedMediaType,
                $"content type '{request.ContentType ?? "none"}' is not read: send multipart/form-data with the images in the field 'images', or one image as the body ({string.Join(", ", BodyTypes)}).");
        }
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellation);
        return [new StudyImage("body", body.ToArray())];
    }
}
