import Archive
import FiscalCore

/// JSON forms of receipts and search hits: amounts as decimal strings with two decimals, quantities and rates as
/// written, times ISO 8601 in Tashkent, missing values `null` (DESIGN.md, `parse --json`).
enum ReceiptJSON {
    /// A receipt, with the keys and order of `parse --json` (without `file` and `state`).
    static func receipt(_ receipt: FiscalReceipt) -> JSONValue {
        .object([
            ("source", .string(receipt.source.rawValue)),
            ("kind", .string(receipt.kind.rawValue)),
            ("terminalId", .string(receipt.terminalID)),
            ("receiptNumber", .string(receipt.receiptNumber)),
            ("fiscalSign", .optional(receipt.fiscalSign)),
            ("issuedAt", .string(Tashkent.iso8601(receipt.issuedAt))),
            (
                "seller",
                .object([
                    ("name", .string(receipt.seller.name)), ("tin", .string(receipt.seller.tin)),
                    ("address", .string(receipt.seller.address)),
                ])
            ),
            ("marketplace", .optional(receipt.marketplace)),
            (
                "cashRegister",
                receipt.cashRegister.map { JSONValue.object([("name", .string($0.name)), ("serial", .optional($0.serial))]) }
                    ?? .null
            ),
            ("items", .array(receipt.items.map(item))),
            (
                "payment",
                .object([
                    ("cash", .string(receipt.payment.cash.decimalString)),
                    ("card", .string(receipt.payment.card.decimalString)),
                    ("cardType", .optional(receipt.payment.cardType)), ("rrn", .optional(receipt.payment.rrn)),
                ])
            ),
            ("total", .string(receipt.total.decimalString)),
            ("vatTotal", .string(receipt.vatTotal.decimalString)),
        ])
    }

    static func item(_ item: ReceiptItem) -> JSONValue {
        .object([
            ("name", .string(item.name)),
            ("quantity", .string(item.quantity.description)),
            ("lineTotal", .string(item.lineTotal.decimalString)),
            ("discount", .string(item.discount.decimalString)),
            ("other", .string(item.other.decimalString)),
            ("vatRate", .optional(item.vatRate?.description)),
            ("vatAmount", .string(item.vatAmount.decimalString)),
            ("barcode", .optional(item.barcode)),
            ("mxikCode", .optional(item.mxikCode)),
            ("mxikName", .optional(item.mxikName)),
            ("unit", .optional(item.unit)),
            ("markingCode", .optional(item.markingCode)),
            ("commissionerTin", .optional(item.commissionerTIN)),
        ])
    }

    /// A search hit.
    static func hit(_ hit: LookupHit, matchedBy: String) -> JSONValue {
        .object([
            ("transactionId", .integer(hit.transactionID.rawValue)),
            ("type", .string(hit.type.rawValue)),
            ("state", .string(hit.state.rawValue)),
            ("paidAt", .optional(hit.paidAt.map { Tashkent.iso8601(epochSeconds: $0) })),
            ("amount", .optional(hit.amount?.decimalString)),
            ("currency", .optional(hit.amount?.currency.alphaCode)),
            ("status", hit.status.map { JSONValue.integer(Int64($0.rawValue)) } ?? .null),
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
