import Archive
import FiscalCore

/// Reads `track --csv` files: UTF-8 (a BOM is accepted), a header row, columns `transaction_id` and `type`
/// (`payment` or `p2p`), optionally `vendor_order_id`; other columns are ignored. RFC 4180 quoting.
///
/// The whole file is validated before anything is tracked: one bad line rejects the file, naming the line.
public enum TransactionCSV {
    /// Parses the file's bytes into track requests, in file order, without duplicates.
    public static func parse(_ bytes: [UInt8], file: String = "CSV") throws(CSVImportError) -> [TrackRequest] {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        guard let text = String(validating: body, as: UTF8.self) else {
            throw CSVImportError(file: file, line: nil, reason: "the file is not valid UTF-8")
        }
        let records = try records(in: text, file: file)
        guard let (headerLine, header) = records.first else {
            throw CSVImportError(file: file, line: nil, reason: "the file is empty (expected a header row)")
        }
        let names = header.map { $0.trimmingASCIIWhitespace().lowercased() }
        guard let idColumn = names.firstIndex(of: "transaction_id") else {
            throw CSVImportError(file: file, line: headerLine, reason: "the header has no transaction_id column")
        }
        guard let typeColumn = names.firstIndex(of: "type") else {
            throw CSVImportError(file: file, line: headerLine, reason: "the header has no type column")
        }
        let orderColumn = names.firstIndex(of: "vendor_order_id")

        var requests: [TrackRequest] = []
        var seen: [TransactionID: (TransactionType, Int)] = [:]
        for (line, fields) in records.dropFirst() {
            if fields.allSatisfy({ $0.trimmingASCIIWhitespace().isEmpty }) { continue }
            guard fields.count > max(idColumn, typeColumn) else {
                throw CSVImportError(
                    file: file, line: line, reason: "expected at least \(max(idColumn, typeColumn) + 1) columns, found \(fields.count)")
            }
            let idText = fields[idColumn].trimmingASCIIWhitespace()
            guard let id = TransactionID(parsing: idText) else {
                throw CSVImportError(file: file, line: line, reason: "transaction_id \"\(idText)\" is not a positive whole number")
            }
            let typeText = fields[typeColumn].trimmingASCIIWhitespace().lowercased()
            guard let type = TransactionType(rawValue: typeText) else {
                throw CSVImportError(file: file, line: line, reason: "type \"\(typeText)\" is not payment or p2p")
            }
            if let (earlierType, earlierLine) = seen[id] {
                guard earlierType == type else {
                    throw CSVImportError(
                        file: file, line: line,
                        reason: "transaction \(id) is \(type) here but \(earlierType) on line \(earlierLine)")
                }
                continue
            }
            seen[id] = (type, line)
            let order = orderColumn.flatMap { $0 < fields.count ? fields[$0].trimmingASCIIWhitespace() : nil }
            requests.append(TrackRequest(id: id, type: type, vendorOrderID: order?.isEmpty == false ? order : nil))
        }
        return requests
    }

    /// Splits RFC 4180 text into records, each with the line number it starts on.
    static func records(in text: String, file: String) throws(CSVImportError) -> [(Int, [String])] {
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
            case ",":
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
                    throw CSVImportError(file: file, line: line, reason: "a quote inside an unquoted field")
                }
                inQuotes = true
            default:
                if quotedFieldEnded {
                    throw CSVImportError(file: file, line: line, reason: "text after a closing quote")
                }
                field.unicodeScalars.append(scalar)
            }
        }
        if inQuotes {
            throw CSVImportError(file: file, line: recordLine, reason: "a quoted field is not closed")
        }
        if !field.isEmpty || !fields.isEmpty || quotedFieldEnded {
            fields.append(field)
            records.append((recordLine, fields))
        }
        return records
    }
}

/// A CSV import problem: the file, the line, and what is wrong. Nothing from the file is tracked.
public struct CSVImportError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based line number, when the problem is on a line.
    public var line: Int?
    public var reason: String

    public init(file: String, line: Int?, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String {
        if let line { return "\(file):\(line): \(reason); nothing from the file was tracked" }
        return "\(file): \(reason); nothing from the file was tracked"
    }
}
