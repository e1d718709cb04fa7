import Archive

/// An import problem (`track --csv` or `track --xlsx`): the file, where in it, and what is wrong. Nothing from the
/// file is tracked.
public struct TransactionImportError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// The workbook sheet, for a spreadsheet import.
    public var sheet: String?
    /// 1-based line number of a CSV file, or row number of a sheet, when the problem is on one.
    public var line: Int?
    public var reason: String

    public init(file: String, sheet: String? = nil, line: Int?, reason: String) {
        self.file = file
        self.sheet = sheet
        self.line = line
        self.reason = reason
    }

    public var description: String {
        let place: String
        switch (sheet, line) {
        case (let sheet?, let line?): place = "\(file), sheet \"\(sheet)\", row \(line)"
        case (let sheet?, nil): place = "\(file), sheet \"\(sheet)\""
        case (nil, let line?): place = "\(file):\(line)"
        case (nil, nil): place = file
        }
        return "\(place): \(reason); nothing from the file was tracked"
    }
}

/// The name `track --csv` errors had before spreadsheets could be imported.
public typealias CSVImportError = TransactionImportError

/// What an import read: the requests, in file order without duplicates, and notes worth showing the user (an
/// encoding that was guessed, the delimiter found, the header row used).
public struct TransactionImport: Sendable, Hashable {
    public var requests: [TrackRequest]
    public var notes: [String]

    public init(requests: [TrackRequest], notes: [String]) {
        self.requests = requests
        self.notes = notes
    }
}
