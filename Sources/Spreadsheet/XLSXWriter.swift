import Foundation

/// Writes an Office Open XML workbook (`.xlsx`) with typed cells: text, numbers with a two-decimal or integer
/// format, and date-times. Each sheet may freeze its header row; column widths fit their longest text.
///
/// The bytes depend only on the content: every ZIP entry carries the same fixed timestamp, parts are written in a
/// fixed order, strings are inline (no shared-string table to order), and nothing reads the clock.
public struct XLSXWriter: Sendable {
    /// One cell's value and how it is shown.
    public enum Cell: Sendable, Hashable {
        /// Nothing in the cell.
        case empty
        /// Text, kept as typed (never read as a formula).
        case text(String)
        /// A decimal number (its exact text, `-1234.50`) shown with two decimals and digit grouping.
        case money(String)
        /// A whole number (its exact text) shown without decimals or grouping (ids, counts).
        case integer(String)
        /// A decimal number shown as it is (rates).
        case number(String)
        /// A local date and time, shown `yyyy-mm-dd hh:mm:ss`: the seconds since 1970-01-01T00:00 of the local
        /// clock (for Tashkent: Unix seconds + 18000).
        case dateTime(localSeconds: Int64)
    }

    /// One sheet: a header row (bold, frozen when `freezeHeader`) then the rows.
    public struct Sheet: Sendable, Hashable {
        public var name: String
        public var header: [String]
        public var rows: [[Cell]]
        public var freezeHeader: Bool
        /// Printed across the page (landscape) rather than down it.
        public var landscape: Bool
        /// Printed scaled to one page wide (as many pages down as needed).
        public var fitToPageWidth: Bool

        public init(
            name: String, header: [String], rows: [[Cell]], freezeHeader: Bool = true, landscape: Bool = false,
            fitToPageWidth: Bool = true
        ) {
            self.name = name
            self.header = header
            self.rows = rows
            self.freezeHeader = freezeHeader
            self.landscape = landscape
            self.fitToPageWidth = fitToPageWidth
        }
    }

    public var sheets: [Sheet]

    public init(sheets: [Sheet]) {
        self.sheets = sheets
    }

    /// The workbook's bytes.
    public func bytes() throws -> [UInt8] {
        let zip = ZipWriter(.memory)
        try addParts(to: zip, spools: [:])
        try zip.finish()
        return zip.memory
    }

    /// Writes the workbook to a file, taking the rows of the sheets named in `spools` from their spools (each such
    /// sheet's ``Sheet/rows`` must be empty): the file is assembled from the spooled XML without holding it in
    /// memory. The bytes are those ``bytes()`` gives for the same rows.
    ///
    /// - Throws: ``SpreadsheetError`` (`malformed`) when a spooled sheet also has rows or names no sheet, or the
    ///   error of the file system.
    public func write(to path: String, spools: [String: XLSXRowSpool]) throws {
        for name in spools.keys {
            guard let sheet = sheets.first(where: { $0.name == name }) else {
                throw SpreadsheetError(.malformed, "No sheet is named \(name) for its spooled rows")
            }
            guard sheet.rows.isEmpty else {
                throw SpreadsheetError(.malformed, "Sheet \(name) has rows of its own and spooled rows")
            }
        }
        try? FileManager.default.removeItem(atPath: path)
        guard FileManager.default.createFile(atPath: path, contents: nil),
            let handle = FileHandle(forUpdatingAtPath: path)
        else {
            throw SpreadsheetError(.malformed, part: path, "Cannot create the workbook file")
        }
        defer { try? handle.close() }
        let zip = ZipWriter(.file(handle))
        try addParts(to: zip, spools: spools)
        try zip.finish()
    }

    private func addParts(to zip: ZipWriter, spools: [String: XLSXRowSpool]) throws {
        let parts: [(String, [UInt8])] = [
            ("[Content_Types].xml", contentTypes()),
            ("_rels/.rels", rootRelationships()),
            ("xl/workbook.xml", workbook()),
            ("xl/_rels/workbook.xml.rels", workbookRelationships()),
            ("xl/styles.xml", Array(Self.styles.utf8)),
        ]
        for (path, content) in parts { try zip.addEntry(path, content) }
        for (index, sheet) in sheets.enumerated() {
            let spool: XLSXRowSpool
            if let spooled = spools[sheet.name] {
                spool = spooled
            } else {
                spool = try XLSXRowSpool(header: sheet.header)
                for row in sheet.rows { try spool.append(row) }
            }
            try spool.close()
            try Self.addSheet(
                to: zip, path: "xl/worksheets/sheet\(index + 1).xml",
                head: Self.worksheetStart(sheet, widths: spool.widths), rows: spool, tail: Self.worksheetEnd(sheet))
        }
    }

    /// A worksheet entry of three deflate segments: its head (deflated now that the column widths are known), the
    /// spooled rows, its tail.
    private static func addSheet(
        to zip: ZipWriter, path: String, head: [UInt8], rows: XLSXRowSpool, tail: [UInt8]
    ) throws {
        let headSegment = try DeflateSegment()
        var deflatedHead: [UInt8] = []
        try headSegment.feed(head[...]) { deflatedHead += $0 }
        try headSegment.end(.sync) { deflatedHead += $0 }
        let tailSegment = try DeflateSegment()
        var deflatedTail: [UInt8] = []
        try tailSegment.feed(tail[...]) { deflatedTail += $0 }
        try tailSegment.end(.final) { deflatedTail += $0 }
        let whole = DeflateSegment.combined(
            DeflateSegment.combined((headSegment.crc, headSegment.size), (rows.crc, rows.size)),
            (tailSegment.crc, tailSegment.size))
        try zip.addEntry(path, crc: whole.crc, uncompressedSize: whole.size) { emit in
            try emit(deflatedHead[...])
            try rows.forEachDeflatedChunk(emit)
            try emit(deflatedTail[...])
        }
    }

    // MARK: - Parts

    private func contentTypes() -> [UInt8] {
        var xml = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        xml += #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
        xml += #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#
        xml += #"<Default Extension="xml" ContentType="application/xml"/>"#
        xml += #"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#
        xml += #"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
        for index in sheets.indices {
            xml += #"<Override PartName="/xl/worksheets/sheet\#(index + 1).xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        }
        xml += "</Types>"
        return Array(xml.utf8)
    }

    private func rootRelationships() -> [UInt8] {
        Array((#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
            + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
            + #"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>"#
            + "</Relationships>").utf8)
    }

    private func workbook() -> [UInt8] {
        var xml = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        xml += #"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#
        xml += "<sheets>"
        for (index, sheet) in sheets.enumerated() {
            xml += #"<sheet name="\#(Self.escaped(sheet.name))" sheetId="\#(index + 1)" r:id="rId\#(index + 1)"/>"#
        }
        xml += "</sheets></workbook>"
        return Array(xml.utf8)
    }

    private func workbookRelationships() -> [UInt8] {
        var xml = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        xml += #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        for index in sheets.indices {
            xml += #"<Relationship Id="rId\#(index + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet\#(index + 1).xml"/>"#
        }
        xml += #"<Relationship Id="rId\#(sheets.count + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#
        xml += "</Relationships>"
        return Array(xml.utf8)
    }

    /// Cell formats (`s` attribute): 0 default, 1 bold header, 2 money `#,##0.00`, 3 integer `0`,
    /// 4 date-time `yyyy-mm-dd hh:mm:ss`, 5 general number.
    enum Style: Int {
        case plain = 0, header, money, integer, dateTime, number
    }

    static let styles = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        + #"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#
        + #"<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd\ hh:mm:ss"/></numFmts>"#
        + #"<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>"#
        + #"<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>"#
        + #"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#
        + #"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#
        + #"<cellXfs count="6">"#
        + #"<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#
        + #"<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>"#
        + #"<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
        + #"<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
        + #"<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
        + #"<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
        + "</cellXfs>"
        + #"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>"#
        + "</styleSheet>"

    /// A worksheet part up to its first data row: sheet properties, the frozen header, column widths, the header
    /// row.
    static func worksheetStart(_ sheet: Sheet, widths: [Int]) -> [UInt8] {
        var xml = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        xml += #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#
        if sheet.fitToPageWidth { xml += #"<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>"# }
        xml += #"<sheetViews><sheetView workbookViewId="0">"#
        if sheet.freezeHeader && !sheet.header.isEmpty {
            xml += #"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/>"#
        }
        xml += "</sheetView></sheetViews>"
        if !widths.isEmpty {
            xml += "<cols>"
            for (index, width) in widths.enumerated() {
                let fitted = min(max(width, 6), 80)
                xml += #"<col min="\#(index + 1)" max="\#(index + 1)" width="\#(fitted + 1)" customWidth="1"/>"#
            }
            xml += "</cols>"
        }
        xml += "<sheetData>"
        if !sheet.header.isEmpty {
            xml += #"<row r="1">"#
            for (column, title) in sheet.header.enumerated() {
                xml += #"<c r="\#(Self.columnName(column))1" s="1" t="inlineStr"><is><t xml:space="preserve">\#(Self.escaped(title))</t></is></c>"#
            }
            xml += "</row>"
        }
        return Array(xml.utf8)
    }

    /// A worksheet part after its last data row: page margins and setup.
    static func worksheetEnd(_ sheet: Sheet) -> [UInt8] {
        var xml = "</sheetData>"
        xml += #"<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>"#
        xml += #"<pageSetup paperSize="9" orientation="\#(sheet.landscape ? "landscape" : "portrait")""#
        xml += sheet.fitToPageWidth ? #" fitToWidth="1" fitToHeight="0"/>"# : "/>"
        xml += "</worksheet>"
        return Array(xml.utf8)
    }

    // MARK: - Helpers

    /// 0 → `A`, 25 → `Z`, 26 → `AA`.
    static func columnName(_ index: Int) -> String {
        var name = ""
        var rest = index + 1
        while rest > 0 {
            let remainder = (rest - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + remainder))) + name
            rest = (rest - 1) / 26
        }
        return name
    }

    /// The spreadsheet serial number of a local date-time: days since 1899-12-30, the time of day as a fraction
    /// written to 10 decimals (a tenth of a millisecond), computed on integers.
    public static func serial(localSeconds: Int64) -> String {
        let days = localSeconds >= 0 ? localSeconds / 86_400 : (localSeconds - 86_399) / 86_400
        let second = localSeconds - days * 86_400
        let serialDays = days + 25_569
        guard second != 0 else { return String(serialDays) }
        // second / 86400 to 10 decimals, rounded half up (below 10^10: the second is under a day), without its
        // trailing zeros; written digit by digit, as a register has a million of them.
        var fraction = (second * 10_000_000_000 * 2 + 86_400) / (86_400 * 2)
        var decimals = 10
        while fraction % 10 == 0 {
            fraction /= 10
            decimals -= 1
        }
        return withUnsafeTemporaryAllocation(byteCount: 32, alignment: 1) { buffer in
            var index = writeDigits(UInt64(fraction), minimumDigits: decimals, endingAt: buffer.count, in: buffer)
            index -= 1
            buffer[index] = UInt8(ascii: ".")
            index = writeDigits(serialDays.magnitude, endingAt: index, in: buffer)
            if serialDays < 0 {
                index -= 1
                buffer[index] = UInt8(ascii: "-")
            }
            return String(decoding: UnsafeRawBufferPointer(rebasing: buffer[index...]), as: UTF8.self)
        }
    }

    /// Writes `magnitude`'s decimal digits, at least `minimumDigits` of them (zero-padded), so that they end just
    /// before `end` in `buffer`; returns where they start. (Numbers of a million-row sheet are written this way, not
    /// through `String(_:)`.)
    static func writeDigits(
        _ magnitude: UInt64, minimumDigits: Int = 1, endingAt end: Int, in buffer: UnsafeMutableRawBufferPointer
    ) -> Int {
        var rest = magnitude
        var index = end
        repeat {
            index -= 1
            buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        } while rest > 0 || end - index < minimumDigits
        return index
    }

    /// Characters a cell needs, roughly: what column widths are fitted to.
    /// Characters in the longest line. ASCII text (ids, amounts, URLs: most of a register) is measured by its
    /// bytes; anything else by its characters (counting characters is what took 4 s of a million-row workbook).
    static func displayWidth(_ text: String) -> Int {
        var text = text
        let ascii: Int? = text.withUTF8 { utf8 in
            var widest = 0
            var line = 0
            for byte in utf8 {
                if byte >= 0x80 { return nil }
                if byte == UInt8(ascii: "\n") {
                    widest = max(widest, line)
                    line = 0
                } else {
                    line += 1
                }
            }
            return max(widest, line)
        }
        return ascii ?? text.split(separator: "\n").map(\.count).max() ?? 0
    }

    static func displayWidth(of cell: Cell) -> Int {
        switch cell {
        case .empty: 0
        case .text(let text): displayWidth(text)
        // Numbers are ASCII digits, signs and points: their bytes are their characters (`count` would walk them
        // as grapheme clusters, three times a row).
        case .money(let value): value.utf8.count + value.utf8.count / 3 + 1
        case .integer(let value), .number(let value): value.utf8.count + 1
        case .dateTime: 19
        }
    }

    /// XML text: `&`, `<`, `>`, `"` escaped; characters XML 1.0 cannot carry (most C0 controls) dropped.
    static func escaped(_ text: String) -> String {
        var text = text
        var bytes: [UInt8] = []
        text.withUTF8 { appendEscaped($0, to: &bytes) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// ``escaped(_:)`` on UTF-8 bytes, appended: markup characters become entities, C0 controls other than tab,
    /// newline and return are dropped, and so are U+FFFE and U+FFFF (EF BF BE, EF BF BF). Every character it acts
    /// on is one byte or one fixed sequence, which no other character's bytes contain.
    static func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            switch byte {
            case UInt8(ascii: "&"): put("&amp;", to: &bytes)
            case UInt8(ascii: "<"): put("&lt;", to: &bytes)
            case UInt8(ascii: ">"): put("&gt;", to: &bytes)
            case UInt8(ascii: "\""): put("&quot;", to: &bytes)
            case 0x09, 0x0A, 0x0D: bytes.append(byte)
            case 0x00..<0x20: break
            case 0xEF where index + 2 < utf8.count && utf8[index + 1] == 0xBF
                && (utf8[index + 2] == 0xBE || utf8[index + 2] == 0xBF):
                index += 2
            default: bytes.append(byte)
            }
            index += 1
        }
    }

    /// Appends a literal's UTF-8 bytes (contiguously: appending a `String.UTF8View` to an array goes through the
    /// generic sequence path, a byte at a time).
    @inline(__always)
    static func put(_ literal: StaticString, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Appends a text's UTF-8 bytes, contiguously.
    @inline(__always)
    static func put(_ text: String, to bytes: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }
}
