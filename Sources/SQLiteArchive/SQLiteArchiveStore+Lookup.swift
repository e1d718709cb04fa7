import Archive
import FiscalCore
import GRDB

extension SQLiteArchiveStore {
    /// Finds transactions by an identifier or words, with optional time and amount filters, newest first.
    ///
    /// Identifier lookups match any archived receipt of a transaction (sale or refund); a transaction lookup
    /// returns the transaction whether or not a receipt is archived. Text uses FTS5 over seller names, item names
    /// and MXIK names: case-insensitive for Cyrillic and Latin, diacritics and apostrophe forms folded, each word a
    /// prefix, all words required.
    public func lookup(_ query: LookupQuery, limit: Int, offset: Int) async throws(ArchiveError) -> [LookupHit] {
        let saleReceipt = """
            LEFT JOIN receipts r ON r.id = (SELECT id FROM receipts WHERE transaction_id = t.id
                ORDER BY kind = 'refund', id LIMIT 1)
            """
        var sql = "SELECT t.id, t.type, t.state, t.paid_at, t.amount, t.currency, t.status, t.vendor_order_id, "
            + "t.receipt_url, r.kind, r.fiscal_sign, r.terminal_id, r.receipt_number, r.seller_name, r.seller_tin, "
            + "r.total, r.currency AS receipt_currency, r.issued_at FROM transactions t "
        var conditions: [String] = []
        var arguments = StatementArguments()
        switch query.criterion {
        case .transaction(let id):
            sql += saleReceipt
            conditions.append("t.id = ?")
            arguments += [id.rawValue]
        case .all:
            sql += saleReceipt
        case .fiscalSign(let sign):
            sql += "JOIN receipts r ON r.transaction_id = t.id"
            conditions.append("r.fiscal_sign = ?")
            arguments += [sign.trimmingCharacters()]
        case .terminalReceipt(let terminal, let receipt):
            sql += "JOIN receipts r ON r.transaction_id = t.id"
            conditions.append("r.terminal_id = ? AND r.receipt_number = ?")
            arguments += [terminal.trimmingCharacters(), receipt.trimmingCharacters()]
        case .tin(let tin):
            sql += "JOIN receipts r ON r.transaction_id = t.id"
            conditions.append(
                "(r.seller_tin = ? OR r.id IN (SELECT receipt_id FROM receipt_items WHERE commissioner_tin = ?))")
            arguments += [tin.trimmingCharacters(), tin.trimmingCharacters()]
        case .text(let words):
            guard let pattern = SearchText.pattern(words) else { return [] }
            sql += "JOIN receipts r ON r.transaction_id = t.id"
            conditions.append("r.id IN (SELECT rowid FROM receipt_fts WHERE receipt_fts MATCH ?)")
            arguments += [pattern]
        }
        if let dates = query.dates {
            conditions.append("COALESCE(t.paid_at, r.issued_at) >= ? AND COALESCE(t.paid_at, r.issued_at) < ?")
            arguments += [dates.lowerBound, dates.upperBound]
        }
        if let amounts = query.amounts {
            conditions.append("COALESCE(t.amount, r.total) BETWEEN ? AND ?")
            arguments += [amounts.lowerBound, amounts.upperBound]
        }
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY COALESCE(t.paid_at, r.issued_at) DESC, t.id, r.id LIMIT ? OFFSET ?"
        arguments += [max(0, limit), max(0, offset)]
        let finalSQL = sql
        let finalArguments = arguments
        return try await asyncRead("Cannot look up \(query.criterion)") { db in
            try LookupRow.fetchAll(db, sql: finalSQL, arguments: finalArguments).map { try $0.hit() }
        }
    }
}

/// A row of the lookup query, decoded by GRDB from its columns (`paid_at` → `paidAt`).
private struct LookupRow: Decodable, FetchableRecord {
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase

    var id: Int64
    var type: String
    var state: String
    var paidAt: Int64?
    var amount: Int64?
    var currency: String?
    var status: Int?
    var vendorOrderId: String?
    var receiptUrl: String?
    var kind: String?
    var fiscalSign: String?
    var terminalId: String?
    var receiptNumber: String?
    var sellerName: String?
    var sellerTin: String?
    var total: Int64?
    var receiptCurrency: String?
    var issuedAt: Int64?

    /// The hit; an unreadable type or state is a "corrupt" error naming the transaction.
    func hit() throws -> LookupHit {
        let id = TransactionID(id)
        return LookupHit(
            transactionID: id, type: try TransactionType(rawValue: type).orCorrupt("type", id),
            state: try PipelineState(rawValue: state).orCorrupt("state", id), paidAt: paidAt,
            amount: both(amount, currency.flatMap(Currency.init(rawValue:))).map { Money(minorUnits: $0, currency: $1) },
            status: status.map(PaySysStatus.init(rawValue:)), vendorOrderID: vendorOrderId,
            receiptKind: kind.flatMap(FiscalReceipt.Kind.init(rawValue:)), fiscalSign: fiscalSign,
            terminalID: terminalId, receiptNumber: receiptNumber, sellerName: sellerName, sellerTIN: sellerTin,
            receiptTotal: both(total, receiptCurrency.flatMap(Currency.init(rawValue:))).map {
                Money(minorUnits: $0, currency: $1)
            },
            issuedAt: issuedAt, receiptURL: receiptUrl)
    }
}

/// Both values, or `nil`.
func both<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}

extension String {
    /// Trimmed of surrounding whitespace (identifiers typed or pasted by people).
    func trimmingCharacters() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
