import Archive
import FiscalCore
import Foundation
import Sandbox
import Testing

@testable import fiscal_archive

/// `/metrics` as an operator scrapes it: the archive's pipeline states and the gateway's latency and errors by
/// method, in the Prometheus text format.
@Suite("Metrics")
struct MetricsTests {
    @Test("after a sync: jobs by state, gateway latency per method, and a gateway error by kind")
    func afterSync() async throws {
        AppMetrics.bootstrap()
        // One 503 on get_fiscal_cheque: retried (a read), and counted.
        let faults: [GatewayMethod: FaultPlan] = [.fiscalCheque: .fault(.serverError(status: 503), .firstCalls(1))]
        try await Harness.with(SandboxConfiguration(transactionCount: 3, recentTransactionCount: 0, gatewayFaults: faults)) { harness in
            let transactions = try await harness.trackAll()
            _ = try await harness.engine().run()
            let paid = transactions.filter { $0.status == .completed }.count
            let text = await String(decoding: try AppMetrics.render(archive: harness.archive, now: Int64(Date().timeIntervalSince1970)), as: UTF8.self)
            #expect(text.contains("fiscal_archive_jobs{state=\"archived\"} \(paid).0") || text.contains("fiscal_archive_jobs{state=\"archived\"} \(paid)\n"), "\(text)")
            #expect(text.contains("fiscal_archive_pending_operations 0"))
            #expect(text.contains("# TYPE paysys_request_duration_seconds histogram"))
            #expect(text.contains("paysys_request_duration_seconds_count{method=\"paysys.payment_info\"}"))
            #expect(text.contains("paysys_errors_total{method=\"paysys.get_fiscal_cheque\",kind=\"http_503\"}"))
            #expect(text.contains("fiscal_archive_last_export_timestamp_seconds 0"))
        }
    }
}
