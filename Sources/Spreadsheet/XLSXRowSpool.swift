import Foundation

/// The rows of one large sheet, written as worksheet XML to a temporary file while they are produced, so that a
/// workbook of a million rows is assembled with flat memory (``XLSXWriter/write(to:spools:)``).
///
/// It keeps what the sheet's head needs and only that: the column widths (fitted as for in-memory rows) and the
/// row count. The temporary file is removed when the spool is released. Not thread-safe: one producer.
public final class XLSXRowSpool {
    /// The temporary file holding the rows' XML.
    public let path: String
    private var handle: FileHandle?
    private var buffer: [UInt8] = []
    private var encoder: RowEncoder
    /// Column widths so far: the header's, widened by every row.
    private(set) var widths: [Int]
    /// Bytes of row XML written so far (flushed or not).
    private(set) var size: Int64 = 0
    /// Rows appended (the header not counted).
    public private(set) var rowCount = 0
    private static let bufferSize = 1 << 20

    /// Starts an empty spool for a sheet whose header row is `header` (rows then start at row 2; at row 1 without
    /// a header), in a new file in `directory`.
    public init(header: [String], directory: String = FileManager.default.temporaryDirectory.path) throws {
        path = (directory as NSString).appendingPathComponent("xlsx-rows-\(UUID().uuidString).xml.partial")
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            throw SpreadsheetError(.malformed, part: path, "Cannot create the temporary file for the sheet's rows")
        }
        self.handle = handle
        widths = header.map { XLSXWriter.displayWidth($0) + 2 }
        encoder = RowEncoder(firstRow: header.isEmpty ? 1 : 2)
        buffer.reserveCapacity(Self.bufferSize + 65_536)
    }

    deinit {
        try? handle?.close()
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Appends one row.
    public func append(_ row: [XLSXWriter.Cell]) throws {
        for (column, cell) in row.enumerated() {
            let width = XLSXWriter.displayWidth(of: cell)
            if column < widths.count {
                if width > widths[column] { widths[column] = width }
            } else {
                widths.append(width)
            }
        }
        let before = buffer.count
        encoder.append(row, to: &buffer)
        size += Int64(buffer.count - before)
        rowCount += 1
        if buffer.count >= Self.bufferSize { try flush() }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        guard let handle else {
            throw SpreadsheetError(.malformed, part: path, "Rows were appended to a spool already closed")
        }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// The spooled rows' XML, in chunks of up to 1 MiB, in order (after ``close()``).
    func forEachChunk(_ body: (ArraySlice<UInt8>) throws -> Void) throws {
        guard let reader = FileHandle(forReadingAtPath: path) else {
            throw SpreadsheetError(.malformed, part: path, "Cannot read the spooled rows back")
        }
        defer { try? reader.close() }
        var read: Int64 = 0
        while let chunk = try reader.read(upToCount: Self.bufferSize), !chunk.isEmpty {
            read += Int64(chunk.count)
            try body(Array(chunk)[...])
        }
        guard read == size else {
            throw SpreadsheetError(.malformed, part: path, "The spooled rows are \(read) bytes, not the \(size) written")
        }
    }

    /// Flushes and closes the file (idempotent); the spool then only reads.
    func close() throws {
        try flush()
        try handle?.close()
        handle = nil
    }
}

/// Encodes data rows as worksheet XML bytes, numbering them from `firstRow`. Byte-level (no intermediate
/// strings) because a month's register is a million rows of eighteen cells.
struct RowEncoder {
    private var rowNumber: Int

    init(firstRow: Int) {
        rowNumber = firstRow
    }

    private static let columnNames: [[UInt8]] = (0..<64).map { Array(XLSXWriter.columnName($0).utf8) }

    mutating func append(_ row: [XLSXWriter.Cell], to bytes: inout [UInt8]) {
        let number = Array(String(rowNumber).utf8)
        bytes += #"<row r=""#.utf8
        bytes += number
        bytes += #"">"#.utf8
        for (column, cell) in row.enumerated() {
            if case .empty = cell { continue }
            bytes += #"<c r=""#.utf8
            if column < Self.columnNames.count {
                bytes += Self.columnNames[column]
            } else {
                bytes += XLSXWriter.columnName(column).utf8
            }
            bytes += number
            switch cell {
            case .empty:
                break
            case .text(let text):
                bytes += #"" t="inlineStr"><is><t xml:space="preserve">"#.utf8
                Self.appendEscaped(text, to: &bytes)
                bytes += "</t></is></c>".utf8
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
        bytes += "</row>".utf8
        rowNumber += 1
    }

    private static func appendValue(_ value: String, style: XLSXWriter.Style, to bytes: inout [UInt8]) {
        bytes += #"" s=""#.utf8
        bytes.append(UInt8(ascii: "0") + UInt8(style.rawValue))
        bytes += #""><v>"#.utf8
        bytes += value.utf8
        bytes += "</v></c>".utf8
    }

    /// ``XLSXWriter/escaped(_:)`` as bytes: text with nothing to escape or drop is copied as it is.
    private static func appendEscaped(_ text: String, to bytes: inout [UInt8]) {
        var plain = true
        for byte in text.utf8 where byte < 0x20 || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<")
            || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "\"") || byte == 0xEF
        {
            plain = false
            break
        }
        if plain {
            bytes += text.utf8
            return
        }
        // XLSXWriter.escaped, on bytes (a register's receipt URLs all carry `&`): markup characters become entities,
        // C0 controls other than tab, newline and return are dropped, and so are U+FFFE and U+FFFF (EF BF BE/BF).
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            switch byte {
            case UInt8(ascii: "&"): bytes += "&amp;".utf8
            case UInt8(ascii: "<"): bytes += "&lt;".utf8
            case UInt8(ascii: ">"): bytes += "&gt;".utf8
            case UInt8(ascii: "\""): bytes += "&quot;".utf8
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
}
