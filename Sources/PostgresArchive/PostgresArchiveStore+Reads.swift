import Archive
import FiscalCore
import Foundation
import PostgresNIO

/// Reads: transactions, status, events, receipts, originals, lookup, months, meta and named leases.
extension PostgresArchiveStore {
    public func transaction(_ id: TransactionID) async throws(ArchiveError) -> TransactionRecord? {
        try await read("Cannot read transaction \(id)", id: id) { c in
            guard let row = try await c.row("SELECT * FROM transactions WHERE id = \(id.rawValue)") else { return nil }
            let history = try await c.rows("""
                SELECT status, observed_at FROM status_history WHERE transaction_id = \(id.rawValue) ORDER BY id
                """
            ).map {
                StatusChange(status: PaySysStatus(rawValue: Int(try $0("status", Int64.self))), observedAt: try $0("observed_at"))
            }
            let events = try await c.rows("SELECT * FROM events WHERE transaction_id = \(id.rawValue) ORDER BY seq")
                .map(Self.event)
            let operations = try await c.rows("SELECT * FROM operations WHERE transaction_id = \(id.rawValue) ORDER BY id")
                .map(Self.operation)
            let state = try PipelineState(rawValue: try row("state", String.self)).orCorrupt("state", id)
            return TransactionRecord(
                id: id, type: try TransactionType(rawValue: try row("type", String.self)).orCorrupt("type", id),
                state: state, step: (try row("step", String?.self)).flatMap(PipelineStep.init(rawValue:)),
                attempts: Int(try row("attempts", Int64.self)),
                nextAttemptAt: state == .archived || state == .failed ? nil : try row("next_attempt_at"),
                firstWaitingAt: try row("first_waiting_at"), lastError: try row("last_error"),
                vendorOrderID: try row("vendor_order_id"), trackedAt: try row("tracked_at"),
                updatedAt: try row("updated_at"), payment: try Self.paymentSnapshot(row, id),
                receiptURL: try row("receipt_url"), refundURLs: try await Self.refundLinks(c, id),
                lastRecheckAt: try row("last_recheck_at"), statusHistory: history, events: events,
                operations: operations)
        }
    }

    public func status(now: Int64) async throws(ArchiveError) -> ArchiveStatus {
        try await read("Cannot read the archive status") { c in
            var counts = Dictionary(uniqueKeysWithValues: PipelineState.allCases.map { ($0, 0) })
            var totals: [String: Int] = [:]
            for row in try await c.rows("SELECT name, n FROM archive_counts") {
                let name = try row("name", String.self)
                let n = Int(try row("n", Int64.self))
                if name.hasPrefix("state:") {
                    if let state = PipelineState(rawValue: String(name.dropFirst(6))) { counts[state] = n }
                } else {
                    totals[name] = n
                }
            }
            func lines(_ query: PostgresQuery) async throws -> [ArchiveStatus.Line] {
                try await c.rows(query).map { row in
                    ArchiveStatus.Line(
                        id: TransactionID(try row("id", Int64.self)),
                        step: (try row("step", String?.self)).flatMap(PipelineStep.init(rawValue:)),
                        reason: try row("last_error"), attempts: Int(try row("attempts", Int64.self)),
                        nextAttemptAt: try row("next_attempt_at"))
                }
            }
            let failures = try await lines("""
                SELECT id, step, last_error, attempts, NULL::bigint AS next_attempt_at FROM transactions
                WHERE state = 'failed' ORDER BY updated_at, id LIMIT 100
                """)
            let quarantined = try await lines("""
                SELECT id, step, last_error, attempts, NULL::bigint AS next_attempt_at FROM transactions
                WHERE state = 'quarantined' ORDER BY updated_at, id LIMIT 100
                """)
            let waiting = try await lines("""
                SELECT id, step, last_error, attempts, next_attempt_at FROM transactions
                WHERE state = 'waiting' ORDER BY next_attempt_at, id LIMIT 100
                """)
            let due = try await c.value("""
                SELECT COUNT(*) FROM transactions
                WHERE state IN (\(unescaped: Self.pendingStates)) AND next_attempt_at <= \(now)
                  AND (lease_until IS NULL OR lease_until <= \(now))
                """, Int64.self) ?? 0
            let pendingOperations = try await c.value(
                "SELECT COUNT(*) FROM operations WHERE state = 'pending'", Int64.self) ?? 0
            let rechecksDue = try await c.value("""
                SELECT COUNT(*) FROM transactions WHERE next_recheck_at <= \(now) AND status IN (2, 6)
                """, Int64.self) ?? 0
            let lastSync = try await c.value("SELECT value FROM meta WHERE key = 'last_sync_at'", String.self)
            return ArchiveStatus(
                countsByState: counts, failures: failures, waiting: waiting, dueNow: Int(due),
                originals: totals["originals"] ?? 0, receipts: totals["receipts"] ?? 0, events: totals["events"] ?? 0,
                pendingOperations: Int(pendingOperations), lastSyncAt: lastSync.flatMap { Int64($0) },
                lastExportMonth: try await c.value("SELECT value FROM meta WHERE key = 'last_export_month'", String.self),
                chainHead: try await Self.chainHead(c), quarantined: quarantined, rechecksDue: Int(rechecksDue))
        }
    }

    public func events(of id: TransactionID) async throws(ArchiveError) -> [ArchiveEvent] {
        try await read("Cannot read the events of transaction \(id)", id: id) { c in
            try await c.rows("SELECT * FROM events WHERE transaction_id = \(id.rawValue) ORDER BY seq").map(Self.event)
        }
    }

    /// Reads an event row.
    static func event(_ row: Row) throws -> ArchiveEvent {
        let id = TransactionID(try row("transaction_id", Int64.self))
        let currency = try Currency(rawValue: try row("currency", String.self)).orCorrupt("event currency", id)
        return ArchiveEvent(
            sequence: try row("seq"),
            kind: try RegisterEntry.Event(rawValue: try row("kind", String.self)).orCorrupt("event kind", id),
            transactionID: id, amount: Money(minorUnits: try row("amount"), currency: currency),
            occurredAt: try row("occurred_at"),
            source: try RegisterEntry.Source(rawValue: try row("source", String.self)).orCorrupt("event source", id),
            operationID: try row("operation_id"), note: try row("note"), recordedAt: try row("recorded_at"))
    }

    public func receipt(for id: TransactionID) async throws(ArchiveError) -> ArchivedReceipt? {
        try await receipts(for: id).first { $0.receipt.kind != .refund }
    }

    public func receipts(for id: TransactionID) async throws(ArchiveError) -> [ArchivedReceipt] {
        try await read("Cannot read the receipts of transaction \(id)", id: id) { c in
            var receipts: [ArchivedReceipt] = []
            for row in try await c.rows("""
                SELECT r.id, r.document, r.original_id, r.archived_at, o.sha256, o.url, o.fetched_at
                FROM receipts r JOIN originals o ON o.id = r.original_id
                WHERE r.transaction_id = \(id.rawValue) ORDER BY r.kind = 'refund', r.id
                """)
            {
                receipts.append(ArchivedReceipt(
                    transactionID: id, receipt: try Self.decodeReceipt(try row("document"), id: id),
                    warnings: try await Self.warnings(c, receiptID: try row("id")), originalID: try row("original_id"),
                    originalSHA256: try row("sha256"), originalURL: try row("url"), fetchedAt: try row("fetched_at"),
                    archivedAt: try row("archived_at")))
            }
            return receipts
        }
    }

    public func original(for id: TransactionID) async throws(ArchiveError) -> StoredOriginal? {
        let originalID = try await read("Cannot find the original of transaction \(id)", id: id) { c in
            try await c.value("""
                SELECT o.id FROM originals o LEFT JOIN receipts r ON r.original_id = o.id
                WHERE o.transaction_id = \(id.rawValue)
                ORDER BY (r.id IS NOT NULL AND r.kind <> 'refund') DESC, r.id NULLS FIRST, o.id DESC LIMIT 1
                """, Int64.self)
        }
        guard let originalID else { return nil }
        return try await original(id: originalID)
    }

    public func original(id originalID: Int64) async throws(ArchiveError) -> StoredOriginal? {
        try await read("Cannot read original \(originalID)") { c in
            try await c.row("SELECT * FROM originals WHERE id = \(originalID)").map(Self.storedOriginal)
        }
    }

    /// Decodes an originals row. Damaged compressed data gives empty bytes and `hashMatches == false`.
    static func storedOriginal(_ row: Row) throws -> StoredOriginal {
        let tid = TransactionID(try row("transaction_id", Int64.self))
        var data = try row("data", ByteBuffer.self)
        let compressed = data.readBytes(length: data.readableBytes) ?? []
        let bytes = Compression.inflate(compressed, size: Int(try row("size", Int64.self)))
        let sha = try row("sha256", String.self)
        return StoredOriginal(
            id: try row("id"), transactionID: tid, bytes: bytes ?? [], sha256: sha, url: try row("url"),
            httpStatus: Int(try row("http_status", Int64.self)), contentType: try row("content_type"),
            fetchedAt: try row("fetched_at"),
            format: try OriginalDocument.Format(rawValue: try row("format", String.self)).orCorrupt("original format", tid),
            hashMatches: bytes.map { IntegrityChain.sha256Hex($0) == sha } ?? false)
    }

    // MARK: - Lookup

    public func lookup(_ query: LookupQuery, limit: Int, offset: Int) async throws(ArchiveError) -> [LookupHit] {
        let saleReceipt = """
            LEFT JOIN receipts r ON r.id = (SELECT id FROM receipts WHERE transaction_id = t.id
                ORDER BY kind = 'refund', id LIMIT 1)
            """
        var sql = "SELECT t.id, t.type, t.state, t.paid_at, t.amount, t.currency, t.status, t.vendor_order_id, "
            + "t.receipt_url, r.kind, r.fiscal_sign, r.terminal_id, r.receipt_number, r.seller_name, r.seller_tin, "
            + "r.total, r.currency AS receipt_currency, r.issued_at FROM transactions t "
        var conditions: [String] = []
        var binds = PostgresBindings()
        func bind(_ value: some PostgresNonThrowingEncodable) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        switch query.criterion {
        case .transaction(let id):
            sql += saleReceipt
            conditions.append("t.id = \(bind(id.rawValue))")
        case .all:
            sql += saleReceipt
        case .fiscalSign(let sign):
            sql += "JOIN receipts r ON r.transaction_id = t.id"
            conditions.append("r.fiscal_sign = \(bind(trimmed(sign)))")
        case .terminalReceipt(let terminal, let receipt):
            sql += "JOIN receipts r ON r.transaction_id = t.id"
            conditions.append(
                "r.terminal_id = \(bind(trimmed(terminal))) AND r.receipt_number = \(bind(trimmed(receipt)))")
        case .tin(let tin):
            sql += "JOIN receipts r ON r.transaction_id = t.id"
            let value = bind(trimmed(tin))
            conditions.append(
                "(r.seller_tin = \(value) OR r.id IN (SELECT receipt_id FROM receipt_items WHERE commissioner_tin = \(value)))")
        case .text(let words):
            let terms = SearchVector.terms(words)
            guard !terms.isEmpty else { return [] }
            sql += "JOIN receipts r ON r.transaction_id = t.id"
            // Each term is a quoted prefix lexeme ('word':*); terms hold only letters and digits, and are bound.
            conditions.append("""
                r.search @@ (SELECT string_agg(quote_literal(w) || ':*', ' & ')::tsquery
                    FROM unnest(\(bind(terms))::text[]) AS w)
                """)
        }
        if let dates = query.dates {
            let lower = bind(dates.lowerBound)
            let upper = bind(dates.upperBound)
            conditions.append("COALESCE(t.paid_at, r.issued_at) >= \(lower) AND COALESCE(t.paid_at, r.issued_at) < \(upper)")
        }
        if let amounts = query.amounts {
            conditions.append(
                "COALESCE(t.amount, r.total) BETWEEN \(bind(amounts.lowerBound)) AND \(bind(amounts.upperBound))")
        }
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY COALESCE(t.paid_at, r.issued_at) DESC NULLS LAST, t.id, r.id NULLS FIRST"
        sql += " LIMIT \(bind(Int64(max(0, limit)))) OFFSET \(bind(Int64(max(0, offset))))"
        let finalQuery = PostgresQuery(unsafeSQL: sql, binds: binds)
        return try await read("Cannot look up \(query.criterion)") { c in
            try await c.rows(finalQuery).map(Self.hit)
        }
    }

    private func trimmed(_ text: String) -> String {
        String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    static func hit(_ row: Row) throws -> LookupHit {
        let id = TransactionID(try row("id", Int64.self))
        func money(_ amount: String, _ currency: String) throws -> Money? {
            guard let minor = try row(amount, Int64?.self),
                let code = try row(currency, String?.self), let currency = Currency(rawValue: code)
            else { return nil }
            return Money(minorUnits: minor, currency: currency)
        }
        return LookupHit(
            transactionID: id, type: try TransactionType(rawValue: try row("type", String.self)).orCorrupt("type", id),
            state: try PipelineState(rawValue: try row("state", String.self)).orCorrupt("state", id),
            paidAt: try row("paid_at"), amount: try money("amount", "currency"),
            status: (try row("status", Int64?.self)).map { PaySysStatus(rawValue: Int($0)) },
            vendorOrderID: try row("vendor_order_id"),
            receiptKind: (try row("kind", String?.self)).flatMap(FiscalReceipt.Kind.init(rawValue:)),
            fiscalSign: try row("fiscal_sign"), terminalID: try row("terminal_id"),
            receiptNumber: try row("receipt_number"), sellerName: try row("seller_name"),
            sellerTIN: try row("seller_tin"), receiptTotal: try money("total", "receipt_currency"),
            issuedAt: try row("issued_at"), receiptURL: try row("receipt_url"))
    }

    public func monthsWithEvents() async throws(ArchiveError) -> [YearMonth] {
        try await read("Cannot list the months") { c in
            try await c.rows("""
                SELECT DISTINCT to_char(to_timestamp(occurred_at + \(Int64(Tashkent.offsetSeconds))) AT TIME ZONE 'UTC',
                    'YYYY-MM') AS m
                FROM events ORDER BY m
                """
            ).compactMap { YearMonth(parsing: try $0("m", String.self)) }
        }
    }

    public func chainHead() async throws(ArchiveError) -> String {
        try await read("Cannot read the chain head") { c in try await Self.chainHead(c) }
    }

    public func lastChangeAt() async throws(ArchiveError) -> Int64? {
        try await read("Cannot read the archive") { c in try await Self.lastChangeAt(c) }
    }

    static func lastChangeAt(_ c: Conn) async throws -> Int64? {
        try await c.value(PostgresQuery(unsafeSQL: lastChangeSQL), Int64.self)
    }

    /// Each `MAX` is the last entry of an index (migration `v3-last-change`; `QueryPlanTests` holds it so).
    static let lastChangeSQL = """
        SELECT GREATEST(
            (SELECT MAX(updated_at) FROM transactions), (SELECT MAX(recorded_at) FROM events),
            (SELECT MAX(stored_at) FROM originals), (SELECT MAX(COALESCE(completed_at, created_at)) FROM operations))
        """

    // MARK: - Meta and named leases

    public func setMeta(_ key: String, _ value: String) async throws(ArchiveError) {
        try await write("Cannot store \(key)") { c in
            try await c.exec("""
                INSERT INTO meta(key, value) VALUES (\(key), \(value)) ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """)
        }
    }

    public func meta(_ key: String) async throws(ArchiveError) -> String? {
        try await read("Cannot read \(key)") { c in
            try await c.value("SELECT value FROM meta WHERE key = \(key)", String.self)
        }
    }

    /// One statement decides: the row is inserted, or updated only when it is expired or already `owner`'s; of
    /// several processes racing, the row lock lets exactly one of them win.
    public func acquireLease(_ name: String, owner: String, until: Int64, now: Int64) async throws(ArchiveError) -> Bool {
        try await write("Cannot take the \(name) lease") { c in
            let key = "lease:\(name)"
            let value = "\(until) \(owner)"
            let taken = try await c.count("""
                INSERT INTO meta(key, value) VALUES (\(key), \(value))
                ON CONFLICT (key) DO UPDATE SET value = excluded.value
                WHERE NOT (split_part(meta.value, ' ', 1) ~ '^-?[0-9]+$'
                        AND split_part(meta.value, ' ', 1)::bigint > \(now)
                        AND substr(meta.value, length(split_part(meta.value, ' ', 1)) + 2) <> \(owner))
                RETURNING 1
                """)
            return taken == 1
        }
    }

    public func releaseLease(_ name: String, owner: String) async throws(ArchiveError) {
        try await write("Cannot give back the \(name) lease") { c in
            try await c.exec("""
                DELETE FROM meta WHERE key = \("lease:\(name)") AND substr(value, length(split_part(value, ' ', 1)) + 2) = \(owner)
                """)
        }
    }
}
