import Foundation

/// A small RFC 4180 reader for checking the register: quoted cells, doubled quotes, CRLF inside quotes.
enum CSVReader {
    /// Parses the text (without BOM) into rows of cells; requires CRLF line ends outside quotes.
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var cell = ""
        var inQuotes = false
        var scalars = Array(text.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            if inQuotes {
                if scalar == "\"" {
                    if scalars.first == "\"" {
                        cell.unicodeScalars.append("\"")
                        scalars.removeFirst()
                    } else {
                        inQuotes = false
                    }
                } else {
                    cell.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"": inQuotes = true
            case ",":
                row.append(cell)
                cell = ""
            case "\r":
                if scalars.first == "\n" { scalars.removeFirst() }
                row.append(cell)
                rows.append(row)
                row = []
                cell = ""
            default: cell.unicodeScalars.append(scalar)
            }
        }
        if !cell.isEmpty || !row.isEmpty {
            row.append(cell)
            rows.append(row)
        }
        return rows
    }

    /// Reads a CSV file written by the reports: checks and strips the BOM.
    static func read(_ path: String) throws -> (header: [String], rows: [[String]]) {
        let bytes = try readBytes(path)
        guard bytes.starts(with: [0xEF, 0xBB, 0xBF]) else { throw CSVReadError.noBOM }
        let all = rows(Array(bytes.dropFirst(3)).text)
        guard let header = all.first else { throw CSVReadError.empty }
        return (header, Array(all.dropFirst()))
    }
}

enum CSVReadError: Error { case noBOM, empty }
