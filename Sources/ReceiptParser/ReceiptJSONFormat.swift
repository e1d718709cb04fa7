import FiscalCore

/// The `parse --json` line format of DESIGN.md: one JSON object per file, keys in the documented order.
///
/// Amounts are decimal strings in major units with two decimals (`"853374.00"`), quantities and rates decimal
/// strings as shown (`"2"`, `"1.268"`, `"12"`), missing values `null`, dates ISO 8601 with `+05:00`. For a file that
/// is not a receipt every receipt key is present and `null`.
public enum ReceiptJSONFormat {
    /// One JSON object, without a trailing newline.
    public static func line(file: String, state: PageState, parsed: ParsedReceipt?) -> String {
        var out = "{"
        out += "\"file\":" + quoted(file) + ",\"state\":" + quoted(state.rawValue)
        guard let receipt = parsed?.receipt else {
            for key in ["source", "kind", "terminalId", "receiptNumber", "fiscalSign", "issuedAt", "seller",
                "marketplace", "cashRegister", "items", "payment", "total", "vatTotal"]
            {
                out += ",\"\(key)\":null"
            }
            return out + "}"
        }
        out += ",\"source\":" + quoted(receipt.source.rawValue)
        out += ",\"kind\":" + quoted(receipt.kind.rawValue)
        out += ",\"terminalId\":" + quoted(receipt.terminalID)
        out += ",\"receiptNumber\":" + quoted(receipt.receiptNumber)
        out += ",\"fiscalSign\":" + optional(receipt.fiscalSign)
        out += ",\"issuedAt\":" + quoted(Tashkent.iso8601(receipt.issuedAt))
        out += ",\"seller\":{\"name\":" + quoted(receipt.seller.name) + ",\"tin\":" + quoted(receipt.seller.tin)
            + ",\"address\":" + quoted(receipt.seller.address) + "}"
        out += ",\"marketplace\":" + optional(receipt.marketplace)
        if let register = receipt.cashRegister {
            out += ",\"cashRegister\":{\"name\":" + quoted(register.name) + ",\"serial\":" + optional(register.serial) + "}"
        } else {
            out += ",\"cashRegister\":null"
        }
        out += ",\"items\":["
        for (index, item) in receipt.items.enumerated() {
            if index > 0 { out += "," }
            out += "{\"name\":" + quoted(item.name)
            out += ",\"quantity\":" + quoted(item.quantity.description)
            out += ",\"lineTotal\":" + quoted(item.lineTotal.decimalString)
            out += ",\"discount\":" + quoted(item.discount.decimalString)
            out += ",\"other\":" + quoted(item.other.decimalString)
            out += ",\"vatRate\":" + optional(item.vatRate?.description)
            out += ",\"vatAmount\":" + quoted(item.vatAmount.decimalString)
            out += ",\"barcode\":" + optional(item.barcode)
            out += ",\"mxikCode\":" + optional(item.mxikCode)
            out += ",\"mxikName\":" + optional(item.mxikName)
            out += ",\"unit\":" + optional(item.unit)
            out += ",\"markingCode\":" + optional(item.markingCode)
            out += ",\"commissionerTin\":" + optional(item.commissionerTIN)
            out += "}"
        }
        out += "]"
        let payment = receipt.payment
        out += ",\"payment\":{\"cash\":" + quoted(payment.cash.decimalString) + ",\"card\":"
            + quoted(payment.card.decimalString) + ",\"cardType\":" + optional(payment.cardType) + ",\"rrn\":"
            + optional(payment.rrn) + "}"
        out += ",\"total\":" + quoted(receipt.total.decimalString)
        out += ",\"vatTotal\":" + quoted(receipt.vatTotal.decimalString)
        return out + "}"
    }

    private static func optional(_ text: String?) -> String { text.map(quoted) ?? "null" }

    /// A JSON string literal: quotes, backslashes and control characters escaped, everything else as UTF-8.
    static func quoted(_ text: String) -> String { ExactJSON.quoted(text) }
}
