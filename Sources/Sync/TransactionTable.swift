import Archive
import FiscalCore

/// The rows of an import — from a CSV file or a sheet — turned into track requests: finds the header row, maps the
/// column names (English, Russian or Uzbek), and validates every row before anything is returned.
///
/// Accepted header names (compared ignoring case, with `_`, `-`, `.` and repeated spaces read as one space, `ё` as
/// `е`, and any Uzbek apostrophe as `'`) are listed in `aliases` and in docs/DESIGN.md.
enum TransactionTable {
    enum Column: String, CaseIterable {
        case transactionID = "transaction_id"
        case type
        case vendorOrderID = "vendor_order_id"
    }

    /// Header names per column, already normalised.
    static let aliases: [Column: Set<String>] = [
        .transactionID: [
            "transaction id", "transactionid", "id транзакции", "идентификатор транзакции", "номер транзакции",
            "№ транзакции", "транзакция id", "транзакция", "tranzaksiya id", "tranzaksiya id si", "tranzaksiya idsi",
            "tranzaksiya identifikatori", "tranzaksiya raqami", "tranzaksiya", "транзакция рақами",
        ],
        .type: [
            "type", "тип", "тип транзакции", "тип операции", "вид операции", "turi", "tranzaksiya turi",
            "operatsiya turi", "тури", "транзакция тури",
        ],
        .vendorOrderID: [
            "vendor order id", "order id", "номер заказа", "id заказа", "№ заказа", "заказ", "buyurtma id",
            "buyurtma raqami", "buyurtma", "буюртма рақами",
        ],
    ]

    /// Type values besides `payment` and `p2p`, already normalised.
    static let typeAliases: [String: TransactionType] = [
        "платеж": .payment, "оплата": .payment, "to'lov": .payment, "тўлов": .payment,
        "перевод": .p2p, "p2p перевод": .p2p, "o'tkazma": .p2p, "ўтказма": .p2p,
    ]

    /// How many leading rows may stand before the header (a title, a date range, as cabinet exports put there).
    static let headerSearchRows = 10

    static func normalise(_ text: String) -> String {
        var result = ""
        var pendingSpace = false
        for character in text.lowercased() {
            switch character {
            case " ", "\t", "\u{A0}", "_", "-", ".", ":", "\n", "\r":
                pendingSpace = !result.isEmpty
            default:
                if pendingSpace { result.append(" ") }
                pendingSpace = false
                switch character {
                case "ё": result.append("е")
                case "‘", "’", "ʻ", "ʼ", "`", "´": result.append("'")
                default: result.append(character)
                }
            }
        }
        return result
    }

    /// Validates `records` (1-based line or row number, fields) into requests.
    static func requests(
        _ records: [(Int, [String])], file: String, sheet: String? = nil
    ) throws(TransactionImportError) -> (requests: [TrackRequest], headerLine: Int) {
        func failure(_ line: Int?, _ reason: String) -> TransactionImportError {
            TransactionImportError(file: file, sheet: sheet, line: line, reason: reason)
        }
        let nonEmpty = records.filter { !$0.1.allSatisfy { $0.trimmingImportWhitespace().isEmpty } }
        guard let first = nonEmpty.first else {
            throw failure(nil, sheet == nil ? "the file is empty (expected a header row)" : "the sheet is empty (expected a header row)")
        }
        var header: (line: Int, columns: [Column: Int])?
        for (line, fields) in nonEmpty.prefix(headerSearchRows) {
            let columns = try columns(of: fields, line: line, failure: failure)
            if columns[.transactionID] != nil && columns[.type] != nil {
                header = (line, columns)
                break
            }
        }
        guard let header else {
            let firstColumns = try columns(of: first.1, line: first.0, failure: failure)
            let missing = firstColumns[.transactionID] == nil ? "transaction_id" : "type"
            let separatorHint = sheet == nil && first.1.count == 1 && first.1[0].contains(where: { ",;\t".contains($0) })
                ? " (the row was read as one column: are its fields separated by another delimiter? see --delimiter)" : ""
            throw failure(
                first.0,
                "the header has no \(missing) column\(separatorHint); accepted names are listed in the README (e.g. transaction_id, \"ID транзакции\", \"Tranzaksiya ID\"; type, \"Тип\", \"Turi\")")
        }
        guard let idColumn = header.columns[.transactionID], let typeColumn = header.columns[.type] else {
            throw failure(header.line, "the header has no transaction_id or type column")
        }
        let orderColumn = header.columns[.vendorOrderID]

        var requests: [TrackRequest] = []
        var seen: [TransactionID: (TransactionType, Int)] = [:]
        for (line, fields) in records where line > header.line {
            if fields.allSatisfy({ $0.trimmingImportWhitespace().isEmpty }) { continue }
            guard fields.count > max(idColumn, typeColumn) else {
                throw failure(line, "expected at least \(max(idColumn, typeColumn) + 1) columns, found \(fields.count)")
            }
            let idText = fields[idColumn].trimmingImportWhitespace()
            guard let id = transactionID(idText) else {
                let hint = idText.contains(where: { $0 == "E" || $0 == "e" })
                    ? " (the spreadsheet shortened it: format the column as Text or as Number with 0 decimals, then save again)"
                    : ""
                throw failure(line, "transaction_id \"\(idText)\" is not a positive whole number\(hint)")
            }
            let typeText = fields[typeColumn].trimmingImportWhitespace()
            let normalisedType = normalise(typeText)
            guard let type = TransactionType(rawValue: normalisedType) ?? typeAliases[normalisedType] else {
                throw failure(line, "type \"\(typeText)\" is not payment or p2p")
            }
            if let (earlierType, earlierLine) = seen[id] {
                guard earlierType == type else {
                    let unit = sheet == nil ? "line" : "row"
                    throw failure(line, "transaction \(id) is \(type) here but \(earlierType) on \(unit) \(earlierLine)")
                }
                continue
            }
            seen[id] = (type, line)
            let order = orderColumn.flatMap { $0 < fields.count ? fields[$0].trimmingImportWhitespace() : nil }
            requests.append(TrackRequest(id: id, type: type, vendorOrderID: order?.isEmpty == false ? order : nil))
        }
        return (requests, header.line)
    }

    private static func columns(
        of fields: [String], line: Int, failure: (Int?, String) -> TransactionImportError
    ) throws(TransactionImportError) -> [Column: Int] {
        var columns: [Column: Int] = [:]
        for (index, field) in fields.enumerated() {
            let name = normalise(field)
            for column in Column.allCases where name == normalise(column.rawValue) || aliases[column]?.contains(name) == true {
                if let earlier = columns[column] {
                    throw failure(
                        line, "the header has two \(column.rawValue) columns (\(earlier + 1) and \(index + 1)): keep one")
                }
                columns[column] = index
            }
        }
        return columns
    }

    /// An id as spreadsheets write it: digits, perhaps grouped by spaces (`11 424 156`) and with a zero fraction
    /// (`11424156,00`) when the column had a number format.
    static func transactionID(_ text: String) -> TransactionID? {
        var digits = String(text.filter { $0 != " " && $0 != "\u{A0}" && $0 != "\u{202F}" })
        if let separator = digits.firstIndex(where: { $0 == "," || $0 == "." }) {
            let fraction = digits[digits.index(after: separator)...]
            guard !fraction.isEmpty, fraction.allSatisfy({ $0 == "0" }) else { return nil }
            digits = String(digits[..<separator])
        }
        return TransactionID(parsing: digits)
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and no-break spaces (which Excel leaves around cell text).
    func trimmingImportWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\u{A0}" || $0 == "\r" || $0 == "\n" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
