import FiscalCore
import GRDB

extension ArchiveStore {
    /// Finds transactions by an identifier or words, with optional time and amount filters, newest first.
    ///
    /// Identifier lookups match any archived receipt of a transaction (sale or refund); a transaction lookup
    /// returns the transaction whether or not a receipt is archived. Text uses FTS5 over seller names, item names
    /// and MXIK names: case-insensitive for Cyrillic and Latin, diacritics and apostrophe forms folded, each word a
    /// prefix, all words required.
    public func lookup(_ query: LookupQuery, limit: Int, offset: Int) throws -> [LookupHit] {
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
            guard let match = SearchText.matchQuery(words) else { return [] }
            sql += "JOIN receipts r ON r.transaction_id = t.id"
            conditions.append("r.id IN (SELECT rowid FROM receipt_fts WHERE receipt_fts MATCH ?)")
            arguments += [match]
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
        return try read("Cannot look up \(query.criterion)") { db in
            try Row.fetchAll(db, sql: finalSQL, arguments: finalArguments).map(Self.lookupHit)
        }
    }

    private static func lookupHit(_ row: Row) throws -> LookupHit {
        let id = TransactionID(row["id"] as Int64)
        let currency = (row["currency"] as String?).flatMap(Currency.init(rawValue:))
        let receiptCurrency = (row["receipt_currency"] as String?).flatMap(Currency.init(rawValue:))
        return LookupHit(
            transactionID: id, type: try TransactionType(rawValue: row["type"]).orCorrupt("type", id),
            state: try PipelineState(rawValue: row["state"]).orCorrupt("state", id), paidAt: row["paid_at"],
            amount: both(row["amount"] as Int64?, currency).map { Money(minorUnits: $0, currency: $1) },
            status: (row["status"] as Int?).map(PaySysStatus.init(rawValue:)), vendorOrderID: row["vendor_order_id"],
            receiptKind: (row["kind"] as String?).flatMap(FiscalReceipt.Kind.init(rawValue:)),
            fiscalSign: row["fiscal_sign"], terminalID: row["terminal_id"], receiptNumber: row["receipt_number"],
            sellerName: row["seller_name"], sellerTIN: row["seller_tin"],
            receiptTotal: both(row["total"] as Int64?, receiptCurrency).map { Money(minorUnits: $0, currency: $1) },
            issuedAt: row["issued_at"], receiptURL: row["receipt_url"])
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
