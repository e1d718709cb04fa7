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
        try read("Cannot read the archive") { db in try Self.lastChangeAt(db) }
    }

    static func lastChangeAt(_ db: Database) throws -> Int64? {
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

    /// A frozen, read-only view of the archive for writing reports: every read through it sees the same state,
    /// whatever syncs commit meanwhile (a report reads its month twice: summary first, then the register).
    public func registerSnapshot() throws -> RegisterSnapshot {
        do {
            return RegisterSnapshot(reader: try pool.makeSnapshot())
        } catch {
            throw Self.mapError(error, "Cannot take a snapshot of the archive")
        }
    }
}

/// The register, VAT and chain head of one frozen moment of the archive (see ``ArchiveStore/registerSnapshot()``).
public struct RegisterSnapshot: Sendable {
    let reader: DatabaseSnapshot

    /// Streams a month's register as ``ArchiveStore/forEachRegisterEntry(in:_:)`` does, from the snapshot.
    public func forEachRegisterEntry(in month: YearMonth, _ body: (RegisterEntry) throws -> Void) throws {
        try ArchiveStore.forEachRegisterEntry(reader, in: month, body)
    }

    /// VAT by rate, as ``ArchiveStore/vatBreakdown(in:)``, from the snapshot.
    public func vatBreakdown(in month: YearMonth) throws -> [VATLine] {
        try ArchiveStore.vatBreakdown(reader, in: month)
    }

    /// The integrity-chain head at the snapshot.
    public func chainHead() throws -> String {
        try reader.read { db in try IntegrityChain.head(db) }
    }

    /// The archive's last change at the snapshot.
    public func lastChangeAt() throws -> Int64? {
        try reader.read { db in try ArchiveStore.lastChangeAt(db) }
    }
}

extension ArchiveStore {
    /// The workers holding unexpired leases at `now` (to find those of crashed processes).
    public func leaseHolders(now: Int64) throws -> [String] {
        try read("Cannot read the pipeline leases") { db in
            try String.fetchAll(
                db, sql: "SELECT DISTINCT lease_owner FROM transactions WHERE lease_owner IS NOT NULL AND lease_until > ?",
                arguments: [now])
        }
    }

    /// Frees every lease a worker holds (a worker known to be dead), returning how many jobs it held.
    @discardableResult
    public func releaseLeases(heldBy worker: String) throws -> Int {
        try write("Cannot release the leases of \(worker)") { db in
            try Self.releaseLeases(db, heldBy: worker)
        }
    }

    /// The one statement that frees a worker's leases; a job handed back unused is due again as it was before its
    /// claim. Returns how many jobs it held.
    static func releaseLeases(_ db: Database, heldBy worker: String) throws -> Int {
        try db.execute(
            sql: """
                UPDATE transactions SET lease_owner = NULL, lease_until = NULL, lease_token = NULL,
                    next_attempt_at = MIN(next_attempt_at, COALESCE(due_at_claim, next_attempt_at)), due_at_claim = NULL
                WHERE lease_owner = ?
                """,
            arguments: [worker])
        return db.changesCount
    }

    /// The owner of a stored original, checked to be `id`: a receipt is never stored under another transaction.
    static func requireOriginal(_ db: Database, _ originalID: Int64, of id: TransactionID) throws {
        guard let owner = try Int64.fetchOne(
            db, sql: "SELECT transaction_id FROM originals WHERE id = ?", arguments: [originalID])
        else { throw ArchiveError(.notFound, "Original \(originalID) is not in the archive", transactionID: id) }
        guard owner == id.rawValue else {
            throw ArchiveError(
                .conflict, "Original \(originalID) belongs to transaction \(owner), not \(id)", transactionID: id)
        }
    }
}
