using System.Collections.Concurrent;
using CxrVL.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace CxrVL.Tests.Serving;

/// <summary>A <see cref="StudyService"/> started on a free loopback port, an HTTP client for it, and every line it logged.</summary>
public sealed class RunningService : IDisposable
{
    private readonly StudyAnalyzer _analyzer;
    private readonly WebApplication _app;

    private RunningService(StudyAnalyzer analyzer, WebApplication app, LogLines logs)
    {
        _analyzer = analyzer;
        _app = app;
        Logs = logs;
        Address = app.Urls.First();
        Client = new HttpClient { BaseAddress = new Uri(Address), Timeout = TimeSpan.FromMinutes(2) };
    }

    public string Address { get; }

    public HttpClient Client { get; }

    public LogLines Logs { get; }

    public static RunningService Start(ServeOptions options)
    {
        var analyzer = StudyAnalyzer.Load(options with { Port = 0, Host = "127.0.0.1" }, CPU);
        var logs = new LogLines();
        var app = StudyService.Create(analyzer, options with { Port = 0, Host = "127.0.0.1" }, logs);
        app.StartAsync().GetAwaiter().GetResult();
        return new RunningService(analyzer, app, logs);
    }

    public void Dispose()
    {
        Client.Dispose();
        _app.StopAsync().GetAwaiter().GetResult();
        ((IDisposable)_app).Dispose();
        _analyzer.Dispose();
    }

    /// <summary>Collects every log message with its structured values, for the tests that check what is (not) logged.</summary>
    public sealed class LogLines : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Lines => _lines;

        public ILogger CreateLogger(string categoryName) => new Collector(_lines);

        public void Dispose()
        {
        }

        private sealed class Collector(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}")) : "";
                lines.Enqueue($"{logLevel} {formatter(state, exception)} {values} {exception}");
            }
        }
    }
}
