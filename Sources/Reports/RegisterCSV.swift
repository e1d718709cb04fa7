import Archive
import FiscalCore

/// The CSV register of DESIGN.md ("report --format csv"): one row per event of the month.
///
/// Format decisions, fixed so that files are byte-identical for the same archive:
/// - UTF-8 with a byte-order mark (`EF BB BF`), so that Excel reads it as UTF-8;
/// - lines end with CRLF, as RFC 4180 says, the header's too, and the file ends with one;
/// - a cell is quoted when it contains `,`, `"`, CR or LF, with `"` doubled inside;
/// - text cells a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) get a leading
///   `'`; amounts, ids and status codes are numbers and are written as they are;
/// - amounts in major units with two decimals, signed: refunds and cancellations negative, and so are the
///   `receipt_total` and `vat_amount` of their refund receipts;
/// - `status` is PaySys's integer status code (`2`, `3`, `6`; unknown codes as received);
/// - times in ISO 8601 with the Tashkent offset (`2026-10-31T23:30:00+05:00`).
public enum RegisterCSV {
    /// The header's column names, in order.
    public static let columns = [
        "event", "transaction_id", "type", "occurred_at", "amount", "currency", "status", "vendor_order_id",
        "fiscal_sign", "terminal_id", "receipt_number", "receipt_total", "vat_amount", "commissioner_tin",
        "receipt_url", "related_transaction_date", "source", "note",
    ]

    /// The UTF-8 byte-order mark the file starts with.
    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The line ending.
    public static let lineEnd = "\r\n"

    /// The header line, with its line ending.
    public static var headerLine: String { columns.joined(separator: ",") + lineEnd }

    /// One register row, with its line ending.
    public static func line(for entry: RegisterEntry) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        append(entry, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends one register row, with its line ending, as UTF-8 bytes (what the report writes: a month is a million
    /// lines, and building each as a string of strings was most of the CSV's own time).
    static func append(_ entry: RegisterEntry, to bytes: inout [UInt8]) {
        let receipt = entry.receipt
        func text(_ value: String?) {
            appendTextCell(value, to: &bytes)
            bytes.append(UInt8(ascii: ","))
        }
        func number(_ value: String) {
            var value = value
            value.withUTF8 { bytes.append(contentsOf: $0) }
            bytes.append(UInt8(ascii: ","))
        }
        number(entry.event.rawValue)
        number(String(entry.transactionID.rawValue))
        number(entry.transactionType.rawValue)
        number(RegisterRow.iso8601(epochSeconds: entry.occurredAt))
        number(entry.amount.decimalString)
        number(entry.amount.currency.alphaCode)
        number(String(entry.status.rawValue))
        text(entry.vendorOrderID)
        text(receipt?.fiscalSign)
        text(receipt?.terminalID)
        text(receipt?.receiptNumber)
        number(receipt.map { RegisterRow.signed($0.total, like: entry).decimalString } ?? "")
        number(receipt.map { RegisterRow.signed($0.vatAmount, like: entry).decimalString } ?? "")
        text(receipt?.commissionerTIN)
        text(entry.receiptURL)
        number(entry.relatedTransactionDate.map { RegisterRow.iso8601(epochSeconds: $0) } ?? "")
        number(entry.source.rawValue)
        appendTextCell(entry.note, to: &bytes)
        bytes.append(contentsOf: lineEnd.utf8)
    }

    /// ``textCell(_:)`` of `value` (nothing for `nil`), appended as bytes.
    private static func appendTextCell(_ value: String?, to bytes: inout [UInt8]) {
        guard let value else { return }
        appendCell(value, neutralising: true, to: &bytes)
    }

    /// A cell's bytes: with a leading `'` when `neutralising` and a spreadsheet would read it as a formula, and in
    /// quotes (any `"` doubled) when it contains `,`, `"`, CR or LF. The rules are on UTF-8 bytes: `"`, `,`, CR, LF
    /// and the formula starters are single bytes that no multi-byte character contains.
    private static func appendCell(_ value: String, neutralising: Bool, to bytes: inout [UInt8]) {
        var value = value
        value.withUTF8 { utf8 in
            guard let first = utf8.first else { return }
            let formula = neutralising && startsFormula(first)
            let needsQuotes = utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0D || $0 == 0x0A }
            if needsQuotes { bytes.append(UInt8(ascii: "\"")) }
            if formula { bytes.append(UInt8(ascii: "'")) }
            if needsQuotes {
                for byte in utf8 {
                    bytes.append(byte)
                    if byte == UInt8(ascii: "\"") { bytes.append(byte) }
                }
                bytes.append(UInt8(ascii: "\""))
            } else {
                bytes.append(contentsOf: utf8)
            }
        }
    }

    /// Whether a text starting with this byte is run as a formula by a spreadsheet: `=`, `+`, `-`, `@`, tab, CR.
    private static func startsFormula(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "=") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "@")
            || byte == 0x09 || byte == 0x0D
    }

    /// A text cell: formula-neutralised, then quoted if it needs to be.
    public static func textCell(_ value: String) -> String {
        var bytes: [UInt8] = []
        appendCell(value, neutralising: true, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The value with a leading `'` when a spreadsheet would read it as a formula.
    public static func neutralised(_ value: String) -> String {
        guard let first = value.utf8.first, startsFormula(first) else { return value }
        return "'" + value
    }

    /// RFC 4180 quoting: wraps the value in `"` (doubling any inside) when it contains `,`, `"`, CR or LF.
    public static func quoted(_ value: String) -> String {
        var bytes: [UInt8] = []
        appendCell(value, neutralising: false, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// One CSV line of cells: numbers as they are, everything else as a text cell.
    public static func join(_ cells: [String]) -> String {
        cells.map { cell in
            let isNumber = !cell.isEmpty && cell.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
                && cell.utf8.dropFirst().allSatisfy { $0 != UInt8(ascii: "-") }
            return isNumber ? cell : textCell(cell)
        }.joined(separator: ",") + lineEnd
    }
}
