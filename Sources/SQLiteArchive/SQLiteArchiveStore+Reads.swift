import Archive
import FiscalCore
import GRDB

extension SQLiteArchiveStore {
    /// Everything known about a transaction: type, state, attempts, next attempt, last error, payment info, links,
    /// status history, events and operations. `nil` when it is not tracked.
    public func transaction(_ id: TransactionID) async throws(ArchiveError) -> TransactionRecord? {
        try await asyncRead("Cannot read transaction \(id)", id: id) { db in try Self.transactionRecord(db, id) }
    }

    static func transactionRecord(_ db: Database, _ id: TransactionID) throws -> TransactionRecord? {
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
            refundURLs: try Self.refundLinks(db, id), lastRecheckAt: row["last_recheck_at"],
            statusHistory: history, events: events, operations: operations)
    }

    /// The archive at a glance: counts by state, failures, quarantined rows and waiting jobs with reasons, jobs due
    /// now, totals, last sync, last export and the chain head.
    ///
    /// Costs the same at any archive size: counts come from `archive_counts` (kept by triggers), the lines from
    /// partial indexes of their own few rows, jobs due now from the index of pending work.
    public func status(now: Int64) async throws(ArchiveError) -> ArchiveStatus {
        try await asyncRead("Cannot read the archive status") { db in try Self.status(db, now: now) }
    }

    static func status(_ db: Database, now: Int64) throws -> ArchiveStatus {
        var counts = Dictionary(uniqueKeysWithValues: PipelineState.allCases.map { ($0, 0) })
        var totals: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT name, n FROM archive_counts") {
            let name: String = row["name"]
            if name.hasPrefix("state:") {
                if let state = PipelineState(rawValue: String(name.dropFirst(6))) { counts[state] = row["n"] }
            } else {
                totals[name] = row["n"]
            }
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
            INDEXED BY transactions_failed WHERE state = 'failed' ORDER BY updated_at, id LIMIT 100
            """)
        let quarantined = try lines("""
            SELECT id, step, last_error, attempts, NULL AS next_attempt_at FROM transactions
            INDEXED BY transactions_quarantined WHERE state = 'quarantined' ORDER BY updated_at, id LIMIT 100
            """)
        let waiting = try lines("""
            SELECT id, step, last_error, attempts, next_attempt_at FROM transactions
            WHERE state = 'waiting' ORDER BY next_attempt_at, id LIMIT 100
            """)
        // Due now: at most what one claim could take at once is counted exactly; the pending index is walked only
        // up to `now`, which is the work the sync has anyway.
        let due = try Int.fetchOne(
            db,
            sql: """
                SELECT COUNT(*) FROM transactions INDEXED BY transactions_pending
                WHERE state IN (\(Self.pendingStates)) AND next_attempt_at <= :now
                  AND (lease_until IS NULL OR lease_until <= :now)
                """,
            arguments: ["now": now]) ?? 0
        let pendingOperations = try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM operations INDEXED BY operations_pending WHERE state = 'pending'") ?? 0
        let lastSync = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'last_sync_at'")
        return ArchiveStatus(
            countsByState: counts, failures: failures, waiting: waiting, dueNow: due,
            originals: totals["originals"] ?? 0, receipts: totals["receipts"] ?? 0, events: totals["events"] ?? 0,
            pendingOperations: pendingOperations, lastSyncAt: lastSync.flatMap { Int64($0) },
            lastExportMonth: try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'last_export_month'"),
            chainHead: try IntegrityChain.head(db), quarantined: quarantined,
            rechecksDue: try Self.rechecksDue(db, now: now))
    }

    /// Hex SHA-256 of the latest chain link (64 zeros for an empty archive).
    public func chainHead() async throws(ArchiveError) -> String {
        try await asyncRead("Cannot read the chain head") { db in try IntegrityChain.head(db) }
    }
}
