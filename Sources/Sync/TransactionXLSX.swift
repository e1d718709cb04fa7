import Archive
import Spreadsheet

/// Reads `track --xlsx` workbooks: the first sheet (or the one named), with the same header names and row rules as
/// `TransactionCSV`; numbers stored in cells are read as their exact digits. A workbook that breaks a
/// `SpreadsheetLimits` bound, links outside itself or carries XML entity declarations is refused whole.
public enum TransactionXLSX {
    /// Parses the workbook's bytes, with notes to show (the sheet read, the header row when it is not the first).
    public static func read(
        _ bytes: [UInt8], file: String, sheet: String? = nil, limits: SpreadsheetLimits = .standard
    ) throws(TransactionImportError) -> TransactionImport {
        let worksheet: Worksheet
        do {
            worksheet = try XLSXReader.read(bytes, sheet: sheet, limits: limits)
        } catch {
            throw TransactionImportError(file: file, line: nil, reason: "cannot be imported: \(error)")
        }
        let records = worksheet.rows.map { ($0.number, $0.cells) }
        let (requests, headerLine) = try TransactionTable.requests(records, file: file, sheet: worksheet.name)
        var notes: [String] = []
        if worksheet.sheetNames.count > 1 && sheet == nil {
            notes.append("\(file): read sheet \"\(worksheet.name)\", the first of \(worksheet.sheetNames.count) (choose another with --sheet)")
        }
        if let first = records.first?.0, headerLine != first {
            notes.append("\(file): the header is on row \(headerLine) of sheet \"\(worksheet.name)\"; the rows above it were skipped")
        }
        return TransactionImport(requests: requests, notes: notes)
    }
}
