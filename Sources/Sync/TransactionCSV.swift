import Archive
import FiscalCore

/// Reads `track --csv` files: a header row, columns `transaction_id` and `type` (`payment` or `p2p`), optionally
/// `vendor_order_id` (or their Russian/Uzbek names, see `TransactionTable`); other columns are ignored. RFC 4180
/// quoting; fields separated by `,`, `;` (what Russian- and Uzbek-locale Excel writes) or tab, found from the header
/// row unless given; UTF-8 (a BOM is accepted), UTF-16 with a BOM, or Windows-1251 (guessed, with a note).
///
/// The whole file is validated before anything is tracked: one bad line rejects the file, naming the line.
public enum TransactionCSV {
    /// The field separators a file may use.
    public static let delimiters: [Character] = [",", ";", "\t"]

    /// Parses the file's bytes into track requests, in file order, without duplicates.
    public static func parse(_ bytes: [UInt8], file: String = "CSV") throws(CSVImportError) -> [TrackRequest] {
        try read(bytes, file: file).requests
    }

    /// Parses the file's bytes, with the notes to show (a guessed encoding, the separator found).
    /// - Parameter delimiter: the field separator; nil finds it from the header row.
    public static func read(
        _ bytes: [UInt8], file: String = "CSV", delimiter: Character? = nil
    ) throws(TransactionImportError) -> TransactionImport {
        let decoded = try ImportText.decode(bytes, file: file)
        var notes = decoded.note.map { [$0] } ?? []
        let separator: Character
        if let delimiter {
            separator = delimiter
        } else {
            separator = try detectDelimiter(decoded.text, file: file)
            if separator != "," { notes.append("\(file): fields are separated by \(name(of: separator)) (found in the header row)") }
        }
        let records = try records(in: decoded.text, file: file, delimiter: separator)
        let (requests, headerLine) = try TransactionTable.requests(records, file: file)
        if let first = records.first?.0, headerLine != first {
            notes.append("\(file): the header is on line \(headerLine); the lines above it were skipped")
        }
        return TransactionImport(requests: requests, notes: notes)
    }

    /// A readable name for a separator, for notes and errors.
    public static func name(of delimiter: Character) -> String {
        switch delimiter {
        case "\t": "tabs"
        case ";": "semicolons (;)"
        case ",": "commas (,)"
        default: "\"\(delimiter)\""
        }
    }

    /// The separator the header row is written with: the one that splits it into columns naming a transaction id
    /// and a type, else the one it uses most (a comma when it uses none). Rows above the header (a title) are
    /// looked through the same way.
    static func detectDelimiter(_ text: String, file: String) throws(TransactionImportError) -> Character {
        var firstLine: Substring?
        var lines = 0
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            if line.allSatisfy({ $0 == "\r" || $0 == " " }) { continue }
            if firstLine == nil { firstLine = line }
            for delimiter in delimiters {
                let fields = line.split(separator: delimiter, omittingEmptySubsequences: false).map {
                    TransactionTable.normalise(String($0).replacingQuotes())
                }
                let names = Set(fields)
                let hasID = names.contains { name in TransactionTable.aliases[.transactionID]?.contains(name) == true }
                let hasType = names.contains { name in name == "type" || TransactionTable.aliases[.type]?.contains(name) == true }
                if hasID && hasType { return delimiter }
            }
            lines += 1
            if lines >= TransactionTable.headerSearchRows { break }
        }
        guard let firstLine else { return "," }
        let counts = delimiters.map { delimiter in (delimiter, firstLine.filter { $0 == delimiter }.count) }
        let best = counts.max { $0.1 < $1.1 }
        return best.map { $0.1 > 0 ? $0.0 : "," } ?? ","
    }

    /// Splits RFC 4180 text into records, each with the line number it starts on.
    static func records(
        in text: String, file: String, delimiter: Character = ","
    ) throws(TransactionImportError) -> [(Int, [String])] {
        guard let separator = delimiter.unicodeScalars.first, delimiter.unicodeScalars.count == 1,
              separator != "\"", separator != "\n", separator != "\r" else {
            throw TransactionImportError(file: file, line: nil, reason: "\(name(of: delimiter)) cannot separate fields")
        }
        var records: [(Int, [String])] = []
        var fields: [String] = []
        var field = ""
        var line = 1
        var recordLine = 1
        var inQuotes = false
        var quotedFieldEnded = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func nextScalar() -> Unicode.Scalar? {
            if let scalar = pending {
                pending = nil
                return scalar
            }
            return iterator.next()
        }
        while let scalar = nextScalar() {
            if inQuotes {
                if scalar == "\"" {
                    if let following = iterator.next() {
                        if following == "\"" {
                            field.unicodeScalars.append("\"")
                        } else {
                            inQuotes = false
                            quotedFieldEnded = true
                            pending = following
                        }
                    } else {
                        inQuotes = false
                        quotedFieldEnded = true
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case separator:
                fields.append(field)
                field = ""
                quotedFieldEnded = false
            case "\r":
                continue
            case "\n":
                fields.append(field)
                records.append((recordLine, fields))
                fields = []
                field = ""
                quotedFieldEnded = false
                line += 1
                recordLine = line
            case "\"":
                guard field.isEmpty, !quotedFieldEnded else {
                    throw TransactionImportError(file: file, line: line, reason: "a quote inside an unquoted field")
                }
                inQuotes = true
            default:
                if quotedFieldEnded {
                    throw TransactionImportError(file: file, line: line, reason: "text after a closing quote")
                }
                field.unicodeScalars.append(scalar)
            }
        }
        if inQuotes {
            throw TransactionImportError(file: file, line: recordLine, reason: "a quoted field is not closed")
        }
        if !field.isEmpty || !fields.isEmpty || quotedFieldEnded {
            fields.append(field)
            records.append((recordLine, fields))
        }
        return records
    }
}

extension String {
    /// Without the quotes a header field may be written in.
    fileprivate func replacingQuotes() -> String { filter { $0 != "\"" } }
}
