import Archive
import FiscalCore
import Foundation
import Metrics
import Prometheus
import Synchronization

/// The process's metrics: swift-metrics bootstrapped once with a Prometheus registry, plus gauges of the archive
/// read at each scrape (`/metrics` on `serve` and `run --serve`), so an operator can alert on a stalled pipeline.
///
/// | metric | meaning |
/// |---|---|
/// | `fiscal_archive_jobs{state}` | transactions per pipeline state |
/// | `fiscal_archive_jobs_due` | transactions due now |
/// | `fiscal_archive_pending_operations` | refunds/cancels whose outcome is still unknown |
/// | `fiscal_archive_last_export_timestamp_seconds` | when the last monthly export was written (0: never) |
/// | `fiscal_archive_last_sync_timestamp_seconds` | when a sync last recorded a step (0: never) |
/// | `paysys_request_duration_seconds{method}` | gateway latency per attempt (histogram) |
/// | `paysys_errors_total{method,kind}` | gateway failures by kind |
enum AppMetrics {
    /// The one registry of the process (swift-metrics can be bootstrapped once).
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    /// Bootstraps the metrics system (idempotent); call before the first gateway request.
    static func bootstrap() { _ = registry }

    /// Reads the archive's gauges and renders every metric in the Prometheus text format.
    static func render(archive: any ArchiveStore, now: Int64) async throws -> [UInt8] {
        let status = try await archive.status(now: now)
        func gauge(_ name: String, _ unit: String, _ help: String, _ labels: [(String, String)] = []) async -> Prometheus.Gauge {
            registry.makeGauge(
                descriptor: MetricNameDescriptor(
                    namespace: "fiscal_archive", metricName: name, unitName: unit, helpText: help),
                labels: labels)
        }
        for state in PipelineState.allCases {
            await gauge("jobs", "", "Tracked transactions per pipeline state.", [("state", state.rawValue)])
                .set(Double(status.countsByState[state] ?? 0))
        }
        await gauge("jobs_due", "", "Transactions due for a pipeline step now.").set(Double(status.dueNow))
        await gauge("pending_operations", "", "Refunds and cancels whose outcome PaySys has not shown yet.")
            .set(Double(status.pendingOperations))
        let lastExport = try await archive.meta("last_export_at").flatMap { Int64($0) } ?? 0
        await gauge("last_export", "timestamp_seconds", "When the last monthly export was written (0: never).")
            .set(Double(lastExport))
        await gauge("last_sync", "timestamp_seconds", "When a sync last recorded a step (0: never).")
            .set(Double(status.lastSyncAt ?? 0))
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
