import FiscalCore

/// The register's page query, one text for every backend (each supplies its own paging condition on
/// `e.occurred_at`/`e.seq` and its own parameter syntax): a page of the month's events, in order, each with its
/// transaction and the receipts the register may show for it — for a payment or p2p the transaction's non-refund
/// receipts, for a refund or cancellation its refund receipts, with, for those, the receipt's original URL — one row
/// per candidate receipt (one row with no receipt when there is none). Which candidate a row of the register shows
/// (the first non-refund receipt; the first refund receipt whose total is the refunded amount, else the first refund
/// receipt) is chosen while the rows are read, by ``RegisterReceiptChoice``: an event's candidates are adjacent, as
/// the rows are ordered by the event.
///
/// The page of events is chosen first, in a subquery of its own, and only its rows are joined: written as one flat
/// join with the `LIMIT` outside, PostgreSQL's planner costed the per-row receipt look-ups (correlated subqueries)
/// into the index path and chose hash joins over every remaining event of the month instead, then a top-N sort —
/// each page did the work of the rest of the month (a 100,000-event month's register took 6 s of server time
/// instead of under 1 s).
///
/// The candidates are joined, not chosen in SQL: on PostgreSQL the choice was a `LATERAL` look-up per event
/// (`ORDER BY` matching total, id, `LIMIT 1`), whose per-row sort and subquery machinery took ~4 of the ~6.5 s of
/// server time a million-event month's register took (`EXPLAIN ANALYZE`); with the plain join the same month took
/// 4.5–4.9 s. Before that, a `CASE` of correlated subqueries (still SQLite's way until then) was evaluated twice per
/// row by PostgreSQL.
package enum RegisterSQL {
    /// The query of one page: `condition` selects the events (aliased `e`), at most `limit` of them.
    package static func page(condition: String, limit: Int) -> String {
        """
        SELECT \(eventAndTransactionColumns),
            \(receiptColumns),
            CASE WHEN e.kind NOT IN ('payment', 'p2p')
                THEN (SELECT o.url FROM originals o WHERE o.id = r.original_id) END AS receipt_original_url,
            r.id AS receipt_id
        FROM \(events(condition: condition, limit: limit))
        JOIN transactions t ON t.id = e.transaction_id
        LEFT JOIN receipts r ON r.transaction_id = e.transaction_id
            AND (r.kind = 'refund') = (e.kind NOT IN ('payment', 'p2p'))
        ORDER BY e.occurred_at, e.seq
        """
    }

    /// The event's and its transaction's columns of a row (the first 16 of ``RegisterRowValues/columnNames``).
    private static let eventAndTransactionColumns = """
        e.seq, e.kind, e.transaction_id, e.occurred_at, e.amount, e.currency, e.source, e.note,
            e.operation_id, t.type, t.status, t.vendor_order_id, t.receipt_url, t.paid_at, t.state, t.last_error
        """

    /// The receipt's columns of a row (the next 9), from the receipt aliased `r`.
    private static let receiptColumns = """
        r.fiscal_sign, r.terminal_id, r.receipt_number, r.total, r.vat_total, r.currency AS receipt_currency,
            r.commissioner_tin, r.kind AS receipt_kind, r.issued_at AS receipt_issued_at
        """

    /// The page of events, chosen before anything is joined to them, aliased `e`.
    private static func events(condition: String, limit: Int) -> String {
        """
        (
            SELECT e.seq, e.kind, e.transaction_id, e.occurred_at, e.amount, e.currency, e.source, e.note,
                e.operation_id
            FROM events e
            WHERE \(condition)
            ORDER BY e.occurred_at, e.seq
            LIMIT \(limit)
        ) e
        """
    }
}

/// One row of ``RegisterSQL/page(condition:limit:)``, column by column in the query's order (backends read it by
/// position: by name, PostgresNIO hashed every column name of every row, a third of the client's work on a
/// register), and the rules that make it a ``RegisterEntry`` — the same for every backend.
package struct RegisterRowValues {
    /// Reads the columns in order, each decoded by `column` as the type its field has.
    package init(_ column: some RegisterColumnReader) throws {
        seq = try column.value(0)
        kind = try column.value(1)
        transactionId = try column.value(2)
        occurredAt = try column.value(3)
        amount = try column.value(4)
        currency = try column.value(5)
        source = try column.value(6)
        note = try column.value(7)
        operationId = try column.value(8)
        type = try column.value(9)
        status = try column.value(10)
        vendorOrderId = try column.value(11)
        receiptUrl = try column.value(12)
        paidAt = try column.value(13)
        state = try column.value(14)
        lastError = try column.value(15)
        fiscalSign = try column.value(16)
        terminalId = try column.value(17)
        receiptNumber = try column.value(18)
        total = try column.value(19)
        vatTotal = try column.value(20)
        receiptCurrency = try column.value(21)
        commissionerTin = try column.value(22)
        receiptKind = try column.value(23)
        receiptIssuedAt = try column.value(24)
        receiptOriginalUrl = try column.value(25)
        receiptId = try column.value(26)
    }

    /// The query's output columns, in order (`RegisterSQLTests` holds the query to them).
    package static let columnNames = [
        "seq", "kind", "transaction_id", "occurred_at", "amount", "currency", "source", "note", "operation_id", "type",
        "status", "vendor_order_id", "receipt_url", "paid_at", "state", "last_error", "fiscal_sign", "terminal_id",
        "receipt_number", "total", "vat_total", "receipt_currency", "commissioner_tin", "receipt_kind",
        "receipt_issued_at", "receipt_original_url", "receipt_id",
    ]

    package var seq: Int64
    package var kind: String
    package var transactionId: Int64
    package var occurredAt: Int64
    package var amount: Int64
    package var currency: String
    package var source: String
    package var note: String?
    package var operationId: Int64?
    package var type: String
    package var status: Int?
    package var vendorOrderId: String?
    package var receiptUrl: String?
    package var paidAt: Int64?
    package var state: String
    package var lastError: String?
    package var fiscalSign: String?
    package var terminalId: String?
    package var receiptNumber: String?
    package var total: Int64?
    package var vatTotal: Int64?
    package var receiptCurrency: String?
    package var commissionerTin: String?
    package var receiptKind: String?
    package var receiptIssuedAt: Int64?
    package var receiptOriginalUrl: String?
    package var receiptId: Int64?

    /// The entry; an unreadable kind, type, currency or source is a "corrupt" error naming the transaction.
    package func entry() throws(ArchiveError) -> RegisterEntry {
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

/// Which of an event's candidate rows (``RegisterSQL/page(condition:limit:)``: one per receipt of the event's side)
/// the register shows: for a payment or p2p transfer the first receipt (lowest id); for a refund or cancellation the
/// first refund receipt whose total is the refunded amount, else the first refund receipt. Rows are added in page
/// order, where an event's candidates are adjacent; an event's entry is appended once the next event's first row
/// (or ``finish(into:)``) shows its candidates are complete.
package struct RegisterReceiptChoice {
    private var pending: RegisterRowValues?

    package init() {}

    /// Takes the next row; appends the previous event's entry to `entries` when `row` starts another event.
    package mutating func add(_ row: RegisterRowValues, to entries: inout [RegisterEntry]) throws(ArchiveError) {
        guard let current = pending else {
            pending = row
            return
        }
        guard current.seq == row.seq else {
            pending = row
            entries.append(try current.entry())
            return
        }
        if Self.prefers(row, over: current) { pending = row }
    }

    /// Appends the last event's entry, if any.
    package mutating func finish(into entries: inout [RegisterEntry]) throws(ArchiveError) {
        defer { pending = nil }
        if let last = pending { entries.append(try last.entry()) }
    }

    /// Whether `candidate` is shown rather than `chosen` (two rows of one event).
    static func prefers(_ candidate: RegisterRowValues, over chosen: RegisterRowValues) -> Bool {
        guard let candidateID = candidate.receiptId else { return false }
        guard let chosenID = chosen.receiptId else { return true }
        if candidate.kind != "payment", candidate.kind != "p2p" {
            let candidateMatches = candidate.total == -candidate.amount
            let chosenMatches = chosen.total == -chosen.amount
            if candidateMatches != chosenMatches { return candidateMatches }
        }
        return candidateID < chosenID
    }
}

/// How a backend hands one column of a register row to ``RegisterRowValues``: decoded by position as the asked type.
package protocol RegisterColumnReader {
    func value(_ index: Int) throws -> Int64
    func value(_ index: Int) throws -> Int64?
    func value(_ index: Int) throws -> Int?
    func value(_ index: Int) throws -> String
    func value(_ index: Int) throws -> String?
}

/// How every backend walks a month's register: in pages of `pageSize` rows, each after the last row read, the next
/// page read while `body` works through this one (the query and the report's own work overlap: on two cores a
/// month's register costs the larger of the two, not their sum).
package enum RegisterPages {
    /// A page's start: the last row's time and sequence number.
    package typealias After = (occurredAt: Int64, seq: Int64)

    /// Calls `body` with every entry of the pages `page` reads, from `start`. On any error the page being read is
    /// cancelled and awaited before this returns, so no query outlives the caller's transaction.
    package static func forEach(
        pageSize: Int, from start: After, page: @escaping @Sendable (After) async throws -> [RegisterEntry],
        _ body: (RegisterEntry) throws -> Void
    ) async throws {
        var next: Task<[RegisterEntry], any Error>? = Task { try await page(start) }
        do {
            while let pending = next {
                let entries = try await pending.value
                if entries.count == pageSize, let last = entries.last {
                    next = Task { try await page((last.occurredAt, last.sequence)) }
                } else {
                    next = nil
                }
                for entry in entries { try body(entry) }
            }
        } catch {
            next?.cancel()
            _ = try? await next?.value
            throw error
        }
    }
}
