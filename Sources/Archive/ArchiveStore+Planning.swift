import FiscalCore
import GRDB

extension ArchiveStore {
    /// What the archive knows about a transaction for an operation, read without recording anything: the
    /// confirmation step shows these numbers; ``beginOperation(_:now:check:)`` checks them again under the write lock.
    public func operationContext(for intent: OperationIntent, now: Int64) throws -> OperationContext {
        try read("Cannot read transaction \(intent.transactionID)", id: intent.transactionID) { db in
            try Self.operationContext(db, intent, now: now)
        }
    }

    /// The latest status observed before an operation was recorded (what reconciliation compares against).
    public func statusBefore(operation: OperationRecord) throws -> PaymentSnapshot? {
        try read("Cannot read transaction \(operation.transactionID)", id: operation.transactionID) { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT * FROM transactions WHERE id = ?", arguments: [operation.transactionID.rawValue]),
                var snapshot = try Self.paymentSnapshot(row, operation.transactionID)
            else { return nil }
            if let status = try Int.fetchOne(
                db,
                sql: """
                    SELECT status FROM status_history WHERE transaction_id = ? AND observed_at <= ?
                    ORDER BY observed_at DESC, id DESC LIMIT 1
                    """,
                arguments: [operation.transactionID.rawValue, operation.createdAt])
            {
                snapshot.status = PaySysStatus(rawValue: status)
            }
            return snapshot
        }
    }

    /// The time of the archive's latest change (Unix seconds), `nil` when it is empty: what reports are dated by,
    /// so that the same archive always gives byte-identical reports.
    public func lastChangeAt() throws -> Int64? {
        try read("Cannot read the archive") { db in
            try Int64.fetchOne(
                db,
                sql: """
                    SELECT MAX(t) FROM (
                        SELECT MAX(updated_at) AS t FROM transactions
                        UNION ALL SELECT MAX(recorded_at) FROM events
                        UNION ALL SELECT MAX(stored_at) FROM originals
                        UNION ALL SELECT MAX(COALESCE(completed_at, created_at)) FROM operations)
                    """)
        }
    }
}
