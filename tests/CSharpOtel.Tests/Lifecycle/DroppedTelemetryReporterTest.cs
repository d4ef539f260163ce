using CSharpOtel.Tests.Infrastructure;
using FunctionHost.Configuration;
using FunctionHost.Lifecycle;
using FunctionHost.Telemetry.Export;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace CSharpOtel.Tests.Lifecycle;

/// <summary>The periodic summary: one line per signal that lost data, with its own count and causes.</summary>
public sealed class DroppedTelemetryReporterTest
{
    [Fact]
    public async Task Report_EverySignalNotDelivered_OneLineEach_NamingSignalAndCounts()
    {
        var monitor = new ExportMonitor(TimeSpan.FromSeconds(60));
        var rejected = new ExportVerdict("HTTP 400 Bad Request", null, Retryable: false);
        monitor.Traces.OnQueueFull(2);
        monitor.Metrics.OnRejected(4, rejected, "http://collector:4318/v1/metrics", "http/protobuf");
        monitor.Metrics.OnGaveUp(3, shutdown: false);
        monitor.Logs.OnRejected(5, rejected, "http://collector:4318/v1/logs", "http/protobuf");
        monitor.Logs.OnQueueFull(7);
        using var captured = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddProvider(captured));
        var options = LifecycleOptions.Read(new SettingsReader(new ConfigurationBuilder().Build(), new ConfigurationWarnings()));
        using var reporter = new DroppedTelemetryReporter(options, monitor, loggerFactory.CreateLogger<DroppedTelemetryReporter>());

        // Stopping reports what the last interval left, as at shutdown.
        await reporter.StartAsync(CancellationToken.None);
        await reporter.StopAsync(CancellationToken.None);

        Assert.Equal(
            [
                "lifecycle: 2 span(s) not delivered in the last 00:01:00: 2 export queue full (OTEL_BSP_MAX_QUEUE_SIZE), 0 collector unreachable for longer than 00:01:00, 0 rejected by the collector (2 since start)",
                "lifecycle: 7 metric(s) not delivered in the last 00:01:00: 3 collector unreachable for longer than 00:01:00, 4 rejected by the collector (7 since start)",
                "lifecycle: 12 log record(s) not delivered in the last 00:01:00: 7 export queue full (OTEL_BLRP_MAX_QUEUE_SIZE), 0 collector unreachable for longer than 00:01:00, 5 rejected by the collector (12 since start)",
            ],
            captured.Warnings(typeof(DroppedTelemetryReporter).FullName!));
    }
}
