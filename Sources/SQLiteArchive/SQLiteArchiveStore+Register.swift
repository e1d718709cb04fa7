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
        @Sendable func page(after: (occurredAt: Int64, seq: Int64)) async throws -> [RegisterEntry] {
            do {
                return try await reader.read { db in
                    try RegisterRow.fetchAll(
                        db.cachedStatement(sql: sql), arguments: [after.occurredAt, endOfMonth, after.seq]
                    ).map { try $0.entry() }
                }
            } catch let error as DatabaseError {
                throw Self.mapError(error, "Cannot read the register of \(month)")
            }
        }
        // The next page is read (and decoded) on GRDB's reader while `body` works through this one, so the query
        // and the report's own work overlap: on two cores a month's register costs the larger of the two, not
        // their sum.
        var next: Task<[RegisterEntry], any Error>? = Task { try await page(after: (month.startEpochSeconds, .min)) }
        defer { next?.cancel() }
        while let pending = next {
            let entries = try await pending.value
            if entries.count == registerPageSize, let last = entries.last {
                next = Task { try await page(after: (last.occurredAt, last.sequence)) }
            } else {
                next = nil
            }
            for entry in entries { try body(entry) }
        }
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
    /// month"), `?3`/`?4` the day.
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
              AND (r.kind = 'refund' OR r.id = (SELECT MIN(id) FROM receipts s
                  WHERE s.transaction_id = r.transaction_id AND s.kind <> 'refund'))
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

/// A row of the register query, read by column position in the query's order: a month is a million rows, and
/// decoding them by name (`Decodable` with snake-case keys) cost ~80 µs a row, most of a report's time.
private struct RegisterRow: FetchableRecord {
    init(row: Row) {
        seq = row[0]
        kind = row[1]
        transactionId = row[2]
        occurredAt = row[3]
        amount = row[4]
        currency = row[5]
        source = row[6]
        note = row[7]
        operationId = row[8]
        type = row[9]
        status = row[10]
        vendorOrderId = row[11]
        receiptUrl = row[12]
        paidAt = row[13]
        state = row[14]
        lastError = row[15]
        fiscalSign = row[16]
        terminalId = row[17]
        receiptNumber = row[18]
        total = row[19]
        vatTotal = row[20]
        receiptCurrency = row[21]
        commissionerTin = row[22]
        receiptKind = row[23]
        receiptIssuedAt = row[24]
        receiptOriginalUrl = row[25]
    }

    var seq: Int64
    var kind: String
    var transactionId: Int64
    var occurredAt: Int64
    var amount: Int64
    var currency: String
    var source: String
    var note: String?
    var operationId: Int64?
    var type: String
    var status: Int?
    var vendorOrderId: String?
    var receiptUrl: String?
    var paidAt: Int64?
    var state: String
    var lastError: String?
    var fiscalSign: String?
    var terminalId: String?
    var receiptNumber: String?
    var total: Int64?
    var vatTotal: Int64?
    var receiptCurrency: String?
    var commissionerTin: String?
    var receiptKind: String?
    var receiptIssuedAt: Int64?
    var receiptOriginalUrl: String?

    /// The entry; an unreadable kind, type, currency or source is a "corrupt" error naming the transaction.
    func entry() throws -> RegisterEntry {
        let id = TransactionID(transactionId)
        let currency = try Currency(rawValue: currency).orCorrupt("event currency", id)
        let event = try RegisterEntry.Event(rawValue: kind).orCorrupt("event kind", id)
        var summary: RegisterEntry.ReceiptSummary?
        if let total, let terminalId {
            let receiptCurrency = try receiptCurrency.flatMap(Currency.init(rawValue:)).orCorrupt("receipt currency", id)
            summary = RegisterEntry.ReceiptSummary(
                fiscalSign: fiscalSign, terminalID: terminalId, receiptNumber: try receiptNumber.orCorrupt("receipt number", id),
                total: Money(minorUnits: total, currency: receiptCurrency),
                vatAmount: Money(minorUnits: try vatTotal.orCorrupt("receipt VAT total", id), currency: receiptCurrency),
                commissionerTIN: commissionerTin,
                kind: try receiptKind.flatMap(FiscalReceipt.Kind.init(rawValue:)).orCorrupt("receipt kind", id),
                issuedAt: receiptIssuedAt)
        }
        let isPayment = event == .payment || event == .p2p
        var notes: [String] = []
        if let operationId { notes.append("operation #\(operationId)") }
        if let note { notes.append(note) }
        var money = Money(minorUnits: amount, currency: currency)
        let source = try RegisterEntry.Source(rawValue: source).orCorrupt("event source", id)
        // A refund seen only as status 6 was recorded with amount 0 (the status does not say how much). Its refund
        // receipt, once archived, tells: the register shows that amount. Without one the amount stays unknown.
        var amountUnknown = false
        if event == .refund, source == .detected, money.minorUnits == 0 {
            if let receipt = summary, receipt.kind == .refund, receipt.total.currency == currency {
                money = -receipt.total
                notes.append("amount from refund receipt \(receipt.terminalID)/\(receipt.receiptNumber)")
            } else {
                amountUnknown = true
            }
        }
        return RegisterEntry(
            sequence: seq, event: event, transactionID: id,
            transactionType: try TransactionType(rawValue: type).orCorrupt("type", id),
            occurredAt: occurredAt, amount: money,
            status: PaySysStatus(rawValue: status ?? PaySysStatus.completed.rawValue),
            vendorOrderID: vendorOrderId, receipt: summary,
            receiptURL: isPayment ? receiptUrl : receiptOriginalUrl,
            relatedTransactionDate: isPayment ? nil : paidAt,
            source: source, note: notes.isEmpty ? nil : notes.joined(separator: "; "), pipelineState: state,
            pipelineReason: state == "archived" ? nil : lastError, amountUnknown: amountUnknown)
    }
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
