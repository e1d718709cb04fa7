/// A transaction status as PaySys reports it: known values have names, any other integer is kept verbatim.
///
/// Unknown statuses are never mapped to a final state: reports list them as exceptions.
public struct PaySysStatus: Sendable, Hashable, Codable, CustomStringConvertible, RawRepresentable,
    ExpressibleByIntegerLiteral
{
    public var rawValue: Int

    public init(rawValue: Int) { self.rawValue = rawValue }
    public init(integerLiteral value: Int) { self.rawValue = value }

    /// `-1`: the transaction failed.
    public static let error: PaySysStatus = -1
    /// `0`: created, not paid.
    public static let created: PaySysStatus = 0
    /// `2`: completed (paid).
    public static let completed: PaySysStatus = 2
    /// `3`: cancelled (reversed).
    public static let cancelled: PaySysStatus = 3
    /// `6`: refunded, possibly partially (what `payment_adjustments` returns).
    public static let refunded: PaySysStatus = 6

    /// The statuses this project knows the meaning of.
    public static let known: [PaySysStatus] = [.error, .created, .completed, .cancelled, .refunded]

    /// Whether the integer is one of the documented statuses.
    public var isKnown: Bool { Self.known.contains(self) }

    /// A short English name: `completed`, or `unknown(7)`.
    public var name: String {
        switch rawValue {
        case -1: "error"
        case 0: "created"
        case 2: "completed"
        case 3: "cancelled"
        case 6: "refunded"
        default: "unknown(\(rawValue))"
        }
    }

    /// Whether money was taken: completed, or refunded afterwards (a refund needs a paid transaction).
    public var isPaid: Bool { self == .completed || self == .refunded }

    public var description: String { "\(rawValue) (\(name))" }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
