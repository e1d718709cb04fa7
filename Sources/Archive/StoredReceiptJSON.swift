import FiscalCore
import Foundation

/// A receipt as every backend stores it: JSON with sorted keys (so the same receipt is always the same text, and a
/// reparse can tell whether it changed).
///
/// The text is what Foundation's `JSONEncoder` with `.sortedKeys` writes for `FiscalReceipt`'s `Codable` form —
/// archives hold years of it, and a reparse compares new text with stored text, so it must never change. It is
/// written directly (keys in their sorted order, strings escaped as `JSONEncoder` escapes them: `"`, `\` and `/`
/// with a backslash): the generic encoder took ~6 % of the CPU of archiving a page. Whatever the direct writer does
/// not cover byte for byte — a control character in a text, a time that is not a whole second — goes through
/// `JSONEncoder` itself, and `StoredReceiptJSONTests` holds the two equal on random receipts built to hit every
/// field (present and absent) and escape.
package enum StoredReceiptJSON {
    package static func encode(_ receipt: FiscalReceipt, id: TransactionID) throws(ArchiveError) -> String {
        if let text = direct(receipt) { return text }
        return try foundationEncoding(receipt, id: id)
    }

    /// `JSONEncoder`'s text of the receipt (the reference the direct writer matches).
    package static func foundationEncoding(_ receipt: FiscalReceipt, id: TransactionID) throws(ArchiveError)
        -> String
    {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return String(decoding: try encoder.encode(receipt), as: UTF8.self)
        } catch {
            throw ArchiveError(.invalid, "Cannot encode the receipt of transaction \(id): \(error)", transactionID: id)
        }
    }

    package static func decode(_ document: String, id: TransactionID) throws(ArchiveError) -> FiscalReceipt {
        do {
            return try JSONDecoder().decode(FiscalReceipt.self, from: Data(document.utf8))
        } catch {
            throw ArchiveError(.corrupt, "The stored receipt of transaction \(id) cannot be read: \(error)", transactionID: id)
        }
    }

    /// The text written directly, or `nil` when the receipt holds something only `JSONEncoder` writes exactly.
    package static func direct(_ receipt: FiscalReceipt) -> String? {
        // `Date` encodes as a Double of seconds since 2001; a whole number of them prints as an integer.
        let seconds = receipt.issuedAt.timeIntervalSinceReferenceDate
        guard seconds.rounded(.towardZero) == seconds, abs(seconds) < 1e15 else { return nil }
        var out = Writer()
        out.bytes.reserveCapacity(512 + receipt.items.count * 400)
        // Keys in sorted order; optional values are left out when absent, as `encodeIfPresent` does.
        out.object { out in
            if let register = receipt.cashRegister {
                out.field("cashRegister")
                out.object { out in
                    out.field("name", register.name)
                    out.field("serial", register.serial)
                }
            }
            out.field("fiscalSign", receipt.fiscalSign)
            out.field("issuedAt")
            out.raw(String(Int64(seconds)))
            out.field("items")
            out.raw("[")
            for (index, item) in receipt.items.enumerated() {
                if index > 0 { out.raw(",") }
                out.item(item)
            }
            out.raw("]")
            out.field("kind", receipt.kind.rawValue)
            out.field("marketplace", receipt.marketplace)
            out.field("payment")
            out.payment(receipt.payment)
            out.field("receiptNumber", receipt.receiptNumber)
            out.field("seller")
            out.object { out in
                out.field("address", receipt.seller.address)
                out.field("name", receipt.seller.name)
                out.field("tin", receipt.seller.tin)
            }
            out.field("source", receipt.source.rawValue)
            out.field("terminalID", receipt.terminalID)
            out.field("total", receipt.total)
            out.field("vatTotal", receipt.vatTotal)
        }
        guard !out.needsFoundation else { return nil }
        return String(decoding: out.bytes, as: UTF8.self)
    }

    private struct Writer {
        var bytes: [UInt8] = []
        /// Whether the object being written has no field yet.
        var first = true
        /// Set when a text holds a character whose escape only `JSONEncoder` is trusted to write.
        var needsFoundation = false

        mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

        mutating func object(_ body: (inout Writer) -> Void) {
            bytes.append(UInt8(ascii: "{"))
            let outer = first
            first = true
            body(&self)
            first = outer
            bytes.append(UInt8(ascii: "}"))
        }

        /// A field's key; its value follows.
        mutating func field(_ name: String) {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: name.utf8)
            bytes.append(contentsOf: "\":".utf8)
        }

        mutating func field(_ name: String, _ value: String?) {
            guard let value else { return }
            field(name)
            string(value)
        }

        mutating func field(_ name: String, _ value: Money?) {
            guard let value else { return }
            field(name)
            object { out in
                out.field("currency", value.currency.rawValue)
                out.field("minorUnits")
                out.raw(String(value.minorUnits))
            }
        }

        mutating func field(_ name: String, _ value: ExactDecimal?) {
            guard let value else { return }
            field(name)
            object { out in
                out.field("scale")
                out.raw(String(value.scale))
                out.field("significand")
                out.raw(String(value.significand))
            }
        }

        mutating func string(_ text: String) {
            bytes.append(UInt8(ascii: "\""))
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"):
                    bytes.append(UInt8(ascii: "\\"))
                    bytes.append(byte)
                case 0..<0x20:
                    needsFoundation = true
                default:
                    bytes.append(byte)
                }
            }
            bytes.append(UInt8(ascii: "\""))
        }

        mutating func item(_ item: ReceiptItem) {
            object { out in
                out.field("barcode", item.barcode)
                out.field("commissionerTIN", item.commissionerTIN)
                out.field("discount", item.discount)
                out.field("lineTotal", item.lineTotal)
                out.field("markingCode", item.markingCode)
                out.field("mxikCode", item.mxikCode)
                out.field("mxikName", item.mxikName)
                out.field("name", item.name)
                out.field("other", item.other)
                out.field("quantity", item.quantity)
                out.field("unit", item.unit)
                out.field("vatAmount", item.vatAmount)
                out.field("vatRate", item.vatRate)
            }
        }

        mutating func payment(_ payment: FiscalReceipt.Payment) {
            object { out in
                out.field("card", payment.cardShown)
                out.field("cardType", payment.cardType)
                out.field("cash", payment.cashShown)
                if !payment.others.isEmpty {
                    out.field("others")
                    out.raw("[")
                    for (index, other) in payment.others.enumerated() {
                        if index > 0 { out.raw(",") }
                        out.object { out in
                            out.field("amount", other.amount)
                            out.field("method", other.method)
                        }
                    }
                    out.raw("]")
                }
                out.field("rrn", payment.rrn)
            }
        }
    }
}
