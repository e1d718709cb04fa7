import Archive
import FiscalCore
import Logging
import PostgresNIO

/// The register, VAT and snapshots.
extension PostgresArchiveStore {
    public func forEachRegisterEntry(in month: YearMonth, _ body: (RegisterEntry) throws -> Void) async throws {
        try await Self.forEachRegisterEntry(self, snapshot: nil, in: month, body)
    }

    public func vatBreakdown(in month: YearMonth) async throws(ArchiveError) -> [VATLine] {
        try await Self.vatBreakdown(self, snapshot: nil, in: month)
    }

    /// A frozen view: a `REPEATABLE READ, READ ONLY` transaction held open on one pooled connection for the
    /// snapshot's life exports its snapshot (`pg_export_snapshot`); every read through the view runs in a
    /// transaction that imports it (`SET TRANSACTION SNAPSHOT`), so all of them see the same moment whatever
    /// commits meanwhile. The holding transaction ends when the view is released.
    public func registerSnapshot() async throws(ArchiveError) -> any RegisterReader {
        try await snapshot()
    }

    /// Exports a snapshot held open until the returned view is released (see ``registerSnapshot()``).
    func snapshot() async throws(ArchiveError) -> PostgresRegisterSnapshot {
        let (stream, release) = AsyncStream<Never>.makeStream()
        let (ready, readyContinuation) = AsyncStream<Result<String, ArchiveError>>.makeStream()
        let client = self.client
        let logger = self.logger
        Task {
            do {
                try await client.withConnection { connection in
                    let c = Conn(connection, logger)
                    try await c.simple("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    let id = try await c.value("SELECT pg_export_snapshot()", String.self) ?? ""
                    readyContinuation.yield(.success(id))
                    readyContinuation.finish()
                    for await _ in stream {}
                    try? await c.simple("ROLLBACK")
                }
            } catch {
                readyContinuation.yield(.failure(Self.mapError(error, "Cannot take a snapshot of the archive")))
                readyContinuation.finish()
            }
        }
        var result: Result<String, ArchiveError>?
        for await value in ready { result = value }
        switch result {
        case .success(let id):
            return PostgresRegisterSnapshot(store: self, snapshotID: id, release: release)
        case .failure(let error):
            release.finish()
            throw error
        case nil:
            release.finish()
            throw ArchiveError(.database, "Cannot take a snapshot of the archive: cancelled")
        }
    }

    /// Runs `body` in a read-only transaction, importing `snapshot` when given.
    func readAt<T: Sendable>(
        _ snapshot: String?, _ context: @autoclosure () -> String, _ body: (Conn) async throws -> T
    ) async throws(ArchiveError) -> T {
        guard let snapshot else { return try await read(context(), body) }
        return try await read(context()) { c in
            try await c.exec("SET TRANSACTION SNAPSHOT \(unescaped: "'" + snapshot.filter { $0.isLetter || $0.isNumber || $0 == "-" } + "'")")
            return try await body(c)
        }
    }

    /// Rows of the register per query.
    static let registerPageSize = 5_000

    /// The query of a page: `$1` the last row's time (the month's start at first), `$2` the month's end, `$3` the
    /// last row's sequence number.
    static let registerPageSQL = RegisterSQL.page(
        condition: "e.occurred_at >= $1 AND e.occurred_at < $2 AND (e.occurred_at > $1 OR e.seq > $3)",
        limit: registerPageSize)

    /// The planner settings of the register's transaction (see below for why).
    static let registerPageSettings = [
        "SET LOCAL jit = off", "SET LOCAL enable_hashjoin = off", "SET LOCAL enable_mergejoin = off",
        "SET LOCAL enable_memoize = off",
    ]

    /// In pages of ``registerPageSize`` rows, each after the last row read (as SQLite's), all in one transaction,
    /// the next page read while `body` works through this one (PostgreSQL connections take one query at a time, so
    /// the overlap is the server's work on the next page against the report's on this one). A page is an index
    /// range of `events_occurred`, at most ``registerPageSize`` events (see `RegisterSQL`), joined to their
    /// transactions by primary key, to their receipts by `receipts_transaction` (index-only) and to refunds'
    /// originals by primary key; `RegisterReceiptChoice` keeps each event's receipt. Hash and merge joins are
    /// switched off for the pages, because the planner (costing the per-row receipt choice the query then made into
    /// the index path) hashed the whole `receipts` and `transactions` tables for every page instead (200 ms a page
    /// of a 100,000-event archive, growing with the archive, against 60 ms). JIT compilation is off too: each page's estimated cost passes `jit_above_cost`,
    /// and compiling its plan took 30–40 ms a page. Memoize is off: the planner put a cache in front of the
    /// transaction and receipt look-ups, but a register's events hardly repeat a transaction (7 hits in a page of
    /// 5,000), so every row paid for a cache miss on top of its look-up: 46–52 ms a page against 35–39 ms without.
    static func forEachRegisterEntry(
        _ store: PostgresArchiveStore, snapshot: String?, in month: YearMonth, _ body: (RegisterEntry) throws -> Void
    ) async throws {
        // The body's own errors pass through as they are; database errors become ArchiveErrors.
        let bodyError = BodyErrorBox()
        let sql = registerPageSQL
        let end = month.endEpochSeconds
        do {
            try await store.readAt(snapshot, "Cannot read the register of \(month)") { c in
                for setting in registerPageSettings { try await c.simple(setting) }
                @Sendable func page(after: RegisterPages.After) async throws -> [RegisterEntry] {
                    var bindings = PostgresBindings(capacity: 3)
                    bindings.append(after.occurredAt)
                    bindings.append(end)
                    bindings.append(after.seq)
                    var entries: [RegisterEntry] = []
                    entries.reserveCapacity(registerPageSize)
                    let rows = try await c.connection.query(
                        PostgresQuery(unsafeSQL: sql, binds: bindings), logger: c.logger)
                    var choice = RegisterReceiptChoice()
                    for try await row in rows {
                        try choice.add(RegisterRowValues(PostgresColumns(row: row)), to: &entries)
                    }
                    try choice.finish(into: &entries)
                    return entries
                }
                // The transaction must not end (and its connection go back to the pool) under a running query:
                // `forEach` awaits the page in flight before it throws.
                try await RegisterPages.forEach(
                    pageSize: registerPageSize, from: (month.startEpochSeconds, .min), page: page
                ) { entry in
                    do {
                        try body(entry)
                    } catch {
                        bodyError.error = error
                        throw error
                    }
                }
            }
        } catch {
            if let thrown = bodyError.error { throw thrown }
            throw error
        }
    }

    static func vatBreakdown(_ store: PostgresArchiveStore, snapshot: String?, in month: YearMonth)
        async throws(ArchiveError) -> [VATLine]
    {
        let rows = try await store.readAt(snapshot, "Cannot compute the VAT of \(month)") { c in
            for setting in vatSettings { try await c.simple(setting) }
            return try await c.rows(vatQuery(month)).map { row in
                VATQueryRow(
                    rate: try row("vat_rate", String.self), currency: try row("currency", String.self),
                    isRefund: try row("is_refund", Bool.self), gross: try row("gross", Int64.self),
                    vat: try row("vat", Int64.self), itemCount: Int(try row("n", Int64.self)),
                    otherMonthVAT: try row("other_vat", Int64.self))
            }
        }
        return try VATLine.lines(from: rows)
    }
}

extension PostgresArchiveStore {
    /// The VAT's planner settings. Compiling its plan (JIT) took 0.46 s of the query's 1.3 s on a 100,000-event
    /// month; and the planner, misjudging the month's receipts by 30×, sorted 1.5 million item rows on disk to
    /// group them: it hashes them with sorting off (nothing else in the query sorts).
    static let vatSettings = ["SET LOCAL jit = off", "SET LOCAL enable_sort = off"]

    /// The VAT of `month`: the month's receipts, each with whether it counts (every refund receipt; a sale receipt
    /// when no sale receipt of its transaction is older — `NOT EXISTS`, an index-only probe, where `MIN(id)`
    /// aggregated them: 5.0–5.7 → 4.3–5.1 s at a million events) and whether its register event is in another month,
    /// then their items grouped by rate, currency and refund. The receipts are a subquery the planner may not flatten
    /// (`OFFSET 0`): flattened into the join, the other-month look-ups ran once per item; as a `MATERIALIZED` CTE
    /// they ran once per receipt but the million rows went through a tuplestore spilled to disk (4.6–5.3 → 4.2 s,
    /// `pgbench`, alternated). `VATPlanTests` holds the look-ups to one per receipt.
    static func vatQuery(_ month: YearMonth) -> PostgresQuery {
        let start = month.startEpochSeconds
        let end = month.endEpochSeconds
        return """
            SELECT i.vat_rate, d.currency, d.is_refund, SUM(i.line_total - i.discount)::bigint AS gross,
                SUM(i.vat_amount)::bigint AS vat, COUNT(*) AS n,
                SUM(CASE WHEN d.other_month THEN i.vat_amount ELSE 0 END)::bigint AS other_vat
            FROM (
                SELECT r.id, r.currency, r.kind = 'refund' AS is_refund,
                    CASE WHEN r.kind = 'refund'
                        THEN NOT EXISTS(SELECT 1 FROM events e WHERE e.transaction_id = r.transaction_id
                            AND e.kind IN ('refund', 'cancellation') AND e.occurred_at >= \(start) AND e.occurred_at < \(end))
                        ELSE NOT EXISTS(SELECT 1 FROM events e WHERE e.transaction_id = r.transaction_id
                            AND e.kind IN ('payment', 'p2p') AND e.occurred_at >= \(start) AND e.occurred_at < \(end))
                    END AS other_month
                FROM receipts r
                WHERE r.issued_at >= \(start) AND r.issued_at < \(end)
                  AND (r.kind = 'refund' OR NOT EXISTS(SELECT 1 FROM receipts s
                      WHERE s.transaction_id = r.transaction_id AND s.kind <> 'refund' AND s.id < r.id))
                OFFSET 0
            ) d JOIN receipt_items i ON i.receipt_id = d.id
            WHERE i.vat_rate IS NOT NULL
            GROUP BY i.vat_rate, d.currency, d.is_refund
            """
    }
}

/// A register row's columns, by position (PostgreSQL's `bigint` columns; `status` is one too).
private struct PostgresColumns: RegisterColumnReader {
    let row: PostgresRandomAccessRow

    init(row: PostgresRow) {
        self.row = row.makeRandomAccess()
    }

    func cell(_ index: Int) throws -> PostgresCell {
        guard index < row.count else {
            throw ArchiveError(.corrupt, "A register row has \(row.count) columns, not \(RegisterRowValues.columnNames.count)")
        }
        return row[index]
    }

    func value(_ index: Int) throws -> Int64 { try cell(index).decode(Int64.self) }
    func value(_ index: Int) throws -> Int64? { try cell(index).decode(Int64?.self) }
    func value(_ index: Int) throws -> Int? { try cell(index).decode(Int64?.self).map { Int($0) } }
    func value(_ index: Int) throws -> String { try cell(index).decode(String.self) }
    func value(_ index: Int) throws -> String? { try cell(index).decode(String?.self) }
}

/// Carries an error thrown by a caller's closure out of the transaction helper, so that it is rethrown as it is.
final class BodyErrorBox: @unchecked Sendable {
    var error: (any Error)?
}

/// A frozen moment of a PostgreSQL archive (see ``PostgresArchiveStore/registerSnapshot()``).
final class PostgresRegisterSnapshot: RegisterReader, Sendable {
    let store: PostgresArchiveStore
    let snapshotID: String
    let release: AsyncStream<Never>.Continuation

    init(store: PostgresArchiveStore, snapshotID: String, release: AsyncStream<Never>.Continuation) {
        self.store = store
        self.snapshotID = snapshotID
        self.release = release
    }

    deinit { release.finish() }

    func forEachRegisterEntry(in month: YearMonth, _ body: (RegisterEntry) throws -> Void) async throws {
        try await PostgresArchiveStore.forEachRegisterEntry(store, snapshot: snapshotID, in: month, body)
    }

    func vatBreakdown(in month: YearMonth) async throws(ArchiveError) -> [VATLine] {
        try await PostgresArchiveStore.vatBreakdown(store, snapshot: snapshotID, in: month)
    }

    func chainHead() async throws(ArchiveError) -> String {
        try await store.readAt(snapshotID, "Cannot read the chain head") { c in
            try await PostgresArchiveStore.chainHead(c)
        }
    }

    func lastChangeAt() async throws(ArchiveError) -> Int64? {
        try await store.readAt(snapshotID, "Cannot read the archive") { c in
            try await PostgresArchiveStore.lastChangeAt(c)
        }
    }
}
