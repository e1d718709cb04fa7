import FiscalCore

/// What the sandbox receipt site needs to know to generate one receipt deterministically.
public struct SandboxReceiptSpec: Sendable, Hashable {
    /// `.sale` for payments and p2p transfers, `.refund` for refunds.
    public var kind: FiscalReceipt.Kind
    /// Terminal id (`EP000000000510`).
    public var terminalID: String
    /// Receipt number, as text.
    public var receiptNumber: String
    /// Fiscal sign, digits (leading zeros allowed).
    public var fiscalSign: String
    /// Issue time in Tashkent, to the second (pages show minutes; the link carries the seconds).
    public var issuedAt: Tashkent.LocalDateTime
    /// The receipt total in UZS; the generated items sum to it exactly.
    public var total: Money
    /// Picks the items, quantities, discounts and codes.
    public var seed: UInt64
    /// The merchant's TIN: the commissioner of every merchant item.
    public var commissionerTIN: String

    /// Creates a spec.
    public init(
        kind: FiscalReceipt.Kind, terminalID: String, receiptNumber: String, fiscalSign: String,
        issuedAt: Tashkent.LocalDateTime, total: Money, seed: UInt64, commissionerTIN: String
    ) {
        self.kind = kind
        self.terminalID = terminalID
        self.receiptNumber = receiptNumber
        self.fiscalSign = fiscalSign
        self.issuedAt = issuedAt
        self.total = total
        self.seed = seed
        self.commissionerTIN = commissionerTIN
    }
}

extension SplitMix64 {
    /// True with probability `1 / oneIn`.
    mutating func chance(_ oneIn: Int64) -> Bool { below(oneIn) == 0 }

    /// An element of a non-empty array.
    mutating func pick<T>(_ elements: [T]) -> T { elements[Int(below(Int64(elements.count)))] }
}
