import Foundation

/// The rows of one sheet, encoded as worksheet XML and deflated as they are produced, so that a workbook of a
/// million rows is assembled with flat memory (``XLSXWriter/write(to:spools:)``): the deflated rows go to a
/// temporary file (or, for the small sheets of a workbook, to memory), a sheet's ~700 MB of XML never sits anywhere
/// whole, and deflating overlaps the reading of the rows.
///
/// It keeps what the sheet's head needs and only that: the column widths (fitted as for in-memory rows) and the
/// row count. The rows are one deflate segment ending in a sync flush (``DeflateSegment``): the sheet's head, known
/// only at the end, is deflated separately and put in front. The temporary file is removed when the spool is
/// released. Not thread-safe: one producer.
public final class XLSXRowSpool {
    /// The temporary file holding the deflated rows (empty for a spool in memory).
    public let path: String
    private var handle: FileHandle?
    private var memory: [UInt8] = []
    private let inMemory: Bool
    private var buffer: [UInt8] = []
    private var encoder: RowEncoder
    private let rows: DeflateSegment
    private var closed = false
    /// Column widths so far: the header's, widened by every row.
    private(set) var widths: [Int]
    /// Rows appended (the header not counted).
    public private(set) var rowCount = 0
    private static let bufferSize = 1 << 20

    /// Starts an empty spool for a sheet whose header row is `header` (rows then start at row 2; at row 1 without
    /// a header), in a new file in `directory`.
    public init(header: [String], directory: String = FileManager.default.temporaryDirectory.path) throws {
        path = (directory as NSString).appendingPathComponent("xlsx-rows-\(UUID().uuidString).deflate.partial")
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            throw SpreadsheetError(.malformed, part: path, "Cannot create the temporary file for the sheet's rows")
        }
        self.handle = handle
        inMemory = false
        widths = header.map { XLSXWriter.displayWidth($0) + 2 }
        encoder = RowEncoder(firstRow: header.isEmpty ? 1 : 2)
        rows = try DeflateSegment()
        buffer.reserveCapacity(Self.bufferSize + 65_536)
    }

    /// A spool kept in memory (a workbook's small sheets take the same way as its large ones, so a workbook's
    /// bytes do not depend on which of its sheets were spooled).
    init(header: [String]) throws {
        path = ""
        inMemory = true
        widths = header.map { XLSXWriter.displayWidth($0) + 2 }
        encoder = RowEncoder(firstRow: header.isEmpty ? 1 : 2)
        rows = try DeflateSegment()
    }

    deinit {
        try? handle?.close()
        if !inMemory { try? FileManager.default.removeItem(atPath: path) }
    }

    /// Appends one row.
    public func append(_ row: [XLSXWriter.Cell]) throws {
        guard !closed else {
            throw SpreadsheetError(.malformed, part: path, "Rows were appended to a spool already closed")
        }
        for (column, cell) in row.enumerated() {
            if column < widths.count {
                // A text is never wider than its bytes: one that fits by its byte count needs no measuring (once
                // the first rows have set the widths, hardly any text is measured).
                if case .text(let text) = cell, text.utf8.count <= widths[column] { continue }
                let width = XLSXWriter.displayWidth(of: cell)
                if width > widths[column] { widths[column] = width }
            } else {
                widths.append(XLSXWriter.displayWidth(of: cell))
            }
        }
        encoder.append(row, to: &buffer)
        rowCount += 1
        if buffer.count >= Self.bufferSize { try deflateBuffer() }
    }

    /// Bytes of row XML appended so far.
    var size: UInt64 { rows.size + UInt64(buffer.count) }
    /// CRC-32 of the row XML (after ``close()``).
    var crc: UInt32 { rows.crc }

    private func deflateBuffer() throws {
        try rows.feed(buffer[...]) { try store($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func store(_ deflated: ArraySlice<UInt8>) throws {
        if inMemory {
            memory += deflated
        } else {
            guard let handle else {
                throw SpreadsheetError(.malformed, part: path, "Rows were appended to a spool already closed")
            }
            try handle.write(contentsOf: deflated)
        }
    }

    /// Deflates what is left and ends the segment (idempotent); the spool then only reads.
    func close() throws {
        guard !closed else { return }
        try deflateBuffer()
        try rows.end(.sync) { try store($0) }
        closed = true
        try handle?.close()
        handle = nil
    }

    /// The deflated rows, in pieces of up to 1 MiB, in order (after ``close()``).
    func forEachDeflatedChunk(_ body: (ArraySlice<UInt8>) throws -> Void) throws {
        guard closed else { throw SpreadsheetError(.malformed, part: path, "The spool is still open") }
        if inMemory {
            try body(memory[...])
            return
        }
        guard let reader = FileHandle(forReadingAtPath: path) else {
            throw SpreadsheetError(.malformed, part: path, "Cannot read the spooled rows back")
        }
        defer { try? reader.close() }
        while let chunk = try reader.read(upToCount: Self.bufferSize), !chunk.isEmpty {
            try body(Array(chunk)[...])
        }
    }
}

/// Encodes data rows as worksheet XML bytes, numbering them from `firstRow`. Byte-level (no intermediate
/// strings) because a month's register is a million rows of eighteen cells: literals and texts are copied as
/// contiguous bytes (appending a `String.UTF8View` to an array went through the generic sequence path, ~6 % of a
/// million-row workbook) and the row number is written digit by digit.
struct RowEncoder {
    private var rowNumber: Int

    init(firstRow: Int) {
        rowNumber = firstRow
    }

    private static let columnNames: [[UInt8]] = (0..<64).map { Array(XLSXWriter.columnName($0).utf8) }

    mutating func append(_ row: [XLSXWriter.Cell], to bytes: inout [UInt8]) {
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: any Int's decimal digits
        let number = withUnsafeMutableBytes(of: &buffer) { Self.decimal(rowNumber, into: $0) }
        let digits = buffer
        func putNumber(_ bytes: inout [UInt8]) {
            withUnsafeBytes(of: digits) { bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[number...])) }
        }
        XLSXWriter.put(#"<row r=""#, to: &bytes)
        putNumber(&bytes)
        XLSXWriter.put(#"">"#, to: &bytes)
        // A cell names its reference only after a gap: a cell without one is the next column (ECMA-376 makes `r`
        // optional), and a million rows of eighteen references are ~150 MB of XML to encode and deflate.
        var next = 0
        for (column, cell) in row.enumerated() {
            if case .empty = cell { continue }
            if column == next {
                XLSXWriter.put("<c", to: &bytes)
            } else {
                XLSXWriter.put(#"<c r=""#, to: &bytes)
                if column < Self.columnNames.count {
                    bytes += Self.columnNames[column]
                } else {
                    XLSXWriter.put(XLSXWriter.columnName(column), to: &bytes)
                }
                putNumber(&bytes)
                bytes.append(UInt8(ascii: "\""))
            }
            next = column + 1
            switch cell {
            case .empty:
                break
            case .text(let text):
                Self.appendText(text, to: &bytes)
            case .money(let value):
                Self.appendValue(value, style: .money, to: &bytes)
            case .integer(let value):
                Self.appendValue(value, style: .integer, to: &bytes)
            case .number(let value):
                Self.appendValue(value, style: .number, to: &bytes)
            case .dateTime(let seconds):
                Self.appendValue(XLSXWriter.serial(localSeconds: seconds), style: .dateTime, to: &bytes)
            }
        }
        XLSXWriter.put("</row>", to: &bytes)
        rowNumber += 1
    }

    /// Writes `value`'s decimal digits at the end of `buffer`; returns where they start.
    private static func decimal(_ value: Int, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        var index = XLSXWriter.writeDigits(UInt64(value.magnitude), endingAt: buffer.count, in: buffer)
        if value < 0 {
            index -= 1
            buffer[index] = UInt8(ascii: "-")
        }
        return index
    }

    /// An inline-string cell's type and text: whitespace is kept as typed only where a reader could lose it (at the
    /// ends, or tabs and breaks), escaped by ``XLSXWriter/appendEscaped(_:to:)``. A text with nothing to escape or
    /// drop (most of a register; its receipt URLs all carry `&`) is copied as it is.
    private static func appendText(_ text: String, to bytes: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in
            var preserve = false
            var plain = true
            if let first = utf8.first, let last = utf8.last, first == 0x20 || last == 0x20 { preserve = true }
            for byte in utf8 where byte < 0x20 || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<")
                || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "\"") || byte == 0xEF
            {
                if byte == 0x09 || byte == 0x0A || byte == 0x0D { preserve = true }
                plain = false
            }
            XLSXWriter.put(
                preserve ? #" t="inlineStr"><is><t xml:space="preserve">"# : #" t="inlineStr"><is><t>"#, to: &bytes)
            if plain {
                bytes.append(contentsOf: utf8)
            } else {
                XLSXWriter.appendEscaped(utf8, to: &bytes)
            }
            XLSXWriter.put("</t></is></c>", to: &bytes)
        }
    }

    private static func appendValue(_ value: String, style: XLSXWriter.Style, to bytes: inout [UInt8]) {
        XLSXWriter.put(#" s=""#, to: &bytes)
        bytes.append(UInt8(ascii: "0") + UInt8(style.rawValue))
        XLSXWriter.put(#""><v>"#, to: &bytes)
        XLSXWriter.put(value, to: &bytes)
        XLSXWriter.put("</v></c>", to: &bytes)
    }
}
