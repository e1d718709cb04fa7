import Archive
@testable import SQLiteArchive
import FiscalCore
import Foundation
import GRDB
import Testing

/// Every statement the sync runs must seek an index: the cost of a receipt may not grow with the archive.
///
/// The test runs the sync's whole archive path (batch claims, trips committed as archived, waiting, failed and
/// handed back, a refused stale write, re-check claims and records, lease holders, the next due time, `status`)
/// against an archive already holding archived transactions, records the SQL of every statement through SQLite's
/// trace, and asks SQLite for the plan of each. A `SCAN` fails the test unless it walks a one-row table or a
/// partial index that holds only pending work (whose size follows the work to do, not the archive).
@Suite struct QueryPlanTests {
    /// Tables of one or a handful of rows, whatever the archive's size.
    /// (`sqlite_master`: the schema, read by GRDB once per connection; `CONSTANT`: a `VALUES` row.)
    static let smallTables: Set<String> = [
        "meta", "archive_counts", "chain_head", "lease_sequence", "sqlite_master", "sqlite_schema", "CONSTANT",
    ]
    /// Partial indexes of pending work, failures, quarantined rows, held leases and pending operations.
    static let boundedIndexes: Set<String> = [
        "transactions_pending", "transactions_leased", "transactions_failed", "transactions_quarantined",
        "operations_pending",
    ]

    /// The plan lines of `sql` that scan something that grows with the archive.
    static func growingScans(_ db: Database, _ sql: String) throws -> [String] {
        let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }
        return plan.filter { detail in
            guard detail.hasPrefix("SCAN ") else { return false }
            let words = detail.split(separator: " ").map(String.init)
            if words.count >= 2, smallTables.contains(words[1]) { return false }
            if words.count >= 3, words[2] == "CONSTANT" { return false }  // SCAN 2 CONSTANT ROWS
            if let last = words.last, boundedIndexes.contains(last), detail.contains(" INDEX ") { return false }
            return true
        }
    }

    @Test func theCheckCatchesAScan() throws {
        let store = try SQLiteArchiveStore.temporary()
        let queue = try DatabaseQueue(path: store.path)
        let (unindexed, unordered, seek) = try queue.read { db in
            (
                try Self.growingScans(db, "SELECT id FROM transactions WHERE last_error = 'x'"),
                try Self.growingScans(db, "SELECT hash FROM chain ORDER BY kind LIMIT 1"),
                try Self.growingScans(db, "SELECT state FROM transactions WHERE id = 1")
            )
        }
        #expect(unindexed == ["SCAN transactions"])
        #expect(unordered.count == 1)
        #expect(seek.isEmpty)
    }

    /// The month's receipts carry their stored JSON: the VAT, which reads a million of them at a million events,
    /// must find what it needs of each (kind, currency, transaction) in the index, and the first sale's id, its items'
    /// rates and amounts and whether its events lie in the month too (migrations `v7-vat-covering`, `v9-vat-lookups`).
    @Test func theVATReadsTheMonthsReceiptsFromIndexesAlone() throws {
        let store = try SQLiteArchiveStore.temporary()
        let queue = try DatabaseQueue(path: store.path)
        let plan = try queue.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteArchiveStore.vatSQL, arguments: [0, 1, 0, 1])
                .map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.hasPrefix("SEARCH r USING COVERING INDEX receipts_issued") }, "\(plan)")
        #expect(plan.contains { $0.hasPrefix("SEARCH s USING COVERING INDEX receipts_transaction") }, "\(plan)")
        #expect(plan.contains { $0.hasPrefix("SEARCH i USING COVERING INDEX receipt_items_vat") }, "\(plan)")
        // Both "is its event in another month" look-ups (refunds and sales).
        #expect(plan.filter { $0.hasPrefix("SEARCH e USING COVERING INDEX events_transaction_kind") }.count == 2,
            "\(plan)")
    }

    /// Every report starts by reading the archive's latest change: each of its `MAX`es must be the end of an index,
    /// not a scan of a table that grows with every month archived.
    @Test func theLastChangeIsReadFromIndexEnds() throws {
        let store = try SQLiteArchiveStore.temporary()
        let queue = try DatabaseQueue(path: store.path)
        let plan = try queue.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + SQLiteArchiveStore.lastChangeSQL).map { $0["detail"] as String }
        }
        for table in ["transactions", "events", "originals"] {
            #expect(plan.contains { $0.hasPrefix("SEARCH \(table) USING COVERING INDEX") }, "\(table): \(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN \(table)") }, "\(table): \(plan)")
        }
    }

    @Test func everyStatementOfTheSyncPathSeeksAnIndex() async throws {
        let recorder = StatementRecorder()
        let path = FileManager.default.temporaryDirectory.path + "/fiscal-archive-plans-\(UUID().uuidString).sqlite"
        let store = try SQLiteArchiveStore(path: path, logger: nil, busyTimeout: 10, traceStatements: { recorder.record($0) })
        // An archive with history: archived transactions (events, originals, receipts, chain), then new work.
        for id in 1...200 { try await Sample.archive(store, TransactionID(Int64(id)), now: 1_000) }
        _ = try await store.track((1_001...1_040).map { TrackRequest(id: TransactionID(Int64($0)), type: .payment) }, now: 2_000)

        recorder.start()
        let jobs = try await store.claimJobs(limit: 8, now: 2_000, worker: "w1", lease: 300)
        #expect(jobs.count == 8)
        let page = Sample.page("<html>receipt</html>")
        for (index, job) in jobs.enumerated() {
            let parsed = try ParsedOriginal(receipt: Sample.receipt(total: 100), warnings: [], for: job.id)
            let trip: PipelineTrip
            switch index % 4 {
            case 0:
                trip = PipelineTrip(
                    payment: Sample.payment(100, date: 1_990), links: .init(url: page.url, refundURLs: []),
                    originals: [try PreparedOriginal(page, parsed: parsed)], end: .archived)
            case 1:
                trip = PipelineTrip(
                    payment: Sample.payment(100, date: 1_990),
                    end: .waiting(step: .receiptLink, reason: "not registered", nextAttemptAt: 2_100))
            case 2:
                trip = PipelineTrip(end: .failed(step: .paymentInfo, reason: "not found"))
            default:
                trip = PipelineTrip(end: .released)
            }
            try await store.commit(trip, of: job.id, lease: job.lease, now: 2_001)
        }
        do {
            try await store.commit(PipelineTrip(end: .archived), of: jobs[0].id, lease: jobs[0].lease, now: 2_002)
            Issue.record("a write under an ended lease was accepted")
        } catch {
            #expect(error.code == .staleLease)
        }
        _ = try await store.claimRechecks(now: 1_000 + 2 * 86_400, horizon: 90 * 86_400, limit: 10)
        try await store.recordPaymentInfo(1, Sample.payment(853_374_00, date: 1_790_000_000, status: .refunded), now: 2_003)
        _ = try await store.transaction(1)
        _ = try await store.leaseHolders(now: 2_003)
        _ = try await store.releaseLeases(heldBy: "w1")
        _ = try await store.nextDueTime()
        _ = try await store.status(now: 2_003)
        try await store.setMeta("last_sync_at", String(2_004))
        let statements = recorder.stop()

        #expect(statements.count > 50, "the trace recorded only \(statements.count) statements")
        let queue = try DatabaseQueue(path: path)
        let plans = try await queue.read { db in
            try statements.map { sql in (sql, try Self.growingScans(db, sql)) }
        }
        for (sql, scans) in plans {
            #expect(scans.isEmpty, "\(scans) in: \(sql.prefix(400))")
        }
    }
}

/// Collects traced SQL while recording is on (migrations and setup are left out).
final class StatementRecorder: @unchecked Sendable {
    // `@unchecked Sendable`: both fields are only touched while `lock` is held.
    private let lock = NSLock()
    private var recording = false
    private var statements: [String] = []

    func start() {
        lock.withLock { recording = true }
    }

    func stop() -> [String] {
        lock.withLock {
            recording = false
            return statements
        }
    }

    func record(_ sql: String) {
        let trimmed = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        let skipped = ["--", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA"]
        guard !skipped.contains(where: { trimmed.uppercased().hasPrefix($0) }) else { return }
        lock.withLock {
            if recording { statements.append(trimmed) }
        }
    }
}
