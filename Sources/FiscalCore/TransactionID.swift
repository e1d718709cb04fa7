/// A PaySys transaction id (`transaction_id`, an integer on the wire).
public struct TransactionID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible,
    ExpressibleByIntegerLiteral
{
    /// The id as PaySys sends it.
    public var rawValue: Int64

    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public init(integerLiteral value: Int64) { self.rawValue = value }

    /// Parses a positive decimal id such as `"11424156"`; anything else is `nil`.
    public init?(parsing text: String) {
        let trimmed = text.trimmingASCIIWhitespace()
        guard !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let value = Int64(trimmed),
            value > 0
        else { return nil }
        self.rawValue = value
    }

    public var description: String { String(rawValue) }

    public static func < (lhs: TransactionID, rhs: TransactionID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// What kind of transaction an id names; `get_fiscal_cheque` needs it.
public enum TransactionType: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// A card payment to the merchant.
    case payment
    /// A card-to-card transfer.
    case p2p

    public var description: String { rawValue }
}
