import Crypto
import FiscalCore

/// The append-only SHA-256 chain over originals, events and operations.
///
/// `hash = SHA256(prev_hash | kind | ref_id | payload_hash)`; `payload_hash` is the SHA-256 of a canonical,
/// length-prefixed serialisation of the covered row's immutable fields. The first link's `prev_hash` is 64 zeros.
package enum IntegrityChain {
    /// The `prev_hash` of the first link.
    package static let genesis = String(repeating: "0", count: 64)

    /// What a link covers.
    package enum Kind: String {
        case original
        case event
        case operation
        /// The completion (succeeded / failed) of an operation: its second link.
        case operationResult = "operation_result"
    }

    /// Hex SHA-256 of bytes.
    package static func sha256Hex(_ bytes: some Sequence<UInt8>) -> String {
        Hex.lowercase(SHA256.hash(data: Array(bytes)))
    }

    /// The canonical serialisation of field values: each as `length:value;`, `nil` as `~;`.
    package static func payloadHash(_ fields: [String?]) -> String {
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
    package static func linkHash(prev: String, kind: String, refID: Int64, payloadHash: String) -> String {
        sha256Hex(Array("\(prev)|\(kind)|\(refID)|\(payloadHash)".utf8))
    }

    // MARK: - Checking a link against the row it covers (the same verdict in every backend)

    /// The table a link of `kind` covers.
    package static func table(of kind: Kind) -> String {
        switch kind {
        case .original: "originals"
        case .event: "events"
        case .operation, .operationResult: "operations"
        }
    }

    /// What is wrong with chain link `seq`, given the payload hash it recorded and that of the row it covers now
    /// (`current`; `nil` when the row is gone), or `nil` when they agree. `kind` is the link's stored kind text.
    package static func problem(
        seq: Int64, kind: String, refID: Int64, recorded: String, current: String?
    ) -> VerificationReport.Problem? {
        guard let known = Kind(rawValue: kind) else {
            return .init(
                kind: .chainBroken, table: "chain", rowID: seq, message: "Chain link \(seq) has an unknown kind \(kind)")
        }
        let table = table(of: known)
        guard let current else {
            return .init(
                kind: .rowMissing, table: table, rowID: refID,
                message: "\(table) row \(refID) covered by chain link \(seq) was deleted")
        }
        guard current == recorded else {
            return .init(
                kind: .rowAltered, table: table, rowID: refID,
                message: "\(table) row \(refID) was edited after it was recorded (chain link \(seq) no longer matches)")
        }
        return nil
    }

    // MARK: - Payloads of covered rows (the same functions serve recording and verification, in every backend)

    /// An original's immutable fields.
    package static func originalPayload(
        sha256: String?, transactionID: Int64?, url: String?, httpStatus: Int64?, contentType: String?,
        format: String?, fetchedAt: Int64?, size: Int64?
    ) -> String {
        payloadHash([
            sha256, string(transactionID), url, string(httpStatus), contentType, format, string(fetchedAt), string(size),
        ])
    }

    /// An event's immutable fields.
    package static func eventPayload(
        kind: String?, transactionID: Int64?, amount: Int64?, currency: String?, occurredAt: Int64?, source: String?,
        operationID: Int64?, detectionKey: String?, note: String?
    ) -> String {
        payloadHash([
            kind, string(transactionID), string(amount), currency, string(occurredAt), source, string(operationID),
            detectionKey, note,
        ])
    }

    /// An operation's intent.
    package static func operationPayload(
        transactionID: Int64?, kind: String?, amount: Int64?, currency: String?, user: String?, note: String?,
        createdAt: Int64?
    ) -> String {
        payloadHash([string(transactionID), kind, string(amount), currency, user, note, string(createdAt)])
    }

    /// An operation's result.
    package static func operationResultPayload(
        state: String?, completedAt: Int64?, resultStatus: Int64?, mxID: String?, reason: String?
    ) -> String {
        payloadHash([state, string(completedAt), string(resultStatus), mxID, reason])
    }

    private static func string(_ value: Int64?) -> String? { value.map { String($0) } }
}
