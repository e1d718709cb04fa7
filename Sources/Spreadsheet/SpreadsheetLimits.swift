/// Bounds on what reading one workbook may cost: a workbook is untrusted input (a zip bomb, a sheet of a million
/// empty rows), so every read stops at the first bound it reaches and names it.
public struct SpreadsheetLimits: Sendable, Hashable {
    /// The workbook file itself (compressed).
    public var maxFileBytes: Int
    /// Entries listed in the ZIP's central directory.
    public var maxEntries: Int
    /// Uncompressed bytes of any one entry.
    public var maxEntryBytes: Int
    /// Uncompressed bytes of all entries read from one workbook together.
    public var maxTotalBytes: Int
    /// Uncompressed ÷ compressed size of an entry larger than `ratioCheckedAbove` bytes.
    public var maxCompressionRatio: Int
    /// Entries smaller than this are never refused for their ratio (a tiny file of repeated text compresses well).
    public var ratioCheckedAbove: Int
    /// Rows of the sheet read (counting rows the sheet lists, empty or not).
    public var maxRows: Int
    /// Cells of the sheet read.
    public var maxCells: Int
    /// Shared strings (the workbook's string table).
    public var maxSharedStrings: Int
    /// Wall-clock time one read may take.
    public var maxDuration: Duration

    public init(
        maxFileBytes: Int = 64 << 20, maxEntries: Int = 10_000, maxEntryBytes: Int = 128 << 20,
        maxTotalBytes: Int = 256 << 20, maxCompressionRatio: Int = 200, ratioCheckedAbove: Int = 1 << 20,
        maxRows: Int = 1_048_576, maxCells: Int = 5_000_000, maxSharedStrings: Int = 2_000_000,
        maxDuration: Duration = .seconds(60)
    ) {
        self.maxFileBytes = maxFileBytes
        self.maxEntries = maxEntries
        self.maxEntryBytes = maxEntryBytes
        self.maxTotalBytes = maxTotalBytes
        self.maxCompressionRatio = maxCompressionRatio
        self.ratioCheckedAbove = ratioCheckedAbove
        self.maxRows = maxRows
        self.maxCells = maxCells
        self.maxSharedStrings = maxSharedStrings
        self.maxDuration = maxDuration
    }

    /// The defaults: far above any real transaction list (Excel's own sheet holds 1,048,576 rows), far below
    /// what would exhaust the machine.
    public static let standard = SpreadsheetLimits()
}
