import Foundation
import Testing

@testable import Spreadsheet

/// The workbook's own ZIP writer: what it writes is read back, CRC-checked, by the reader every workbook import
/// uses, in memory and in a file alike, whatever the size of an entry.
@Suite struct ZipWriterTests {
    /// 3 MiB of text that deflates poorly enough to fill several output buffers.
    static let big: [UInt8] = {
        var random = SystemRandomNumberGeneratorSeeded(seed: 7)
        return (0..<(3 << 20)).map { _ in UInt8(ascii: "a") + UInt8(random.next() % 26) }
    }()

    static func write(_ zip: ZipWriter) throws {
        try zip.addEntry("small.xml", Array("<a>Ёлка &amp; ёж</a>".utf8))
        try zip.addEntry("empty.xml", [])
        try zip.addEntry("big.txt") { emit in
            // Uneven chunks, one larger than the writer's own chunk size.
            try emit(big[0..<10])
            try emit(big[10..<(1 << 20) + 10])
            try emit(big[((1 << 20) + 10)...])
        }
        try zip.finish()
    }

    @Test func readBackInMemoryAndInAFileAlike() throws {
        let memory = ZipWriter(.memory)
        try Self.write(memory)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("zip-\(UUID().uuidString).zip").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try Self.write(ZipWriter(.file(handle)))
        try handle.close()
        let file = try #require(FileManager.default.contents(atPath: path))
        #expect(Array(file) == memory.memory, "the file and the memory hold the same archive")
        #expect(memory.memory.count < Self.big.count, "deflated")

        let zip = try BoundedZip(bytes: memory.memory, limits: .standard, deadline: .now + .seconds(60))
        #expect(zip.paths == ["small.xml", "empty.xml", "big.txt"])
        #expect(try zip.read("small.xml") == Array("<a>Ёлка &amp; ёж</a>".utf8))
        #expect(try zip.read("empty.xml") == [])
        #expect(try zip.read("big.txt") == Self.big)
    }

    /// Worksheet-like XML, 6 MiB of it, that deflates well: most of each piece refers back into earlier pieces, so
    /// a deflater that lost its history between calls, or an input buffer it kept past a call, reads back wrong.
    @Test func compressibleContentInManyPiecesReadsBack() throws {
        var content: [UInt8] = []
        var row = 2
        while content.count < 6 << 20 {
            content += Array(#"<row r="\#(row)"><c t="inlineStr"><is><t>payment</t></is></c><c s="3"><v>\#(50_000_000 + row * 7)</v></c></row>"#.utf8)
            row += 1
        }
        let zip = ZipWriter(.memory)
        try zip.addEntry("sheet.xml") { emit in
            var start = 0
            var size = 1
            while start < content.count {
                let end = min(content.count, start + size)
                try emit(content[start..<end])
                start = end
                size = size * 3 + 1  // 1 byte, 4, 13, … up to pieces of several MiB
            }
        }
        try zip.finish()
        #expect(zip.memory.count < content.count / 4, "deflated well")
        let read = try BoundedZip(bytes: zip.memory, limits: .standard, deadline: .now + .seconds(60))
        #expect(try read.read("sheet.xml") == content)
    }

    /// Segments deflated apart — one ended by a sync flush, then one ended by a final block — are one valid stream,
    /// and their CRC-32s combine into the whole content's.
    @Test func segmentsConcatenate() throws {
        let head = Array("<worksheet><cols/>".utf8)
        let rows = Array((0..<50_000).map { "<row><c><v>\($0 * 7919 % 100_003)</v></c></row>" }.joined().utf8)
        var deflated: [UInt8] = []
        let first = try DeflateSegment()
        try first.feed(head[...]) { deflated += $0 }
        try first.end(.sync) { deflated += $0 }
        let second = try DeflateSegment()
        try second.feed(rows[...]) { deflated += $0 }
        try second.end(.final) { deflated += $0 }
        let whole = DeflateSegment.combined((first.crc, first.size), (second.crc, second.size))
        #expect(whole.size == UInt64(head.count + rows.count))
        let zip = ZipWriter(.memory)
        try zip.addEntry("sheet.xml", crc: whole.crc, uncompressedSize: whole.size) { emit in try emit(deflated[...]) }
        try zip.finish()
        let read = try BoundedZip(bytes: zip.memory, limits: .standard, deadline: .now + .seconds(60))
        #expect(try read.read("sheet.xml") == head + rows)
    }

    @Test func sameContentSameBytes() throws {
        let first = ZipWriter(.memory)
        try Self.write(first)
        let second = ZipWriter(.memory)
        try Self.write(second)
        #expect(first.memory == second.memory)
    }

    @Test func nonASCIINamesAreRefused() throws {
        let zip = ZipWriter(.memory)
        #expect(throws: SpreadsheetError.self) { try zip.addEntry("лист.xml", []) }
    }
}

/// SplitMix64, so the test data is the same in every run.
struct SystemRandomNumberGeneratorSeeded: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The row encoder escapes text on bytes; it must give exactly what escaping the text character by character gives
/// (`reference`, the rule written over Unicode scalars, independent of the byte-level code under test).
@Suite struct RowEscapingTests {
    /// XML text: `&`, `<`, `>`, `"` as entities; C0 controls but tab, newline and return dropped; U+FFFE, U+FFFF too.
    static func reference(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    @Test(arguments: [
        "https://ofd.soliq.uz/epi?t=EP1&r=2&c=3&s=4", "plain", "«Чайхана» & \"Навруз\" <b>", "tab\tnew\nline\rend",
        "bell\u{07}nul\u{00}esc\u{1B}", "non\u{FFFE}char\u{FFFF}s \u{FFFD} kept", "emoji 🍵 and ё й ў қ", "&&&", "",
        "\u{EFBF}", " leading", "trailing ",
    ])
    func bytesMatchTheStringEscaping(text: String) {
        var encoder = RowEncoder(firstRow: 2)
        var bytes: [UInt8] = []
        encoder.append([.text(text)], to: &bytes)
        let preserve = text.hasPrefix(" ") || text.hasSuffix(" ") || text.contains(where: { "\t\n\r".contains($0) })
            || text.unicodeScalars.contains("\r")
        let expected = #"<row r="2"><c t="inlineStr"><is><t"# + (preserve ? #" xml:space="preserve">"# : ">")
            + Self.reference(text) + "</t></is></c></row>"
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
        #expect(XLSXWriter.escaped(text) == Self.reference(text))
    }
}

/// Cells name their reference only after a gap; readers place the others in the next column.
@Suite struct RowReferenceTests {
    @Test func referencesOnlyAfterGaps() throws {
        var encoder = RowEncoder(firstRow: 5)
        var bytes: [UInt8] = []
        encoder.append([.integer("1"), .empty, .text("x"), .text("y"), .empty, .empty, .money("2.50")], to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self)
            == #"<row r="5"><c s="3"><v>1</v></c><c r="C5" t="inlineStr"><is><t>x</t></is></c>"#
            + #"<c t="inlineStr"><is><t>y</t></is></c><c r="G5" s="2"><v>2.50</v></c></row>"#)
    }
}
