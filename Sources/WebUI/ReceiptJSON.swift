import Archive
import FiscalCore

/// JSON form of search hits (receipts use `FiscalReceipt.jsonMembers`, the `parse --json` form): amounts as decimal
/// strings with two decimals, times ISO 8601 in Tashkent, missing values `null`.
enum ReceiptJSON {
    /// A search hit.
    static func hit(_ hit: LookupHit, matchedBy: String) -> ExactJSON {
        .object([
            ("transactionId", .integer(hit.transactionID.rawValue)),
            ("type", .string(hit.type.rawValue)),
            ("state", .string(hit.state.rawValue)),
            ("paidAt", .optional(hit.paidAt.map { Tashkent.iso8601(epochSeconds: $0) })),
            ("amount", .optional(hit.amount?.decimalString)),
            ("currency", .optional(hit.amount?.currency.alphaCode)),
            ("status", hit.status.map { ExactJSON.integer(Int64($0.rawValue)) } ?? .null),
            ("vendorOrderId", .optional(hit.vendorOrderID)),
            ("receiptKind", .optional(hit.receiptKind?.rawValue)),
            ("fiscalSign", .optional(hit.fiscalSign)),
            ("terminalId", .optional(hit.terminalID)),
            ("receiptNumber", .optional(hit.receiptNumber)),
            ("sellerName", .optional(hit.sellerName)),
            ("sellerTin", .optional(hit.sellerTIN)),
            ("receiptTotal", .optional(hit.receiptTotal?.decimalString)),
            ("issuedAt", .optional(hit.issuedAt.map { Tashkent.iso8601(epochSeconds: $0) })),
            ("receiptUrl", .optional(hit.receiptURL)),
            ("matchedBy", .string(matchedBy)),
            ("page", .string(Display.receiptPath(hit.transactionID))),
        ])
    }
}
