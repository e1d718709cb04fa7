import Spreadsheet
import Testing

/// Workbooks built to hurt the reader: each must be refused with its own kind of error, naming the part and the
/// limit, under the standard limits (nothing here lowers them unless the test says so).
@Suite("Hostile workbooks")
struct HostileWorkbookTests {
    private func refusal(
        _ fixture: String, limits: SpreadsheetLimits = .standard
    ) throws -> SpreadsheetError {
        try #require(throws: SpreadsheetError.self) { try XLSXReader.read(Fixture.bytes(fixture), limits: limits) }
    }

    @Test("a zip bomb stops at the compression-ratio limit, long before it is expanded")
    func bomb() throws {
        let error = try refusal("bomb.xlsx")
        #expect(error.kind == .limitExceeded)
        #expect(error.part == "xl/worksheets/sheet1.xml")
        #expect(error.description.contains("200 times its compressed size"), "\(error)")
    }

    @Test("the per-part and total byte limits stop inflation (not the sizes the archive declares)")
    func byteLimits() throws {
        var limits = SpreadsheetLimits.standard
        limits.maxCompressionRatio = .max
        limits.maxEntryBytes = 5_000_000
        let perPart = try refusal("bomb.xlsx", limits: limits)
        #expect(perPart.kind == .limitExceeded)
        #expect(perPart.description.contains("more than 5000000 bytes"), "\(perPart)")

        // The sheet of lying-bomb.xlsx declares 100 bytes: inflation is counted, not taken from the archive.
        let lying = try refusal("lying-bomb.xlsx", limits: limits)
        #expect(lying.kind == .limitExceeded)
        #expect(lying.description.contains("more than 5000000 bytes"), "\(lying)")
        #expect(try refusal("lying-bomb.xlsx").description.contains("200 times its compressed size"))

        limits = .standard
        limits.maxTotalBytes = 2_000
        let total = try refusal("ids-libreoffice.xlsx", limits: limits)
        #expect(total.kind == .limitExceeded)
        #expect(total.description.contains("more than 2000 bytes in all"), "\(total)")
    }

    @Test("a huge sheet is refused by its cell count, even when stored as a few cells far to the right")
    func wide() throws {
        let error = try refusal("wide.xlsx")
        #expect(error.kind == .limitExceeded)
        #expect(error.description.contains("more than 5000000 cells"), "\(error)")
    }

    @Test("rows past the row limit are refused")
    func tall() throws {
        let error = try refusal("tall.xlsx")
        #expect(error.kind == .limitExceeded)
        #expect(error.description.contains("more than 1048576 rows"), "\(error)")
        var limits = SpreadsheetLimits.standard
        limits.maxRows = 3
        #expect(try refusal("handwritten.xlsx", limits: limits).description.contains("more than 3 rows"))
    }

    @Test("entity declarations are refused, never expanded", arguments: [
        ("entities.xlsx", "xl/sharedStrings.xml"), ("xxe.xlsx", "xl/worksheets/sheet1.xml"),
    ])
    func entities(fixture: String, part: String) throws {
        let error = try refusal(fixture)
        #expect(error.kind == .documentType)
        #expect(error.part == part)
        #expect(error.description.contains("document type declaration"))
        #expect(!error.description.contains("root:"))
    }

    @Test("links outside the workbook are refused", arguments: ["external-link.xlsx", "external-sheet.xlsx"])
    func external(fixture: String) throws {
        let error = try refusal(fixture)
        #expect(error.kind == .externalReference)
        #expect(error.description.contains("external reference"), "\(error)")
    }

    @Test("broken XML names its part")
    func malformed() throws {
        let error = try refusal("malformed.xlsx")
        #expect(error.kind == .malformed)
        #expect(error.part == "xl/worksheets/sheet1.xml")
        #expect(error.description.contains("not well-formed XML"))
    }

    @Test("files that are not workbooks say what they are not", arguments: [
        ("ids-comma.csv", "not a ZIP archive"),
        ("ids-semicolon-bom.csv", "not a ZIP archive"),
    ])
    func notWorkbooks(fixture: String, mention: String) throws {
        let error = try refusal(fixture)
        #expect(error.kind == .notAWorkbook)
        #expect(error.description.contains(mention))
    }

    @Test("an old binary .xls, a truncated ZIP and an oversized file are refused before unzipping")
    func notZip() throws {
        let xls: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + Array(repeating: 0, count: 512)
        let legacy = try #require(throws: SpreadsheetError.self) { try XLSXReader.read(xls) }
        #expect(legacy.description.contains(".xls"))

        let whole = try Fixture.bytes("ids-libreoffice.xlsx")
        let truncated = try #require(throws: SpreadsheetError.self) { try XLSXReader.read(Array(whole.prefix(whole.count / 2))) }
        #expect(truncated.kind == .notAWorkbook)

        var limits = SpreadsheetLimits.standard
        limits.maxFileBytes = 1_000
        let large = try #require(throws: SpreadsheetError.self) { try XLSXReader.read(whole, limits: limits) }
        #expect(large.description.contains("1000-byte limit"))
    }

    @Test("a workbook with too many entries is refused by counting, not by reading them")
    func entries() throws {
        var limits = SpreadsheetLimits.standard
        limits.maxEntries = 5
        let error = try refusal("ids-libreoffice.xlsx", limits: limits)
        #expect(error.description.contains("more than 5 entries"))
    }

    @Test("a read that outlives its time limit is stopped and says so")
    func timeLimit() throws {
        var limits = SpreadsheetLimits.standard
        limits.maxDuration = .zero
        let error = try refusal("ids-libreoffice.xlsx", limits: limits)
        #expect(error.kind == .limitExceeded)
        #expect(error.description.contains("time limit"), "\(error)")
    }
}
