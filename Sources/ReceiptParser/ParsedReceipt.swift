import FiscalCore

/// A parsed receipt with the consistency warnings found in its numbers.
public struct ParsedReceipt: Sendable, Hashable {
    /// The receipt exactly as the page or the JSON payload states it.
    public var receipt: FiscalReceipt
    /// Page warnings (duplicate labels, "no VAT" rates) followed by the consistency warnings; empty for a clean,
    /// consistent receipt.
    public var warnings: [ReceiptWarning]

    /// Wraps a receipt with its warnings.
    public init(receipt: FiscalReceipt, warnings: [ReceiptWarning]) {
        self.receipt = receipt
        self.warnings = warnings
    }
}
