using System.Diagnostics;
using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CxrVL.Serving;

/// <summary>
/// The HTTP face of a <see cref="StudyAnalyzer"/> on Kestrel: <c>POST /v1/studies</c>, <c>GET /v1/health</c>,
/// <c>GET /v1/model</c>, the OpenAPI description at <c>/openapi/v1.json</c> and the web page at <c>/</c>. Studies pass a
/// <see cref="RequestGate"/> (503 with Retry-After when it is full); every refusal is a 4xx with one message
/// (<c>{"error": ...}</c>). Only fixed routes exist and the page comes from the assembly, so no request path reaches
/// the file system. Logs are JSON lines of method, route, status, time and image sizes: no file names, no DICOM tags.
/// </summary>
public static class StudyService
{
    public static WebApplication Create(StudyAnalyzer analyzer, ServeOptions options, ILoggerProvider? logs = null)
    {
        var apiKey = ApiKey.Load(options);
        var address = options.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
            : IPAddress.TryParse(options.Host, out var parsed) ? parsed
            : throw new CxrVLException($"--host '{options.Host}' is not an IP address (use 127.0.0.1, ::1, 0.0.0.0 or an address of this machine).");
        var limits = options.Limits;

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBytes;
            kestrel.Listen(address, options.Port);
        });
        builder.Logging.ClearProviders();
        if (logs is not null)
            builder.Logging.AddProvider(logs);
        else
            builder.Logging.AddJsonConsole();
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
            // Messages quote names with ' and curl users read them as they are.
            json.SerializerOptions.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        });
        builder.Services.AddOpenApi(openApi => openApi.AddOperationTransformer(StudyUpload.DescribeBody));
        builder.Services.AddSingleton(new RequestGate(limits.MaxConcurrent, limits.QueueLength));

        var app = builder.Build();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CxrVL.Serving");
        var gate = app.Services.GetRequiredService<RequestGate>();
        var started = Stopwatch.StartNew();

        app.Use(async (context, next) =>
        {
            var clock = Stopwatch.StartNew();
            try
            {
                if (apiKey is not null && context.Request.Path.StartsWithSegments("/v1") && !context.Request.Path.StartsWithSegments("/v1/health")
                    && !apiKey.Matches(context.Request.Headers[ApiKey.Header].FirstOrDefault()))
                {
                    await Refuse(context, StatusCodes.Status401Unauthorized, $"missing or wrong API key: send it in the {ApiKey.Header} header.");
                    return;
                }
                await next(context);
                // Refusals the framework makes itself (no route, a query value that does not parse) get a message too.
                if (context.Response.StatusCode >= 400 && !context.Response.HasStarted)
                    await Refuse(context, context.Response.StatusCode, FrameworkRefusal(context));
            }
            catch (ServingRefusal refusal)
            {
                await Refuse(context, refusal.Status, refusal.Message);
            }
            catch (BadHttpRequestException bad)
            {
                await Refuse(context, bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? $"the request body is larger than the service takes ({limits.MaxRequestBytes:N0} bytes)."
                    : $"malformed request: {bad.Message}");
            }
            catch (InvalidDataException bad)
            {
                await Refuse(context, StatusCodes.Status400BadRequest, $"malformed multipart form: {bad.Message}");
            }
            finally
            {
                log.LogInformation("request {Method} {Path} {Status} {ElapsedMs:F1} ms", context.Request.Method, context.Request.Path.Value,
                                   context.Response.StatusCode, clock.Elapsed.TotalMilliseconds);
            }
        });

        app.MapOpenApi("/openapi/{documentName}.json");
        foreach (var asset in ServicePage.Assets)
            app.MapGet(asset.Route, () => Results.Bytes(asset.Content, asset.ContentType)).ExcludeFromDescription();

        app.MapGet("/v1/health", () => Results.Ok(new HealthStatus("ok", Math.Round(started.Elapsed.TotalSeconds, 1), gate.InFlight, gate.Waiting)))
            .WithName("health").WithSummary("Liveness: the service answers, with the studies in flight and waiting.");
        app.MapGet("/v1/model", () => Results.Ok(analyzer.Describe()))
            .WithName("model").WithSummary("What is loaded: method, engine, labels, report model, limits and provenance.");
        app.MapPost("/v1/studies", async (HttpContext context, bool? embedding, bool? saliency, int? nearest, bool? report) =>
            {
                using var slot = await gate.TryEnterAsync(context.RequestAborted);
                if (slot is null)
                {
                    context.Response.Headers.RetryAfter = limits.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    return Results.Json(new ServiceError($"busy: {limits.MaxConcurrent} studies in progress and {limits.QueueLength} waiting; retry after {limits.RetryAfterSeconds} s."),
                                        statusCode: StatusCodes.Status503ServiceUnavailable);
                }
                var images = await StudyUpload.ReadAsync(context.Request, limits);
                var request = new StudyRequest { Embedding = embedding ?? false, Saliency = saliency ?? false, Nearest = nearest ?? 0, Report = report ?? true };
                var analysis = analyzer.Analyze(images, request);
                log.LogInformation("study {Images} images {Sizes} scored in {TotalMs:F1} ms", analysis.Images.Count,
                                   string.Join(' ', analysis.Images.Select(i => $"{i.Format}:{i.Width}x{i.Height}")), analysis.Timings.TotalMs);
                return Results.Ok(analysis);
            })
            .WithName("studies")
            .WithSummary("Scores a study: multipart/form-data with the images in the field 'images' (frontal first), or one image as the body.")
            .Produces<StudyAnalysis>()
            .Produces<ServiceError>(StatusCodes.Status400BadRequest)
            .Produces<ServiceError>(StatusCodes.Status413PayloadTooLarge)
            .Produces<ServiceError>(StatusCodes.Status415UnsupportedMediaType)
            .Produces<ServiceError>(StatusCodes.Status422UnprocessableEntity)
            .Produces<ServiceError>(StatusCodes.Status503ServiceUnavailable)
            .DisableAntiforgery();
        return app;
    }

    private static string FrameworkRefusal(HttpContext context) => context.Response.StatusCode switch
    {
        StatusCodes.Status404NotFound => $"no such route: {context.Request.Method} {context.Request.Path} (the API is /v1/studies, /v1/health, /v1/model; the page is /).",
        StatusCodes.Status405MethodNotAllowed => $"{context.Request.Method} is not allowed on {context.Request.Path}.",
        StatusCodes.Status400BadRequest => "malformed request: a query value could not be read (embedding, saliency and report take true or false; nearest a whole number).",
        var status => $"request refused ({status}).",
    };

    private static Task Refuse(HttpContext context, int status, string message)
    {
        if (context.Response.HasStarted)
            return Task.CompletedTask;
        context.Response.Clear();
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ServiceError(message), ServiceJson.Options);
    }
}

/// <summary>The body of every refusal: one message naming the field and what is wrong.</summary>
public sealed record ServiceError(string Error);

/// <summary>The answer to <c>GET /v1/health</c>.</summary>
public sealed record HealthStatus(string Status, double UptimeSeconds, int InFlight, int Waiting);

/// <summary>The JSON conventions of the service's bodies (snake_case names).</summary>
internal static class ServiceJson
{
    public static JsonSerializerOptions Options { get; } = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
