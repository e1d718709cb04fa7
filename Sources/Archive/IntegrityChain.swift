import Crypto
import FiscalCore
import GRDB

/// The append-only SHA-256 chain over originals, events and operations.
///
/// `hash = SHA256(prev_hash | kind | ref_id | payload_hash)`; `payload_hash` is the SHA-256 of a canonical,
/// length-prefixed serialisation of the covered row's immutable fields. The first link's `prev_hash` is 64 zeros.
enum IntegrityChain {
    /// The `prev_hash` of the first link.
    static let genesis = String(repeating: "0", count: 64)

    /// What a link covers.
    enum Kind: String {
        case original
        case event
        case operation
        /// The completion (succeeded / failed) of an operation: its second link.
        case operationResult = "operation_result"
    }

    /// Hex SHA-256 of bytes.
    static func sha256Hex(_ bytes: some Sequence<UInt8>) -> String {
        Hex.lowercase(SHA256.hash(data: Array(bytes)))
    }

    /// The canonical serialisation of field values: each as `length:value;`, `nil` as `~;`.
    static func payloadHash(_ fields: [String?]) -> String {
        var text = ""
        for field in fields {
            if let field {
                text += "\(field.utf8.count):\(field);"
            } else {
                text += "~;"
            }
        }
        return sha256Hex(Array(text.utf8))
    }

    /// The hash of a link.
    static func linkHash(prev: String, kind: String, refID: Int64, payloadHash: String) -> String {
        sha256Hex(Array("\(prev)|\(kind)|\(refID)|\(payloadHash)".utf8))
    }

    /// The latest link's hash, or the genesis value: one row kept by ``append(_:kind:refID:payloadHash:)`` in the
    /// appending transaction, so finding the head costs the same at any chain length.
    static func head(_ db: Database) throws -> String {
        try String.fetchOne(db, sql: "SELECT hash FROM chain_head WHERE id = 1") ?? genesis
    }

    /// Appends a link covering a row, inside the caller's transaction, and moves the head to it.
    @discardableResult
    static func append(_ db: Database, kind: Kind, refID: Int64, payloadHash: String) throws -> String {
        let prev = try head(db)
        let hash = linkHash(prev: prev, kind: kind.rawValue, refID: refID, payloadHash: payloadHash)
        try db.cachedStatement(
            sql: "INSERT INTO chain(kind, ref_id, payload_hash, prev_hash, hash) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [kind.rawValue, refID, payloadHash, prev, hash])
        let seq = db.lastInsertedRowID
        try db.cachedStatement(sql: "UPDATE chain_head SET seq = ?, hash = ? WHERE id = 1")
            .execute(arguments: [seq, hash])
        return hash
    }

    // MARK: - Payloads of covered rows (the same functions serve recording and verification)

    /// An original: its raw-bytes SHA-256, transaction, URL, HTTP status, content type, format and fetch time.
    static func originalPayload(_ row: Row) -> String {
        payloadHash([
            row["sha256"], string(row["transaction_id"] as Int64?), row["url"], string(row["http_status"] as Int64?),
            row["content_type"], row["format"], string(row["fetched_at"] as Int64?), string(row["size"] as Int64?),
        ])
    }

    /// An event: kind, transaction, amount, currency, time, source, operation, detection key.
    static func eventPayload(_ row: Row) -> String {
        payloadHash([
            row["kind"], string(row["transaction_id"] as Int64?), string(row["amount"] as Int64?), row["currency"],
            string(row["occurred_at"] as Int64?), row["source"], string(row["operation_id"] as Int64?),
            row["detection_key"], row["note"],
        ])
    }

    /// An operation as first recorded.
    static func operationPayload(_ row: Row) -> String {
        payloadHash([
            string(row["transaction_id"] as Int64?), row["kind"], string(row["amount"] as Int64?), row["currency"],
            row["user"], row["note"], string(row["created_at"] as Int64?),
        ])
    }

    /// An operation's completion.
    static func operationResultPayload(_ row: Row) -> String {
        payloadHash([
            row["state"], string(row["completed_at"] as Int64?), string(row["result_status"] as Int64?),
            row["mx_id"], row["reason"],
        ])
    }

    private static func string(_ value: Int64?) -> String? { value.map { String($0) } }
}
