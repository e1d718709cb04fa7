import Archive
import FiscalCore
import Foundation
import PostgresNIO

/// The rows a trip writes: payment snapshot and events, originals, receipts, and their chain links.
extension PostgresArchiveStore {
    /// Stores a `payment_info` answer without moving the pipeline state (see `SQLiteArchiveStore`): the snapshot,
    /// the status history when the status changed, the single `payment`/`p2p` event on the first answer, and
    /// `detected` events. `row` holds the transaction's `type`, `status` and `info_at` as they were before.
    static func applyPaymentInfo(_ c: Conn, _ id: TransactionID, _ info: PaymentSnapshot, row: Row, now: Int64)
        async throws
    {
        let type = try TransactionType(rawValue: try row("type", String.self)).orCorrupt("type", id)
        let previousStatus = try row("status", Int64?.self)
        let firstInfo = try row("info_at", Int64?.self) == nil
        try await c.exec("""
            UPDATE transactions SET amount = \(info.amount.minorUnits), currency = \(info.amount.currency.rawValue),
                status = \(Int64(info.status.rawValue)), paid_at = \(info.date),
                vendor_order_id = COALESCE(\(info.vendorOrderID), vendor_order_id),
                bank_transaction_id = \(info.bankTransactionID), mx_id = \(info.mxID),
                info_at = COALESCE(info_at, \(now)), last_recheck_at = CASE WHEN info_at IS NULL THEN NULL ELSE \(now) END,
                next_recheck_at = CASE WHEN info_at IS NULL
                    THEN \(now) + \(unescaped: spreadSQL("id", interval: RecheckSchedule.daily))
                    ELSE next_recheck_at END,
                updated_at = \(now)
            WHERE id = \(id.rawValue)
            """)
        if previousStatus != Int64(info.status.rawValue) {
            try await appendStatus(c, id, info.status, now)
        }
        if firstInfo {
            let kind: RegisterEntry.Event = type == .p2p ? .p2p : .payment
            try await insertEvent(
                c, kind: kind, id: id, amount: info.amount, occurredAt: info.date, source: .gateway, now: now)
        }
        try await detectStatusEvents(c, id, info, now: now)
    }

    /// Writes `detected` cancellation/refund events a status implies and nothing else explains.
    private static func detectStatusEvents(_ c: Conn, _ id: TransactionID, _ info: PaymentSnapshot, now: Int64)
        async throws
    {
        let tid = id.rawValue
        if info.status == .cancelled {
            let explained = try await c.value("""
                SELECT EXISTS(SELECT 1 FROM events WHERE transaction_id = \(tid) AND kind = 'cancellation')
                    OR EXISTS(SELECT 1 FROM operations WHERE transaction_id = \(tid) AND kind = 'cancel' AND state = 'pending')
                """, Bool.self) ?? false
            if !explained {
                try await insertEvent(
                    c, kind: .cancellation, id: id, amount: -info.amount, occurredAt: now, source: .detected, now: now,
                    detectionKey: "status-3", note: "cancellation seen on re-check")
            }
        } else if info.status == .refunded {
            let explained = try await c.value("""
                SELECT EXISTS(SELECT 1 FROM events WHERE transaction_id = \(tid) AND kind = 'refund')
                    OR EXISTS(SELECT 1 FROM operations WHERE transaction_id = \(tid) AND kind = 'refund'
                              AND state <> 'failed')
                """, Bool.self) ?? false
            if !explained {
                try await insertEvent(
                    c, kind: .refund, id: id, amount: .zero(info.amount.currency), occurredAt: now, source: .detected,
                    now: now, detectionKey: "status-6",
                    note: "refund seen on re-check; amount unknown (refunded outside fiscal-archive)")
            }
        }
    }

    static func appendStatus(_ c: Conn, _ id: TransactionID, _ status: PaySysStatus, _ now: Int64) async throws {
        try await c.exec("""
            INSERT INTO status_history(transaction_id, status, observed_at)
            VALUES (\(id.rawValue), \(Int64(status.rawValue)), \(now))
            """)
    }

    /// Inserts an event and its chain link (the payload from the values written). Returns its sequence number.
    @discardableResult
    static func insertEvent(
        _ c: Conn, kind: RegisterEntry.Event, id: TransactionID, amount: Money, occurredAt: Int64,
        source: RegisterEntry.Source, now: Int64, operationID: Int64? = nil, detectionKey: String? = nil,
        note: String? = nil
    ) async throws -> Int64 {
        let seq = try await c.value("""
            INSERT INTO events(kind, transaction_id, amount, currency, occurred_at, source, operation_id,
                detection_key, note, recorded_at)
            VALUES (\(kind.rawValue), \(id.rawValue), \(amount.minorUnits), \(amount.currency.rawValue), \(occurredAt),
                \(source.rawValue), \(operationID), \(detectionKey), \(note), \(now))
            RETURNING seq
            """, Int64.self) ?? 0
        let payload = IntegrityChain.eventPayload(
            kind: kind.rawValue, transactionID: id.rawValue, amount: amount.minorUnits,
            currency: amount.currency.rawValue, occurredAt: occurredAt, source: source.rawValue,
            operationID: operationID, detectionKey: detectionKey, note: note)
        try await appendChain(c, kind: .event, refID: seq, payloadHash: payload)
        return seq
    }

    /// Appends a link covering a row and moves the head, under the chain's transaction-scoped advisory lock: the
    /// head row read after taking the lock is the last committed one (READ COMMITTED reads afresh per statement),
    /// and no other transaction can append before this one commits. Sequence numbers have no gaps.
    @discardableResult
    static func appendChain(_ c: Conn, kind: IntegrityChain.Kind, refID: Int64, payloadHash: String) async throws
        -> String
    {
        try await lockChain(c)
        let current: (seq: Int64, hash: String)
        if let known = c.chain.head {
            current = known
        } else {
            guard let head = try await c.row("SELECT seq, hash FROM chain_head WHERE id = 1") else {
                throw ArchiveError(.corrupt, "The archive has no chain head row")
            }
            current = (try head("seq", Int64.self), try head("hash", String.self))
        }
        let prev = current.hash
        let seq = current.seq + 1
        let hash = IntegrityChain.linkHash(prev: prev, kind: kind.rawValue, refID: refID, payloadHash: payloadHash)
        try await c.exec("""
            INSERT INTO chain(seq, kind, ref_id, payload_hash, prev_hash, hash)
            VALUES (\(seq), \(kind.rawValue), \(refID), \(payloadHash), \(prev), \(hash))
            """)
        try await c.exec("UPDATE chain_head SET seq = \(seq), hash = \(hash) WHERE id = 1")
        c.chain.head = (seq, hash)
        return hash
    }

    /// The chain head inside a transaction.
    static func chainHead(_ c: Conn) async throws -> String {
        try await c.value("SELECT hash FROM chain_head WHERE id = 1", String.self) ?? IntegrityChain.genesis
    }

    /// Stores a prepared original with its chain link, or returns the id of the same bytes already stored for the
    /// transaction.
    static func insertOriginal(_ c: Conn, _ id: TransactionID, _ original: PreparedOriginal, now: Int64) async throws
        -> (id: Int64, inserted: Bool)
    {
        if let existing = try await c.value(
            "SELECT id FROM originals WHERE transaction_id = \(id.rawValue) AND sha256 = \(original.sha256)", Int64.self)
        {
            return (existing, false)
        }
        let document = original.document
        var data = ByteBuffer()
        data.writeBytes(original.compressed)
        let originalID = try await c.value("""
            INSERT INTO originals(transaction_id, url, http_status, content_type, fetched_at, format, sha256,
                size, data, stored_at)
            VALUES (\(id.rawValue), \(document.url), \(Int64(document.httpStatus)), \(document.contentType),
                \(document.fetchedAt), \(document.format.rawValue), \(original.sha256), \(Int64(original.size)),
                \(data), \(now))
            RETURNING id
            """, Int64.self) ?? 0
        let payload = IntegrityChain.originalPayload(
            sha256: original.sha256, transactionID: id.rawValue, url: document.url,
            httpStatus: Int64(document.httpStatus), contentType: document.contentType, format: document.format.rawValue,
            fetchedAt: document.fetchedAt, size: Int64(original.size))
        try await appendChain(c, kind: .original, refID: originalID, payloadHash: payload)
        return (originalID, true)
    }

    /// Inserts (or rewrites in place, keeping its id) a receipt with its items, warnings and search vector.
    static func storeReceipt(
        _ c: Conn, receiptID: Int64?, transactionID id: TransactionID, originalID: Int64, receipt: FiscalReceipt,
        document: String, warnings: [String], now: Int64
    ) async throws {
        let issuedAt = Int64(receipt.issuedAt.timeIntervalSince1970.rounded(.down))
        let search = SearchVector.lexemes(
            seller: receipt.seller.name, items: receipt.items.map(\.name), mxikNames: receipt.items.compactMap(\.mxikName))
        let rowID: Int64
        if let receiptID {
            try await c.exec("""
                UPDATE receipts SET kind = \(receipt.kind.rawValue), source = \(receipt.source.rawValue),
                    terminal_id = \(receipt.terminalID), receipt_number = \(receipt.receiptNumber),
                    fiscal_sign = \(receipt.fiscalSign), issued_at = \(issuedAt), seller_name = \(receipt.seller.name),
                    seller_tin = \(receipt.seller.tin), commissioner_tin = \(receipt.commissionerTINs.first),
                    total = \(receipt.total.minorUnits), vat_total = \(receipt.vatTotal.minorUnits),
                    currency = \(receipt.total.currency.rawValue), document = \(document),
                    search = array_to_tsvector(\(search)::text[])
                WHERE id = \(receiptID)
                """)
            try await c.exec("DELETE FROM receipt_items WHERE receipt_id = \(receiptID)")
            rowID = receiptID
        } else {
            rowID = try await c.value("""
                INSERT INTO receipts(kind, source, terminal_id, receipt_number, fiscal_sign, issued_at, seller_name,
                    seller_tin, commissioner_tin, total, vat_total, currency, document, transaction_id,
                    original_id, archived_at, search)
                VALUES (\(receipt.kind.rawValue), \(receipt.source.rawValue), \(receipt.terminalID),
                    \(receipt.receiptNumber), \(receipt.fiscalSign), \(issuedAt), \(receipt.seller.name),
                    \(receipt.seller.tin), \(receipt.commissionerTINs.first), \(receipt.total.minorUnits),
                    \(receipt.vatTotal.minorUnits), \(receipt.total.currency.rawValue), \(document), \(id.rawValue),
                    \(originalID), \(now), array_to_tsvector(\(search)::text[]))
                RETURNING id
                """, Int64.self) ?? 0
        }
        try await storeWarnings(c, receiptID: rowID, warnings, replacing: receiptID != nil)
        try await insertItems(c, receiptID: rowID, items: receipt.items)
    }

    /// Replaces a receipt's parser warnings (rows of `receipt_warnings`, in order).
    static func storeWarnings(_ c: Conn, receiptID: Int64, _ warnings: [String], replacing: Bool = true) async throws {
        if replacing { try await c.exec("DELETE FROM receipt_warnings WHERE receipt_id = \(receiptID)") }
        guard !warnings.isEmpty else { return }
        let positions = (0..<warnings.count).map { Int64($0) }
        try await c.exec("""
            INSERT INTO receipt_warnings(receipt_id, position, text)
            SELECT \(receiptID), p, t FROM unnest(\(positions)::bigint[], \(warnings)::text[]) AS x(p, t)
            """)
    }

    /// A receipt's parser warnings, in order.
    static func warnings(_ c: Conn, receiptID: Int64) async throws -> [String] {
        try await c.rows("SELECT text FROM receipt_warnings WHERE receipt_id = \(receiptID) ORDER BY position")
            .map { try $0("text", String.self) }
    }

    /// All items of a receipt in one statement: one array per column, `unnest`ed together.
    private static func insertItems(_ c: Conn, receiptID: Int64, items: [ReceiptItem]) async throws {
        guard !items.isEmpty else { return }
        let positions = (0..<items.count).map { Int64($0) }
        let names = items.map(\.name)
        let quantities = items.map(\.quantity.description)
        let lineTotals = items.map(\.lineTotal.minorUnits)
        let discounts = items.map(\.discount.minorUnits)
        let others = items.map(\.other.minorUnits)
        let rates = items.map { $0.vatRate.map(normalisedRate) }
        let vatAmounts = items.map(\.vatAmount.minorUnits)
        let barcodes = items.map(\.barcode)
        let mxikCodes = items.map(\.mxikCode)
        let mxikNames = items.map(\.mxikName)
        let units = items.map(\.unit)
        let markings = items.map(\.markingCode)
        let commissioners = items.map(\.commissionerTIN)
        try await c.exec("""
            INSERT INTO receipt_items(receipt_id, position, name, quantity, line_total, discount, other,
                vat_rate, vat_amount, barcode, mxik_code, mxik_name, unit, marking_code, commissioner_tin)
            SELECT \(receiptID), * FROM unnest(\(positions)::bigint[], \(names)::text[], \(quantities)::text[],
                \(lineTotals)::bigint[], \(discounts)::bigint[], \(others)::bigint[], \(OptionalTexts(rates))::text[],
                \(vatAmounts)::bigint[], \(OptionalTexts(barcodes))::text[], \(OptionalTexts(mxikCodes))::text[],
                \(OptionalTexts(mxikNames))::text[], \(OptionalTexts(units))::text[], \(OptionalTexts(markings))::text[],
                \(OptionalTexts(commissioners))::text[])
            """)
    }

    /// A VAT rate without trailing decimal zeros (`12.0` → `12`), so equal rates group together.
    static func normalisedRate(_ rate: ExactDecimal) -> String {
        var significand = rate.significand
        var scale = rate.scale
        while scale > 0 && significand % 10 == 0 {
            significand /= 10
            scale -= 1
        }
        return ExactDecimal(significand: significand, scale: scale).description
    }

    // MARK: - Receipt documents

    static func decodeReceipt(_ document: String, id: TransactionID) throws(ArchiveError) -> FiscalReceipt {
        do {
            return try JSONDecoder().decode(FiscalReceipt.self, from: Data(document.utf8))
        } catch {
            throw ArchiveError(.corrupt, "The stored receipt of transaction \(id) cannot be read: \(error)", transactionID: id)
        }
    }
}

/// The lexemes of a receipt's `tsvector` and of a query, made here rather than by a text-search parser so that
/// matching does not depend on the server's locale: words split where SQLite's tokenizer splits (anything not a
/// letter or digit), apostrophes removed (`SearchText`), lowercased, and diacritics removed from Latin letters (as
/// SQLite's `remove_diacritics 2` does; Cyrillic `й`, `ё`, `ў`, `қ` stay as they are). The vector is built with
/// `array_to_tsvector`, the query from bound parameters (`word:*` prefixes, all required).
enum SearchVector {
    /// The longest lexeme kept (PostgreSQL refuses lexemes over 2 KB).
    static let maximumWordBytes = 1_000

    static func lexemes(seller: String, items: [String], mxikNames: [String]) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for text in [seller] + items + mxikNames {
            for word in terms(text) where seen.insert(word).inserted { result.append(word) }
        }
        return result
    }

    /// The words of a text as lexemes.
    static func terms(_ text: String) -> [String] {
        SearchText.words(text).map { fold(String($0)) }.filter { !$0.isEmpty }.map { word in
            var word = word
            while word.utf8.count > maximumWordBytes { word.removeLast() }
            return word
        }
    }

    /// Lowercased, with combining marks removed from Latin letters.
    static func fold(_ word: String) -> String {
        var result = ""
        for character in word.lowercased() {
            let scalars = String(character).decomposedStringWithCanonicalMapping.unicodeScalars
            if let first = scalars.first, first.isASCII, scalars.count > 1 {
                result.unicodeScalars.append(first)
            } else {
                result.append(character)
            }
        }
        return result
    }
}

/// An array of optional texts (`text[]` with NULLs), which PostgresNIO does not encode itself.
struct OptionalTexts: PostgresNonThrowingEncodable, Sendable {
    var values: [String?]

    init(_ values: [String?]) { self.values = values }

    static var psqlType: PostgresDataType { .textArray }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        // The binary array format: dimensions, has-nulls flag, element type, then length and lower bound per
        // dimension, then each element as length (-1 for NULL) and bytes.
        buffer.writeInteger(Int32(1))
        buffer.writeInteger(Int32(values.contains(nil) ? 1 : 0))
        buffer.writeInteger(PostgresDataType.text.rawValue)
        buffer.writeInteger(Int32(values.count))
        buffer.writeInteger(Int32(1))
        for value in values {
            if let value {
                let bytes = Array(value.utf8)
                buffer.writeInteger(Int32(bytes.count))
                buffer.writeBytes(bytes)
            } else {
                buffer.writeInteger(Int32(-1))
            }
        }
    }
}
