/// The cell texts of one sheet of a workbook, row by row.
public struct Worksheet: Sendable, Hashable {
    /// One row the sheet lists: its 1-based row number (as Excel shows it) and the text of each cell from column A,
    /// with "" for cells that are absent.
    public struct Row: Sendable, Hashable {
        public var number: Int
        public var cells: [String]

        public init(number: Int, cells: [String]) {
            self.number = number
            self.cells = cells
        }
    }

    /// The sheet's name as the workbook shows it on its tab.
    public var name: String
    /// The names of all sheets of the workbook, in tab order.
    public var sheetNames: [String]
    /// Rows in sheet order; rows the sheet does not list are absent.
    public var rows: [Row]

    public init(name: String, sheetNames: [String], rows: [Row]) {
        self.name = name
        self.sheetNames = sheetNames
        self.rows = rows
    }
}
