import Archive
import FiscalCore
import Foundation

/// The body of `POST /api/transactions`: one `{"transaction_id": 11424156, "type": "payment"}` object or a list of
/// them, validated completely before anything is tracked.
enum IngestRequest {
    /// The fields an element may carry.
    static let knownFields: Set<String> = ["transaction_id", "type", "vendor_order_id"]
    /// The longest vendor order id accepted.
    static let maxOrderIDLength = 128

    /// Reads and validates the body; the first problem found is thrown with the element's index.
    static func parse(_ bytes: [UInt8], maxItems: Int) throws(WebError) -> [TrackRequest] {
        guard !bytes.isEmpty else { throw WebError(.badRequest, "The body is empty: send a JSON object or array") }
        let value: ExactJSON
        do {
            value = try ExactJSON(parsing: bytes)
        } catch {
            throw WebError(.badRequest, "The body is not valid JSON")
        }
        switch value {
        case .object:
            return [try element(value, index: nil)]
        case .array(let elements):
            guard !elements.isEmpty else { throw WebError(.badRequest, "The list of transactions is empty") }
            guard elements.count <= maxItems else {
                throw WebError(.contentTooLarge, "Too many transactions in one request (at most \(maxItems))")
            }
            var requests: [TrackRequest] = []
            var typeByID: [TransactionID: TransactionType] = [:]
            for (index, element) in elements.enumerated() {
                let request = try self.element(element, index: index)
                if let earlier = typeByID[request.id], earlier != request.type {
                    throw WebError(
                        .badRequest, "element \(index): transaction \(request.id) appears twice with different types",
                        index: index)
                }
                typeByID[request.id] = request.type
                requests.append(request)
            }
            return requests
        default:
            throw WebError(.badRequest, "The body must be a JSON object or an array of objects")
        }
    }

    private static func element(_ value: ExactJSON, index: Int?) throws(WebError) -> TrackRequest {
        func fail(_ reason: String) -> WebError {
            WebError(.badRequest, index.map { "element \($0): \(reason)" } ?? reason, index: index)
        }
        guard case .object(let members) = value else { throw fail("not a JSON object") }
        for member in members where !knownFields.contains(member.key) {
            throw fail("unknown field \"\(member.key.prefix(64))\"")
        }
        let id: TransactionID
        switch value["transaction_id"] {
        case nil, .null?:
            throw fail("transaction_id is missing")
        case .number(let text)?:
            guard let raw = ExactJSON.number(text).int64Value, raw > 0 else {
                throw fail("transaction_id must be a positive integer")
            }
            id = TransactionID(raw)
        case .string(let text)?:
            guard let parsed = TransactionID(parsing: text), text.count <= 19 else {
                throw fail("transaction_id must be a positive integer")
            }
            id = parsed
        default:
            throw fail("transaction_id must be a positive integer")
        }
        let type: TransactionType
        switch value["type"] {
        case nil, .null?:
            throw fail("type is missing (\"payment\" or \"p2p\")")
        case .string(let text)?:
            guard let parsed = TransactionType(rawValue: text) else {
                throw fail("type must be \"payment\" or \"p2p\"")
            }
            type = parsed
        default:
            throw fail("type must be \"payment\" or \"p2p\"")
        }
        var orderID: String?
        switch value["vendor_order_id"] {
        case nil, .null?:
            orderID = nil
        case .string(let text)?:
            guard text.count <= maxOrderIDLength else {
                throw fail("vendor_order_id is longer than \(maxOrderIDLength) characters")
            }
            guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw fail("vendor_order_id contains control characters")
            }
            orderID = text.isEmpty ? nil : text
        case .number(let text)?:
            guard let number = ExactJSON.number(text).int64Value else { throw fail("vendor_order_id must be a string") }
            orderID = String(number)
        default:
            throw fail("vendor_order_id must be a string")
        }
        return TrackRequest(id: id, type: type, vendorOrderID: orderID)
    }
}
