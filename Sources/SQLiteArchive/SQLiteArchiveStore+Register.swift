import Archive
import FiscalCore
import GRDB

extension SQLiteArchiveStore {
    /// Streams the register of a Tashkent month: every event whose `occurred_at` falls in it, ordered by
    /// `occurred_at`, then sequence, in pages (memory stays flat: two pages at most).
    ///
    /// Each entry carries the transaction's last known status, vendor order id, receipt URL, pipeline state and
    /// reason, and a receipt summary: for `payment`/`p2p` the archived sale receipt; for `refund`/`cancellation` the
    /// archived refund receipt of the same transaction whose total equals the refunded amount, else its first
    /// refund receipt. Refunds and cancellations carry the payment's date as `relatedTransactionDate`.
    ///
    /// Entries are read in pages of ``registerPageSize`` by `(occurred_at, seq)` through GRDB's async access, so no
    /// thread of the cooperative pool waits on SQLite; each page is its own short read (the next one runs while
    /// `body` works through the current one). A report that needs one frozen moment reads through
    /// ``registerSnapshot()``.
    public func forEachRegisterEntry(in month: YearMonth, _ body: (RegisterEntry) throws -> Void) async throws {
        try await Self.forEachRegisterEntry(pool, in: month, body)
    }

    /// How many register entries one read fetches.
    static let registerPageSize = 2_000

    static func forEachRegisterEntry(
        _ reader: some DatabaseReader, in month: YearMonth, _ body: (RegisterEntry) throws -> Void
    ) async throws {
        let sql = RegisterSQL.page(
            condition: "e.occurred_at >= ?1 AND e.occurred_at < ?2 AND (e.occurred_at > ?1 OR e.seq > ?3)",
            limit: registerPageSize)
        // The page starts at the last row's second (an index seek), skipping that second's rows already read. (A
        // row-value condition `(occurred_at, seq) > (?, ?)` reads the same, but SQLite 3.40 seeks only by the month's
        // start with it and steps over every row before the page: a month of a million events read that way took
        // 15 s more per pass.)
        let endOfMonth = month.endEpochSeconds
        @Sendable func page(after: RegisterPages.After) async throws -> [RegisterEntry] {
            do {
                return try await reader.read { db in
                    var entries: [RegisterEntry] = []
                    var choice = RegisterReceiptChoice()
                    let rows = try Row.fetchCursor(
                        db.cachedStatement(sql: sql), arguments: [after.occurredAt, endOfMonth, after.seq])
                    while let row = try rows.next() {
                        try choice.add(RegisterRowValues(SQLiteColumns(row: row)), to: &entries)
                    }
                    try choice.finish(into: &entries)
                    return entries
                }
            } catch let error as DatabaseError {
                throw Self.mapError(error, "Cannot read the register of \(month)")
            }
        }
        try await RegisterPages.forEach(
            pageSize: registerPageSize, from: (month.startEpochSeconds, .min), page: page, body)
    }

    /// VAT by rate and currency of the month, by **receipt date** (what the tax authority sees): the items of the
    /// sale receipts (each transaction's first, as the register shows it) and of every refund receipt issued in the
    /// month, refunds negative; with the part whose event lies in another month (``VATLine/otherMonthVAT``). Items
    /// without a VAT rate are left out. Ordered by rate.
    public func vatBreakdown(in month: YearMonth) async throws(ArchiveError) -> [VATLine] {
        try await Self.vatBreakdown(pool, in: month)
    }

    /// One query per Tashkent day of receipt dates, summed: the grouping sorts the rows it groups in memory
    /// (`temp_store = MEMORY`), and a whole month's item rows at once (1.5 million for a million events) took
    /// 100 MB; a day's take a thirtieth of that. `?1`/`?2` bound the month (whose events make a receipt "of this
    /// month"), `?3`/`?4` the day. A sale receipt counts when no older sale receipt of its transaction exists (as on
    /// PostgreSQL: a `NOT EXISTS` probe, ~5 % less than `r.id = (SELECT MIN(id) …)`); every look-up is an index's
    /// alone (`QueryPlanTests.theVATReadsTheMonthsReceiptsFromIndexesAlone`).
    static let vatSQL = """
        WITH dated AS (
            SELECT r.id, r.currency, r.kind = 'refund' AS is_refund,
                CASE WHEN r.kind = 'refund'
                    THEN NOT EXISTS(SELECT 1 FROM events e WHERE e.transaction_id = r.transaction_id
                        AND e.kind IN ('refund', 'cancellation') AND e.occurred_at >= ?1 AND e.occurred_at < ?2)
                    ELSE NOT EXISTS(SELECT 1 FROM events e WHERE e.transaction_id = r.transaction_id
                        AND e.kind IN ('payment', 'p2p') AND e.occurred_at >= ?1 AND e.occurred_at < ?2)
                END AS other_month
            FROM receipts r
            WHERE r.issued_at >= ?3 AND r.issued_at < ?4
              AND (r.kind = 'refund' OR NOT EXISTS(SELECT 1 FROM receipts s
                  WHERE s.transaction_id = r.transaction_id AND s.kind <> 'refund' AND s.id < r.id))
        )
        SELECT i.vat_rate, d.currency, d.is_refund, SUM(i.line_total - i.discount) AS gross,
            SUM(i.vat_amount) AS vat, COUNT(*) AS n,
            SUM(CASE WHEN d.other_month THEN i.vat_amount ELSE 0 END) AS other_vat
        FROM dated d JOIN receipt_items i ON i.receipt_id = d.id
        WHERE i.vat_rate IS NOT NULL
        GROUP BY i.vat_rate, d.currency, d.is_refund
        """

    static func vatBreakdown(_ reader: some DatabaseReader, in month: YearMonth) async throws(ArchiveError)
        -> [VATLine]
    {
        let rows: [VATRow]
        do {
            rows = try await reader.read { db in
                let statement = try db.makeStatement(sql: vatSQL)
                var rows: [VATRow] = []
                for day in 0..<month.dayCount {
                    let start = month.startEpochSeconds + Int64(day) * 86_400
                    rows += try VATRow.fetchAll(
                        statement, arguments: [month.startEpochSeconds, month.endEpochSeconds, start, start + 86_400])
                }
                return rows
            }
        } catch {
            throw Self.mapError(error, "Cannot compute the VAT of \(month)")
        }
        return try VATLine.lines(from: rows.map {
            VATQueryRow(
                rate: $0.vatRate, currency: $0.currency, isRefund: $0.isRefund, gross: $0.gross, vat: $0.vat,
                itemCount: $0.n, otherMonthVAT: $0.otherVat)
        })
    }

    /// The Tashkent months that have at least one event, oldest first.
    public func monthsWithEvents() async throws(ArchiveError) -> [YearMonth] {
        try await asyncRead("Cannot list the months") { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT strftime('%Y-%m', occurred_at + \(Tashkent.offsetSeconds), 'unixepoch') AS m
                    FROM events ORDER BY m
                    """
            ).compactMap(YearMonth.init(parsing:))
        }
    }
}

/// A register row's columns, by position (a month is a million rows: decoding them by name, `Decodable` with
/// snake-case keys, once cost ~80 µs a row, most of a report's time).
private struct SQLiteColumns: RegisterColumnReader {
    let row: Row
    func value(_ index: Int) throws -> Int64 { try row.decode(atIndex: index) }
    func value(_ index: Int) throws -> Int64? { try row.decode(atIndex: index) }
    func value(_ index: Int) throws -> Int? { try row.decode(atIndex: index) }
    func value(_ index: Int) throws -> String { try row.decode(atIndex: index) }
    func value(_ index: Int) throws -> String? { try row.decode(atIndex: index) }
}

/// A row of the VAT query.
private struct VATRow: Decodable, FetchableRecord {
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase

    var vatRate: String
    var currency: String
    var isRefund: Bool
    var gross: Int64
    var vat: Int64
    var n: Int
    var otherVat: Int64
}
