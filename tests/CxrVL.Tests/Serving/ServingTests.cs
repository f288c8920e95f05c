using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CxrVL.Configuration;
using CxrVL.Serving;
using CxrVL.Tasks.ReportGeneration;
using CxrVL.Tests.Cli;
using CxrVL.Tests.Imaging;
using Microsoft.Playwright;
using OpenCvSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace CxrVL.Tests.Serving;

/// <summary>
/// <c>cxrvl serve</c> on loopback, driven over HTTP with real images and the shared SIIM DICOM: each endpoint's JSON,
/// zero-shot scores equal to <c>cxrvl zeroshot</c>'s on the same files (torch engine to 1e-5, ONNX engine to 1e-4),
/// the report equal to <c>cxrvl generate</c>'s, and every bad input a 4xx with one message, the service healthy after it.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class ServingTests(ServingFixture fixture, ITestOutputHelper output) : IClassFixture<ServingFixture>
{
    [Fact]
    public async Task ScoresEqualCxrvlZeroshotOnEveryUploadAndTheSchemaHolds()
    {
        foreach (var (studyId, path) in fixture.Uploads)
        {
            using var response = await Post(fixture.Torch, path, "?embedding=true&nearest=3");
            var body = await Json(response);
            Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
            var scores = body.GetProperty("scores").EnumerateArray().ToList();
            Assert.Equal(fixture.Classes, scores.Select(s => s.GetProperty("label").GetString()));
            var difference = scores.Select((s, c) => Math.Abs(s.GetProperty("score").GetDouble() - fixture.ReferenceScores[studyId][c])).Max();
            output.WriteLine($"{studyId}: max |service - cxrvl zeroshot| = {difference:E2}");
            Assert.True(difference <= 1e-5, $"{studyId}: scores differ from cxrvl zeroshot by {difference}");

            var embedding = body.GetProperty("embedding").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Assert.Equal(32, embedding.Length);
            Assert.Equal(1.0, Math.Sqrt(embedding.Sum(v => v * v)), 5);
            var nearest = body.GetProperty("nearest_reports").EnumerateArray().ToList();
            Assert.Equal(3, nearest.Count);
            var similarities = nearest.Select(n => n.GetProperty("similarity").GetDouble()).ToList();
            Assert.Equal(similarities.OrderDescending(), similarities);
            Assert.All(nearest, n => Assert.False(string.IsNullOrWhiteSpace(n.GetProperty("text").GetString())));
            Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("report").GetString()));
            var provenance = body.GetProperty("provenance");
            Assert.Equal(Sha256(Path.Combine(fixture.Run, "checkpoints", "best", "model.safetensors")), provenance.GetProperty("checkpoint_sha256").GetString());
            Assert.Equal("clip", provenance.GetProperty("method").GetString());
            Assert.Equal("torch", provenance.GetProperty("engine").GetString());
            var timings = body.GetProperty("timings");
            Assert.True(timings.GetProperty("total_ms").GetDouble() >= timings.GetProperty("embed_ms").GetDouble());
        }
    }

    [Fact]
    public async Task TheSiimDicomIsReadAtItsOwnSizeAndItsPatientTagsAreNeverLogged()
    {
        using var response = await Post(fixture.Torch, TestImages.Dicom, "");
        var body = await Json(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var image = body.GetProperty("images")[0];
        // pydicom's reading of the same file is the reference for its size and its patient tags.
        var tags = PythonReference.RunCode(
            "import pydicom,sys; d=pydicom.dcmread(sys.argv[1]); print(d.Rows, d.Columns, d.PatientName, d.PatientID)", TestImages.Dicom).Split(' ');
        Assert.Equal("dicom", image.GetProperty("format").GetString());
        Assert.Equal(int.Parse(tags[0]), image.GetProperty("height").GetInt32());
        Assert.Equal(int.Parse(tags[1]), image.GetProperty("width").GetInt32());

        using var synthetic = await Post(fixture.Torch, fixture.Uploads["monochrome1-16bit"], "");
        Assert.Equal(HttpStatusCode.OK, synthetic.StatusCode);
        var logged = string.Join('\n', fixture.Torch.Logs.Lines);
        Assert.Contains("/v1/studies", logged);
        foreach (var secret in new[] { tags[2].Trim(), tags[3].Trim(), ServingFixture.PatientName, "Doe" })
            Assert.DoesNotContain(secret, logged);
    }

    [Fact]
    public async Task MonochromeOneSixteenBitDicomScoresAsTheSamePixelsInA16BitPng()
    {
        var dicom = await Scores(fixture.Torch, fixture.Uploads["monochrome1-16bit"]);
        var png = await Scores(fixture.Torch, fixture.Uploads["png-16bit"]);
        var difference = dicom.Zip(png, (a, b) => Math.Abs(a - b)).Max();
        output.WriteLine($"MONOCHROME1 16-bit DICOM vs 16-bit PNG: max |diff| = {difference:E2}");
        Assert.True(difference <= 1e-6, $"differ by {difference}");
    }

    [Fact]
    public async Task TheOnnxEngineScoresAndWritesReportsAsTheTorchEngine()
    {
        using var generator = ReportGenerator.Load(fixture.RrgRun, CPU);
        foreach (var (studyId, path) in fixture.Uploads)
        {
            using var response = await Post(fixture.Onnx, path, "");
            var body = await Json(response);
            Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
            var onnx = body.GetProperty("scores").EnumerateArray().Select(s => s.GetProperty("score").GetDouble()).ToArray();
            var difference = onnx.Zip(fixture.ReferenceScores[studyId], (a, b) => Math.Abs(a - b)).Max();
            var report = body.GetProperty("report").GetString();
            output.WriteLine($"{studyId}: max |onnx engine - cxrvl zeroshot| = {difference:E2}; report \"{report}\"");
            Assert.True(difference <= 1e-4, $"{studyId}: differ by {difference}");
            // The report decoded through the exported graphs is the TorchSharp model's, word for word.
            Assert.Equal(generator.GenerateFromFiles([path]), report);
        }
        var model = await Json(await fixture.Onnx.Client.GetAsync("/v1/model"));
        Assert.Equal("onnx", model.GetProperty("engine").GetString());
        Assert.Equal("r2gen", model.GetProperty("report_model").GetString());
        Assert.False(model.GetProperty("saliency").GetBoolean());
        using var saliency = await Post(fixture.Onnx, TestImages.Jpeg, "?saliency=true");
        Assert.Equal(HttpStatusCode.BadRequest, saliency.StatusCode);
        Assert.Contains("saliency maps need the torch engine", (await Json(saliency)).GetProperty("error").GetString());
    }

    [Theory]
    [InlineData(ServingEngine.Torch)]
    [InlineData(ServingEngine.Onnx)]
    public void ConcurrentStudiesAreEncodedInOneBatchAndScoreAsSingleOnes(ServingEngine engine)
    {
        var options = new ServeOptions
        {
            Checkpoint = fixture.Run,
            Engine = engine,
            ClassesRecipe = RecipeLocator.Resolve("zeroshot/covid-finding"),
            // A long wait, so studies decoded one after another on a busy machine still meet in a batch.
            Limits = new ServingLimits { MaxConcurrent = 8, MaxBatch = 8, BatchWaitMilliseconds = 500 },
        };
        using var analyzer = StudyAnalyzer.Load(options, CPU);
        var uploads = fixture.Uploads.ToList();
        double[] Scores(string path) =>
            analyzer.Analyze([new StudyImage("images[0]", File.ReadAllBytes(path))], new StudyRequest { Report = false }).Scores.Select(s => s.Score).ToArray();
        var single = uploads.Select(upload => Scores(upload.Value)).ToList();
        Assert.Equal(1, analyzer.Batching!.LargestBatch);

        var together = new double[uploads.Count][];
        var threads = uploads.Select((upload, i) => new Thread(() => together[i] = Scores(upload.Value))).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());

        var batching = analyzer.Batching!;
        var difference = single.Zip(together, (a, b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max()).Max();
        output.WriteLine($"{engine}: {uploads.Count} concurrent studies in {batching.Batches - uploads.Count} forward passes (largest {batching.LargestBatch} images); " +
                         $"max |batched - single| {difference:E2}");
        Assert.InRange(batching.LargestBatch, 2, uploads.Count);
        Assert.True(difference <= 1e-5, $"batched scores differ from single ones by {difference}");
        if (engine == ServingEngine.Torch)
        {
            foreach (var (upload, i) in uploads.Select((upload, i) => (upload, i)))
                Assert.True(together[i].Zip(fixture.ReferenceScores[upload.Key], (a, b) => Math.Abs(a - b)).Max() <= 1e-5, upload.Key);
        }
    }

    [Fact]
    public async Task TheReportIsCxrvlGeneratesAndSaliencyMapsArePngsOfTheModelsInput()
    {
        using var response = await Post(fixture.Torch, TestImages.Jpeg, "?saliency=true");
        var body = await Json(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using (var generator = ReportGenerator.Load(fixture.RrgRun, CPU))
            Assert.Equal(generator.GenerateFromFiles([TestImages.Jpeg]), body.GetProperty("report").GetString());
        var maps = body.GetProperty("saliency").EnumerateArray().ToList();
        Assert.Equal(fixture.Classes, maps.Select(m => m.GetProperty("label").GetString()));
        foreach (var map in maps)
        {
            using var png = Cv2.ImDecode(Convert.FromBase64String(map.GetProperty("png_base64").GetString()!), ImreadModes.Color);
            Assert.Equal((128, 128), (png.Rows, png.Cols));
        }
    }

    [Fact]
    public async Task HealthModelAndOpenApiDescribeTheService()
    {
        var health = await Json(await fixture.Torch.Client.GetAsync("/v1/health"));
        Assert.Equal("ok", health.GetProperty("status").GetString());
        var model = await Json(await fixture.Torch.Client.GetAsync("/v1/model"));
        Assert.Equal(fixture.Classes, model.GetProperty("labels").EnumerateArray().Select(l => l.GetProperty("label").GetString()));
        Assert.Equal(3, model.GetProperty("labels")[0].GetProperty("prompts").GetInt32());
        Assert.Equal("r2gen", model.GetProperty("report_model").GetString());
        Assert.True(model.GetProperty("indexed_reports").GetInt32() > 100);
        Assert.Equal(128, model.GetProperty("image_size").GetInt32());
        var openApi = await Json(await fixture.Torch.Client.GetAsync("/openapi/v1.json"));
        var paths = openApi.GetProperty("paths");
        foreach (var path in new[] { "/v1/studies", "/v1/health", "/v1/model" })
            Assert.True(paths.TryGetProperty(path, out _), $"OpenAPI lacks {path}");
        var body = paths.GetProperty("/v1/studies").GetProperty("post").GetProperty("requestBody").GetProperty("content");
        Assert.True(body.TryGetProperty("multipart/form-data", out _));
        Assert.True(body.TryGetProperty("application/dicom", out _));
        var page = await fixture.Torch.Client.GetStringAsync("/");
        Assert.Contains("<script src=\"/app.js\">", page);
        Assert.DoesNotContain("http", (await fixture.Torch.Client.GetStringAsync("/app.js")).Replace("http://", "").Replace("https://", ""));
    }

    public static TheoryData<string, string> BadInputs() => new()
    {
        { "empty", "file is empty" },
        { "text", "not a JPEG, PNG or DICOM file" },
        { "truncated-jpeg", "truncated" },
        { "truncated-dicom", "truncated or corrupt" },
        { "dicom-without-pixels", "no pixel data" },
        { "big-endian-dicom", "1.2.840.10008.1.2.2" },
        { "multi-frame-dicom", "multi-frame DICOM (2 frames)" },
        { "png-bomb", "header claims 60000x60000 pixels" },
        { "jpeg-lossless-dicom", "cannot be decoded here" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task ABadUploadIsA4xxWithOneMessageAndTheServiceStaysHealthy(string kind, string message)
    {
        var data = BadUpload(kind);
        using var content = new MultipartFormDataContent { { new ByteArrayContent(data), "images", "Doe_Jane.dcm" } };
        using var response = await fixture.Torch.Client.PostAsync("/v1/studies", content);
        var body = await Json(response);
        output.WriteLine($"{kind}: {(int)response.StatusCode} {body}");
        Assert.InRange((int)response.StatusCode, 400, 499);
        var error = body.GetProperty("error").GetString()!;
        Assert.Contains(message, error);
        Assert.Contains("images[0]", error);
        Assert.DoesNotContain("Doe_Jane", error);
        await AssertHealthy();
    }

    [Fact]
    public async Task RequestsOfTheWrongShapeAreRefusedByName()
    {
        var cases = new List<(HttpContent Content, string Query, HttpStatusCode Status, string Message)>
        {
            (new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), "", HttpStatusCode.UnsupportedMediaType, "content type 'application/json"),
            (Form(("scan", File.ReadAllBytes(TestImages.Jpeg))), "", HttpStatusCode.BadRequest, "form field 'scan'"),
            (Form(Enumerable.Repeat(("images", File.ReadAllBytes(TestImages.Jpeg)), 5).ToArray()), "", HttpStatusCode.RequestEntityTooLarge, "at most 4"),
            (Form(("images", new byte[5 << 20])), "", HttpStatusCode.RequestEntityTooLarge, "larger than the service takes"),
            (Form(("images", File.ReadAllBytes(TestImages.Jpeg))), "?nearest=-1", HttpStatusCode.BadRequest, "nearest=-1"),
            (Form(("images", File.ReadAllBytes(TestImages.Jpeg))), "?embedding=maybe", HttpStatusCode.BadRequest, "take true or false"),
        };
        foreach (var (content, query, status, message) in cases)
        {
            // With Expect: 100-continue a refused body is never sent, as a careful client does (else the refusal races the upload).
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/studies" + query) { Content = content };
            request.Headers.ExpectContinue = true;
            using (var response = await fixture.Torch.Client.SendAsync(request))
            {
                var error = (await Json(response)).GetProperty("error").GetString()!;
                output.WriteLine($"{query} {(int)response.StatusCode} {error}");
                Assert.Equal(status, response.StatusCode);
                Assert.Contains(message, error);
            }
            await AssertHealthy();
        }
        using var raw = new ByteArrayContent(File.ReadAllBytes(TestImages.Jpeg));
        raw.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        using var single = await fixture.Torch.Client.PostAsync("/v1/studies", raw);
        Assert.Equal(HttpStatusCode.OK, single.StatusCode);
    }

    [Fact]
    public async Task ThePageUploadsAnImageAndShowsTheReportTheBarsAndTheOverlay()
    {
        using var playwright = await Playwright.CreateAsync();
        // Debian's Chromium: no browser is downloaded.
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1200, Height = 1000 } });
        var failedRequests = new List<string>();
        page.RequestFailed += (_, request) => failedRequests.Add(request.Url);
        await page.GotoAsync(fixture.Torch.Address + "/");
        await page.WaitForFunctionAsync("() => document.getElementById('model').textContent.includes('clip')");
        await page.SetInputFilesAsync("#files", TestImages.Jpeg);
        await page.WaitForFunctionAsync("() => document.getElementById('status').textContent.startsWith('done')", null, new() { Timeout = 60_000 });

        using var reference = await Post(fixture.Torch, TestImages.Jpeg, "?nearest=3");
        var expected = await Json(reference);
        Assert.Equal(expected.GetProperty("report").GetString(), await page.TextContentAsync("#report"));
        var bars = await page.QuerySelectorAllAsync(".bar");
        Assert.Equal(fixture.Classes.Count, bars.Count);
        var shown = new List<(string Label, double Score)>();
        foreach (var bar in bars)
            shown.Add((await bar.GetAttributeAsync("data-label") ?? "", double.Parse(await (await bar.QuerySelectorAsync(".value"))!.TextContentAsync() ?? "", System.Globalization.CultureInfo.InvariantCulture)));
        var scores = expected.GetProperty("scores").EnumerateArray().ToDictionary(s => s.GetProperty("label").GetString()!, s => s.GetProperty("score").GetDouble());
        Assert.Equal(scores.OrderByDescending(p => p.Value).Select(p => p.Key), shown.Select(s => s.Label));
        Assert.All(shown, s => Assert.Equal(scores[s.Label], s.Score, 4));
        var overlay = await page.QuerySelectorAsync("#overlay-image");
        Assert.StartsWith("data:image/png;base64,", await overlay!.GetAttributeAsync("src"));
        Assert.Equal(128, await overlay.EvaluateAsync<int>("image => image.naturalWidth"));
        Assert.Equal(3, (await page.QuerySelectorAllAsync("#nearest-reports li")).Count);
        Assert.Empty(failedRequests);
        var screenshot = Path.Combine(Path.GetTempPath(), "cxrvl-serve-page.png");
        await page.ScreenshotAsync(new() { Path = screenshot, FullPage = true });
        output.WriteLine($"screenshot {screenshot} ({new FileInfo(screenshot).Length} bytes); bars {string.Join(", ", shown.Select(s => $"{s.Label} {s.Score:F4}"))}");
    }

    [Fact]
    public async Task NoRequestPathReachesTheFileSystem()
    {
        foreach (var path in new[] { "/../../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/app.js/../../../etc/passwd", "/v1/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                                     "/config.yaml", "/CxrVL.dll", "/appsettings.json", "/..%5c..%5cetc%5cpasswd" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Torch.Address + path, UriKind.Absolute));
            using var response = await fixture.Torch.Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest or HttpStatusCode.MethodNotAllowed || text.Contains("<title>CxrVL"),
                        $"{path}: {(int)response.StatusCode}");
            Assert.DoesNotContain("root:", text);
        }
    }

    [Fact]
    public async Task AFullQueueIsRefusedWith503AndRetryAfter()
    {
        // One study at a time and one waiting: of eight at once (each with saliency maps, so they last), some are turned away.
        var jpeg = File.ReadAllBytes(TestImages.LargeJpeg);
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var content = Form(("images", jpeg));
            return await fixture.Torch.Client.PostAsync("/v1/studies?saliency=true", content);
        }));
        var busy = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        output.WriteLine($"statuses: {string.Join(", ", responses.Select(r => (int)r.StatusCode))}");
        Assert.NotEmpty(busy);
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));
        Assert.InRange(responses.Count(r => r.StatusCode == HttpStatusCode.OK), 2, 8);
        Assert.All(busy, r => Assert.Equal(TimeSpan.FromSeconds(2), r.Headers.RetryAfter!.Delta));
        Assert.Contains("busy", (await Json(busy[0])).GetProperty("error").GetString());
        foreach (var response in responses)
            response.Dispose();
        await AssertHealthy();
    }

    [Fact]
    public async Task AnApiKeyGuardsTheApiAndIsRequiredOffLoopback()
    {
        var keyFile = Path.Combine(fixture.Root, "api-key.txt");
        File.WriteAllText(keyFile, "0123456789abcdef0123456789abcdef\n");
        var options = new ServeOptions { Checkpoint = fixture.Run, ClassesRecipe = CxrVL.Configuration.RecipeLocator.Resolve("zeroshot/covid-finding"), ApiKeyFile = keyFile };
        using (var service = RunningService.Start(options))
        {
            using (var without = await service.Client.PostAsync("/v1/studies", Form(("images", File.ReadAllBytes(TestImages.Jpeg)))))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
                Assert.Contains("X-Api-Key", (await Json(without)).GetProperty("error").GetString());
            }
            using (var health = await service.Client.GetAsync("/v1/health"))
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/studies") { Content = Form(("images", File.ReadAllBytes(TestImages.Jpeg))) };
            request.Headers.Add(ApiKey.Header, "0123456789abcdef0123456789abcdef");
            using var with = await service.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, with.StatusCode);
        }
        var error = Assert.Throws<CxrVLException>(() => ApiKey.Load(options with { Host = "0.0.0.0", ApiKeyFile = null }));
        Assert.Contains("--api-key-file", error.Message);
        Assert.Null(ApiKey.Load(options with { Host = "::1", ApiKeyFile = null }));
    }

    [Fact]
    public void TheServeCommandRefusesAnOpenHostWithoutAKeyAndAMissingOnnxGraphByName()
    {
        var open = CliRunner.Run("serve", "--checkpoint", fixture.Run, "--host", "0.0.0.0");
        Assert.Equal(2, open.Code);
        Assert.Contains("--api-key-file", open.Error);
        var missing = Path.Combine(fixture.Root, "no-onnx");
        var onnx = CliRunner.Run("serve", "--checkpoint", fixture.Run, "--engine", "onnx", "--onnx-dir", missing);
        Assert.Equal(2, onnx.Code);
        Assert.Contains($"cxrvl export onnx --checkpoint RUN --part image --out {Path.Combine(missing, "image.onnx")}", onnx.Error);
    }

    [Fact]
    public async Task TheGateAdmitsItsSlotsQueuesItsQueueAndRefusesTheRest()
    {
        using var gate = new RequestGate(maxConcurrent: 1, queueLength: 1);
        var first = await gate.TryEnterAsync(CancellationToken.None);
        Assert.NotNull(first);
        var waiting = gate.TryEnterAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, gate.Waiting);
        Assert.Null(await gate.TryEnterAsync(CancellationToken.None));
        first!.Dispose();
        using var second = await waiting;
        Assert.NotNull(second);
        Assert.Equal((1, 0), (gate.InFlight, gate.Waiting));
    }

    private byte[] BadUpload(string kind)
    {
        var dicom = File.ReadAllBytes(TestImages.Dicom);
        var pixels = new ushort[64 * 64];
        return kind switch
        {
            "empty" => [],
            "text" => "PatientName=Doe^Jane, not an image"u8.ToArray(),
            "truncated-jpeg" => File.ReadAllBytes(TestImages.Jpeg)[..4000],
            "truncated-dicom" => dicom[..20000],
            "dicom-without-pixels" => WithoutPixelData(dicom),
            "big-endian-dicom" => SyntheticDicom.Create(pixels, 64, 64, "MONOCHROME2", "Doe^Jane", transferSyntax: "1.2.840.10008.1.2.2"),
            "multi-frame-dicom" => SyntheticDicom.Create(pixels, 64, 64, "MONOCHROME2", "Doe^Jane", frames: 2),
            "png-bomb" => PngClaiming(60000, 60000),
            "jpeg-lossless-dicom" => WithTransferSyntax(dicom, "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.70"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    /// <summary>The SIIM file cut just before its pixel data element (7FE0,0010): a DICOM that holds no image.</summary>
    private static byte[] WithoutPixelData(byte[] dicom)
    {
        var tag = new byte[] { 0xE0, 0x7F, 0x10, 0x00 };
        var at = dicom.AsSpan().IndexOf(tag);
        Assert.True(at > 132);
        return dicom[..at];
    }

    /// <summary>The SIIM file with its transfer syntax UID replaced by another of the same length (JPEG lossless, which OpenCV does not decode).</summary>
    private static byte[] WithTransferSyntax(byte[] dicom, string from, string to)
    {
        var copy = (byte[])dicom.Clone();
        var at = copy.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(from));
        Assert.True(at > 0);
        System.Text.Encoding.ASCII.GetBytes(to).CopyTo(copy, at);
        // The JPEG stream itself is baseline; mark its frame as lossless (SOF3) so that no decoder takes it.
        var sof = copy.AsSpan(at).IndexOf(new byte[] { 0xFF, 0xC0 });
        copy[at + sof + 1] = 0xC3;
        return copy;
    }

    /// <summary>A PNG whose header claims width x height pixels, followed by a little compressed data: refused before any decoding.</summary>
    private byte[] PngClaiming(int width, int height)
    {
        var path = Path.Combine(fixture.Root, "small.png");
        TestImages.WriteGrayPng(path, 8, 8, 8, (x, y) => x * y);
        var png = File.ReadAllBytes(path);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(16), (uint)width);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(20), (uint)height);
        return png;
    }

    private async Task AssertHealthy()
    {
        using var health = await fixture.Torch.Client.GetAsync("/v1/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var study = await Post(fixture.Torch, TestImages.Jpeg, "");
        Assert.Equal(HttpStatusCode.OK, study.StatusCode);
    }

    private static MultipartFormDataContent Form(params (string Field, byte[] Data)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (field, data) in files)
            form.Add(new ByteArrayContent(data), field, "upload.bin");
        return form;
    }

    private static async Task<HttpResponseMessage> Post(RunningService service, string path, string query)
    {
        using var form = Form(("images", await File.ReadAllBytesAsync(path)));
        return await service.Client.PostAsync("/v1/studies" + query, form);
    }

    private static async Task<double[]> Scores(RunningService service, string path)
    {
        using var response = await Post(service, path, "");
        var body = await Json(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("scores").EnumerateArray().Select(s => s.GetProperty("score").GetDouble()).ToArray();
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    private static string Sha256(string path) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));
}
