/// Reads `<sheetData>` of one worksheet part into rows of cell texts, counting rows and cells against the limits
/// as it goes (a cell far to the right counts for every column before it, since the row is stored that wide).
struct SheetDataReader {
    let part: String
    let sharedStrings: [String]
    let limits: SpreadsheetLimits
    let deadline: ContinuousClock.Instant

    /// Excel's widest sheet: column XFD.
    static let maxColumns = 16_384

    func rows(_ bytes: [UInt8]) throws(SpreadsheetError) -> [Worksheet.Row] {
        let stream = try XMLStream(bytes: bytes, part: part, deadline: deadline, attributesOf: ["row", "c"])
        var rows: [Worksheet.Row] = []
        var cellBudget = limits.maxCells
        var rowNumber = 0
        var cells: [String] = []
        var inRow = false
        // The cell being read.
        var column = 0
        var type = "n"
        var value = ""
        var inlineText = ""
        var inValue = false
        var inInlineText = 0
        var inPhonetic = 0

        func finishRow() {
            while cells.last == "" { cells.removeLast() }
            rows.append(Worksheet.Row(number: rowNumber, cells: cells))
            cells = []
            inRow = false
        }

        func store() throws(SpreadsheetError) {
            let text: String
            switch type {
            case "s":
                guard let index = Int(value.trimmingSpaces()), sharedStrings.indices.contains(index) else {
                    throw SpreadsheetError(
                        .malformed, part: part,
                        "has a cell in row \(rowNumber) pointing at shared string \"\(value)\", which does not exist")
                }
                text = sharedStrings[index]
            case "inlineStr": text = inlineText
            case "b": text = value.trimmingSpaces() == "1" ? "TRUE" : value.isEmpty ? "" : "FALSE"
            case "str", "e", "d": text = value
            default: text = value.isEmpty ? "" : NumericText.exact(value)
            }
            while cells.count < column { cells.append("") }
            cells.append(text)
        }

        while let event = try stream.next() {
            switch event {
            case .start("row", let attributes, let isEmpty):
                if let text = attributes["r"] {
                    guard let number = Int(text), number > rowNumber, number <= limits.maxRows else {
                        if let number = Int(text), number > limits.maxRows { throw tooManyRows() }
                        throw SpreadsheetError(.malformed, part: part, "has a row numbered \"\(text)\" out of order")
                    }
                    rowNumber = number
                } else {
                    rowNumber += 1
                }
                guard rows.count < limits.maxRows, rowNumber <= limits.maxRows else { throw tooManyRows() }
                inRow = true
                cells = []
                if isEmpty { finishRow() }
            case .end("row"):
                if inRow { finishRow() }
            case .start("c", let attributes, let isEmpty):
                guard inRow else { throw SpreadsheetError(.malformed, part: part, "has a cell outside a row") }
                if let reference = attributes["r"] {
                    guard let (referencedColumn, referencedRow) = Self.parse(reference: reference),
                          referencedRow == rowNumber, referencedColumn >= cells.count else {
                        throw SpreadsheetError(
                            .malformed, part: part, "has a cell \"\(reference)\" that does not belong where it stands (row \(rowNumber))")
                    }
                    column = referencedColumn
                } else {
                    column = cells.count
                }
                guard column < Self.maxColumns else {
                    throw SpreadsheetError(.malformed, part: part, "has a cell beyond column XFD in row \(rowNumber)")
                }
                let width = column + 1 - cells.count
                cellBudget -= width
                guard cellBudget >= 0 else {
                    throw SpreadsheetError(
                        .limitExceeded, part: part, "has more than \(limits.maxCells) cells (the limit for a sheet)")
                }
                type = attributes["t"] ?? "n"
                value = ""
                inlineText = ""
                if isEmpty { try store() }
            case .end("c"):
                try store()
            case .start("v", _, let isEmpty):
                if !isEmpty { inValue = true }
            case .end("v"):
                inValue = false
            case .start("t", _, let isEmpty):
                if !isEmpty { inInlineText += 1 }
            case .end("t"):
                inInlineText -= 1
            case .start("rPh", _, let isEmpty):
                if !isEmpty { inPhonetic += 1 }
            case .end("rPh"):
                inPhonetic -= 1
            case .text(let text):
                if inValue {
                    value += text
                } else if inInlineText > 0 && inPhonetic == 0 {
                    inlineText += text
                }
            default:
                break
            }
        }
        if inRow { finishRow() }
        return rows
    }

    private func tooManyRows() -> SpreadsheetError {
        SpreadsheetError(.limitExceeded, part: part, "has more than \(limits.maxRows) rows (the limit for a sheet)")
    }

    /// `"AB12"` → (27, 12): a 0-based column and a 1-based row.
    static func parse(reference: String) -> (Int, Int)? {
        var column = 0
        var letters = 0
        var row = 0
        var digits = 0
        for byte in reference.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z") where digits == 0:
                column = column * 26 + Int(byte - UInt8(ascii: "A")) + 1
                letters += 1
                guard letters <= 3 else { return nil }
            case UInt8(ascii: "0")...UInt8(ascii: "9") where letters > 0:
                row = row * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
                guard digits <= 7 else { return nil }
            default:
                return nil
            }
        }
        guard letters > 0, digits > 0 else { return nil }
        return (column - 1, row)
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
