import FiscalCore
import GRDB

extension ArchiveStore {
    /// Everything known about a transaction: type, state, attempts, next attempt, last error, payment info, links,
    /// status history, events and operations. `nil` when it is not tracked.
    public func transaction(_ id: TransactionID) throws -> TransactionRecord? {
        try read("Cannot read transaction \(id)", id: id) { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM transactions WHERE id = ?", arguments: [id.rawValue])
            else { return nil }
            let history = try Row.fetchAll(
                db, sql: "SELECT status, observed_at FROM status_history WHERE transaction_id = ? ORDER BY id",
                arguments: [id.rawValue]
            ).map { StatusChange(status: PaySysStatus(rawValue: $0["status"]), observedAt: $0["observed_at"]) }
            let events = try Row.fetchAll(
                db, sql: "SELECT * FROM events WHERE transaction_id = ? ORDER BY seq", arguments: [id.rawValue]
            ).map(Self.event)
            let operations = try Row.fetchAll(
                db, sql: "SELECT * FROM operations WHERE transaction_id = ? ORDER BY id", arguments: [id.rawValue]
            ).map(Self.operation)
            let state = try PipelineState(rawValue: row["state"]).orCorrupt("state", id)
            return TransactionRecord(
                id: id, type: try TransactionType(rawValue: row["type"]).orCorrupt("type", id), state: state,
                step: (row["step"] as String?).flatMap(PipelineStep.init(rawValue:)), attempts: row["attempts"],
                nextAttemptAt: state == .archived || state == .failed ? nil : row["next_attempt_at"],
                firstWaitingAt: row["first_waiting_at"], lastError: row["last_error"],
                vendorOrderID: row["vendor_order_id"], trackedAt: row["tracked_at"], updatedAt: row["updated_at"],
                payment: try Self.paymentSnapshot(row, id), receiptURL: row["receipt_url"],
                refundURLs: Self.decodeURLs(row["refund_urls"]), lastRecheckAt: row["last_recheck_at"],
                statusHistory: history, events: events, operations: operations)
        }
    }

    /// The archive at a glance: counts by state, failures and waiting jobs with reasons, jobs due now, totals,
    /// last sync, last export and the chain head.
    public func status(now: Int64) throws -> ArchiveStatus {
        try read("Cannot read the archive status") { db in
            var counts = Dictionary(uniqueKeysWithValues: PipelineState.allCases.map { ($0, 0) })
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM transactions GROUP BY state") {
                if let state = PipelineState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            func lines(_ sql: String) throws -> [ArchiveStatus.Line] {
                try Row.fetchAll(db, sql: sql).map { row in
                    ArchiveStatus.Line(
                        id: TransactionID(row["id"] as Int64),
                        step: (row["step"] as String?).flatMap(PipelineStep.init(rawValue:)), reason: row["last_error"],
                        attempts: row["attempts"], nextAttemptAt: row["next_attempt_at"])
                }
            }
            let failures = try lines("""
                SELECT id, step, last_error, attempts, NULL AS next_attempt_at FROM transactions
                WHERE state = 'failed' ORDER BY updated_at, id LIMIT 100
                """)
            let waiting = try lines("""
                SELECT id, step, last_error, attempts, next_attempt_at FROM transactions
                WHERE state = 'waiting' ORDER BY next_attempt_at, id LIMIT 100
                """)
            let due = try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM transactions
                    WHERE (state IN (\(Self.activeStates)) OR (state = 'waiting' AND next_attempt_at <= ?))
                      AND (lease_until IS NULL OR lease_until <= ?)
                    """,
                arguments: [now, now]) ?? 0
            func count(_ table: String, _ condition: String = "") throws -> Int {
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) \(condition)") ?? 0
            }
            let lastSync = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'last_sync_at'")
            return ArchiveStatus(
                countsByState: counts, failures: failures, waiting: waiting, dueNow: due,
                originals: try count("originals"), receipts: try count("receipts"), events: try count("events"),
                pendingOperations: try count("operations", "WHERE state = 'pending'"),
                lastSyncAt: lastSync.flatMap { Int64($0) },
                lastExportMonth: try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'last_export_month'"),
                chainHead: try IntegrityChain.head(db))
        }
    }

    /// Hex SHA-256 of the latest chain link (64 zeros for an empty archive).
    public func chainHead() throws -> String {
        try read("Cannot read the chain head") { db in try IntegrityChain.head(db) }
    }
}
