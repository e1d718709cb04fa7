import Archive
import FiscalCore
import GRDB

extension SQLiteArchiveStore {
    /// What the archive knows about a transaction for an operation, read without recording anything: the
    /// confirmation step shows these numbers; ``beginOperation(_:now:check:)`` checks them again under the write lock.
    public func operationContext(for intent: OperationIntent, now: Int64) async throws(ArchiveError) -> OperationContext {
        try await asyncRead("Cannot read transaction \(intent.transactionID)", id: intent.transactionID) { db in
            try Self.operationContext(db, intent, now: now)
        }
    }

    /// The latest status observed before an operation was recorded (what reconciliation compares against).
    public func statusBefore(operation: OperationRecord) async throws(ArchiveError) -> PaymentSnapshot? {
        try await asyncRead("Cannot read transaction \(operation.transactionID)", id: operation.transactionID) { db in
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
    public func lastChangeAt() async throws(ArchiveError) -> Int64? {
        try await asyncRead("Cannot read the archive") { db in try Self.lastChangeAt(db) }
    }

    static func lastChangeAt(_ db: Database) throws -> Int64? {
        try Int64.fetchOne(db, sql: lastChangeSQL)
    }

    /// Each `MAX` is the last entry of an index (migration `v8-last-change`; `QueryPlanTests` holds it so).
    static let lastChangeSQL = """
        SELECT MAX(t) FROM (
            SELECT MAX(updated_at) AS t FROM transactions
            UNION ALL SELECT MAX(recorded_at) FROM events
            UNION ALL SELECT MAX(stored_at) FROM originals
            UNION ALL SELECT MAX(COALESCE(completed_at, created_at)) FROM operations)
        """

    /// A frozen, read-only view of the archive for writing reports: every read through it sees the same state,
    /// whatever syncs commit meanwhile (a report reads its month twice: summary first, then the register).
    ///
    /// It holds two read transactions of one moment when it can: the register streams through one while the VAT and
    /// totals queries run on the other (a SQLite connection answers one query at a time; Debian's SQLite lacks
    /// `SQLITE_ENABLE_SNAPSHOT`, so a snapshot cannot be shared between connections). Both start while a connection
    /// of their own holds the write lock (`BEGIN IMMEDIATE`), so no commit, from this process or another, falls
    /// between them. When the lock is not free within a second (a long write) or cannot be taken, one transaction
    /// serves all reads.
    public func registerSnapshot() async throws(ArchiveError) -> any RegisterReader {
        do {
            // Anything that stops the pair (the lock taken, a file that cannot take a second connection) leaves
            // the single transaction, which reports its own error if it cannot start either.
            if let (register, figures) = try? await snapshotsOfOneMoment() {
                return SQLiteRegisterSnapshot(reader: register, figures: figures)
            }
            return SQLiteRegisterSnapshot(reader: try pool.makeSnapshot())
        } catch {
            throw Self.mapError(error, "Cannot take a snapshot of the archive")
        }
    }

    /// Two snapshots started under the write lock (see ``registerSnapshot()``); throws if the lock stays taken.
    private func snapshotsOfOneMoment() async throws -> (DatabaseSnapshot, DatabaseSnapshot) {
        var configuration = Configuration()
        configuration.busyMode = .timeout(1)
        configuration.label = "fiscal-archive.snapshot-lock"
        let lock = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? lock.close() }
        let pool = self.pool
        return try await lock.writeWithoutTransaction { db -> (DatabaseSnapshot, DatabaseSnapshot) in
            try db.execute(sql: "BEGIN IMMEDIATE")
            defer { try? db.execute(sql: "ROLLBACK") }
            return (try pool.makeSnapshot(), try pool.makeSnapshot())
        }
    }
}

/// The register, VAT and chain head of one frozen moment of the archive (see
/// ``SQLiteArchiveStore/registerSnapshot()``).
struct SQLiteRegisterSnapshot: MonthlyTotalsReader {
    /// The register's (and every other read's) transaction.
    let reader: DatabaseSnapshot
    /// The VAT's and totals' transaction: the same moment as `reader`, on a connection of its own.
    let figures: DatabaseSnapshot

    init(reader: DatabaseSnapshot, figures: DatabaseSnapshot? = nil) {
        self.reader = reader
        self.figures = figures ?? reader
    }

    func forEachRegisterEntry(in month: YearMonth, _ body: (RegisterEntry) throws -> Void) async throws {
        try await SQLiteArchiveStore.forEachRegisterEntry(reader, in: month, body)
    }

    func vatBreakdown(in month: YearMonth) async throws(ArchiveError) -> [VATLine] {
        try await SQLiteArchiveStore.vatBreakdown(figures, in: month)
    }

    func chainHead() async throws(ArchiveError) -> String {
        do {
            return try await reader.read { db in try IntegrityChain.head(db) }
        } catch {
            throw SQLiteArchiveStore.mapError(error, "Cannot read the chain head")
        }
    }

    func lastChangeAt() async throws(ArchiveError) -> Int64? {
        do {
            return try await reader.read { db in try SQLiteArchiveStore.lastChangeAt(db) }
        } catch {
            throw SQLiteArchiveStore.mapError(error, "Cannot read the archive")
        }
    }
}

extension SQLiteArchiveStore {
    /// The workers holding unexpired leases at `now` (to find those of crashed processes).
    public func leaseHolders(now: Int64) async throws(ArchiveError) -> [String] {
        try await asyncRead("Cannot read the pipeline leases") { db in
            try String.fetchAll(
                db, sql: "SELECT DISTINCT lease_owner FROM transactions WHERE lease_owner IS NOT NULL AND lease_until > ?",
                arguments: [now])
        }
    }

    /// Frees every lease a worker holds (a worker known to be dead), returning how many jobs it held.
    @discardableResult
    public func releaseLeases(heldBy worker: String) async throws(ArchiveError) -> Int {
        try await asyncWrite("Cannot release the leases of \(worker)") { db in
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
