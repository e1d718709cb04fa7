import Archive
import FiscalCore
import Foundation
import GRDB

extension SQLiteArchiveStore {
    /// Stores a prepared original with its chain link, or returns the id of the same bytes already stored for the
    /// transaction. The link's payload is computed from the values written (the row is not read back).
    static func insertOriginal(_ db: Database, _ id: TransactionID, _ original: PreparedOriginal, now: Int64) throws
        -> Int64
    {
        if let existing = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT id FROM originals WHERE transaction_id = ? AND sha256 = ?"),
            arguments: [id.rawValue, original.sha256])
        {
            return existing
        }
        let document = original.document
        try db.cachedStatement(sql: """
            INSERT INTO originals(transaction_id, url, http_status, content_type, fetched_at, format, sha256,
                size, data, stored_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                id.rawValue, document.url, document.httpStatus, document.contentType, document.fetchedAt,
                document.format.rawValue, original.sha256, original.size, Data(original.compressed), now,
            ])
        let originalID = db.lastInsertedRowID
        try IntegrityChain.append(
            db, kind: .original, refID: originalID, payloadHash: IntegrityChain.originalPayload(
                sha256: original.sha256, transactionID: id.rawValue, url: document.url,
                httpStatus: Int64(document.httpStatus), contentType: document.contentType,
                format: document.format.rawValue, fetchedAt: document.fetchedAt, size: Int64(original.size)))
        return originalID
    }

    /// The transaction's archived sale receipt (the first non-refund receipt), or `nil`.
    public func receipt(for id: TransactionID) async throws(ArchiveError) -> ArchivedReceipt? {
        try await receipts(for: id).first { $0.receipt.kind != .refund }
    }

    /// Every archived receipt of a transaction (sale first, then refund receipts), in archive order.
    public func receipts(for id: TransactionID) async throws(ArchiveError) -> [ArchivedReceipt] {
        try await asyncRead("Cannot read the receipts of transaction \(id)", id: id) { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT r.id, r.document, r.original_id, r.archived_at, o.sha256, o.url, o.fetched_at
                    FROM receipts r JOIN originals o ON o.id = r.original_id
                    WHERE r.transaction_id = ? ORDER BY r.kind = 'refund', r.id
                    """,
                arguments: [id.rawValue]
            ).map { row in
                ArchivedReceipt(
                    transactionID: id, receipt: try StoredReceiptJSON.decode(row["document"], id: id),
                    warnings: try Self.warnings(db, receiptID: row["id"]), originalID: row["original_id"],
                    originalSHA256: row["sha256"], originalURL: row["url"], fetchedAt: row["fetched_at"],
                    archivedAt: row["archived_at"])
            }
        }
    }

    /// The original behind the transaction's sale receipt; without an archived receipt, its latest original.
    public func original(for id: TransactionID) async throws(ArchiveError) -> StoredOriginal? {
        let originalID = try await asyncRead("Cannot find the original of transaction \(id)", id: id) { db in
            try Int64.fetchOne(
                db,
                sql: """
                    SELECT o.id FROM originals o LEFT JOIN receipts r ON r.original_id = o.id
                    WHERE o.transaction_id = ?
                    ORDER BY (r.id IS NOT NULL AND r.kind <> 'refund') DESC, r.id, o.id DESC LIMIT 1
                    """,
                arguments: [id.rawValue])
        }
        guard let originalID else { return nil }
        return try await original(id: originalID)
    }

    /// An original by its id: decompressed bytes exactly as downloaded, with `hashMatches` re-checked.
    public func original(id originalID: Int64) async throws(ArchiveError) -> StoredOriginal? {
        try await asyncRead("Cannot read original \(originalID)") { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM originals WHERE id = ?", arguments: [originalID])
            else { return nil }
            return try Self.storedOriginal(row)
        }
    }

    /// Decodes an originals row. Damaged compressed data gives empty bytes and `hashMatches == false`.
    static func storedOriginal(_ row: Row) throws -> StoredOriginal {
        let tid = TransactionID(row["transaction_id"] as Int64)
        let data: Data = row["data"]
        let bytes = Compression.inflate(Array(data), size: row["size"])
        let sha: String = row["sha256"]
        return StoredOriginal(
            id: row["id"], transactionID: tid, bytes: bytes ?? [], sha256: sha, url: row["url"],
            httpStatus: row["http_status"], contentType: row["content_type"], fetchedAt: row["fetched_at"],
            format: try OriginalDocument.Format(rawValue: row["format"]).orCorrupt("original format", tid),
            hashMatches: bytes.map { IntegrityChain.sha256Hex($0) == sha } ?? false)
    }

    // MARK: - Receipt rows

    /// Inserts (or rewrites in place, keeping its id) a receipt with its items and full-text row.
    static func storeReceipt(
        _ db: Database, receiptID: Int64?, transactionID id: TransactionID, originalID: Int64, receipt: FiscalReceipt,
        document: String, warnings: [String], now: Int64
    ) throws {
        let arguments: StatementArguments = [
            receipt.kind.rawValue, receipt.source.rawValue, receipt.terminalID, receipt.receiptNumber,
            receipt.fiscalSign, Int64(receipt.issuedAt.timeIntervalSince1970.rounded(.down)), receipt.seller.name,
            receipt.seller.tin, receipt.commissionerTINs.first, receipt.total.minorUnits, receipt.vatTotal.minorUnits,
            receipt.total.currency.rawValue, document,
        ]
        let rowID: Int64
        if let receiptID {
            try db.cachedStatement(sql: """
                UPDATE receipts SET kind = ?, source = ?, terminal_id = ?, receipt_number = ?, fiscal_sign = ?,
                    issued_at = ?, seller_name = ?, seller_tin = ?, commissioner_tin = ?, total = ?, vat_total = ?,
                    currency = ?, document = ?
                WHERE id = ?
                """).execute(arguments: arguments + [receiptID])
            try db.cachedStatement(sql: "DELETE FROM receipt_items WHERE receipt_id = ?").execute(arguments: [receiptID])
            try db.cachedStatement(sql: "DELETE FROM receipt_fts WHERE rowid = ?").execute(arguments: [receiptID])
            rowID = receiptID
        } else {
            try db.cachedStatement(sql: """
                INSERT INTO receipts(kind, source, terminal_id, receipt_number, fiscal_sign, issued_at, seller_name,
                    seller_tin, commissioner_tin, total, vat_total, currency, document, transaction_id,
                    original_id, archived_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: arguments + [id.rawValue, originalID, now])
            rowID = db.lastInsertedRowID
        }
        try storeWarnings(db, receiptID: rowID, warnings)
        try insertItems(db, receiptID: rowID, items: receipt.items)
        try indexForSearch(
            db, receiptID: rowID, seller: receipt.seller.name, items: receipt.items.map(\.name),
            mxikNames: receipt.items.compactMap(\.mxikName))
    }

    /// Adds a receipt's seller, item and MXIK names to the full-text index.
    static func indexForSearch(
        _ db: Database, receiptID: Int64, seller: String, items: [String], mxikNames: [String]
    ) throws {
        try db.cachedStatement(
            sql: "INSERT INTO receipt_fts(rowid, seller_name, item_names, mxik_names) VALUES (?, ?, ?, ?)"
        ).execute(arguments: [
                receiptID, SearchText.normalise(seller), SearchText.normalise(items.joined(separator: " \n ")),
                SearchText.normalise(mxikNames.joined(separator: " \n ")),
            ])
    }

    /// Items in multi-row `INSERT`s of up to 50 rows (measured here: batching beats one statement per row); the
    /// statement of each row count is prepared once per connection and kept (at most 50 of them).
    private static func insertItems(_ db: Database, receiptID: Int64, items: [ReceiptItem]) throws {
        let columns = 15
        var position = 0
        for chunk in stride(from: 0, to: items.count, by: 50).map({ Array(items[$0..<min($0 + 50, items.count)]) }) {
            let placeholders = Array(
                repeating: "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")", count: chunk.count
            ).joined(separator: ", ")
            var arguments = StatementArguments()
            for item in chunk {
                arguments += [
                    receiptID, position, item.name, item.quantity.description, item.lineTotal.minorUnits,
                    item.discount.minorUnits, item.other.minorUnits, item.vatRate.map(normalisedRate),
                    item.vatAmount.minorUnits, item.barcode, item.mxikCode, item.mxikName, item.unit, item.markingCode,
                    item.commissionerTIN,
                ]
                position += 1
            }
            try db.cachedStatement(sql: """
                INSERT INTO receipt_items(receipt_id, position, name, quantity, line_total, discount, other,
                    vat_rate, vat_amount, barcode, mxik_code, mxik_name, unit, marking_code, commissioner_tin)
                VALUES \(placeholders)
                """).execute(arguments: arguments)
        }
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
}
