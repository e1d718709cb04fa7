import Archive
import FiscalCore
import GRDB

/// The integrity chain's rows in SQLite: the head kept in one row (O(1) append) and the payloads read from rows.
extension IntegrityChain {
    /// The latest link's hash, or the genesis value: one row kept by ``append(_:kind:refID:payloadHash:)`` in the
    /// appending transaction, so finding the head costs the same at any chain length.
    static func head(_ db: Database) throws -> String {
        try String.fetchOne(db.cachedStatement(sql: "SELECT hash FROM chain_head WHERE id = 1")) ?? genesis
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

    static func originalPayload(_ row: Row) -> String {
        originalPayload(
            sha256: row["sha256"], transactionID: row["transaction_id"], url: row["url"], httpStatus: row["http_status"],
            contentType: row["content_type"], format: row["format"], fetchedAt: row["fetched_at"], size: row["size"])
    }

    static func eventPayload(_ row: Row) -> String {
        eventPayload(
            kind: row["kind"], transactionID: row["transaction_id"], amount: row["amount"], currency: row["currency"],
            occurredAt: row["occurred_at"], source: row["source"], operationID: row["operation_id"],
            detectionKey: row["detection_key"], note: row["note"])
    }

    static func operationPayload(_ row: Row) -> String {
        operationPayload(
            transactionID: row["transaction_id"], kind: row["kind"], amount: row["amount"], currency: row["currency"],
            user: row["user"], note: row["note"], createdAt: row["created_at"])
    }

    static func operationResultPayload(_ row: Row) -> String {
        operationResultPayload(
            state: row["state"], completedAt: row["completed_at"], resultStatus: row["result_status"], mxID: row["mx_id"],
            reason: row["reason"])
    }
}
