import FiscalCore

/// A parsed receipt with the consistency warnings found in its numbers.
public struct ParsedReceipt: Sendable, Hashable {
    /// The receipt exactly as the page or the JSON payload states it.
    public var receipt: FiscalReceipt
    /// Places where the receipt's own numbers disagree; empty for a consistent receipt.
    public var warnings: [ConsistencyWarning]

    /// Wraps a receipt with its warnings.
    public init(receipt: FiscalReceipt, warnings: [ConsistencyWarning]) {
        self.receipt = receipt
        self.warnings = warnings
    }
}
