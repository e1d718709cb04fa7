import CSystemZlib
import Foundation

/// Writes a ZIP archive front to back — each entry's local header, its deflated bytes, then the central directory —
/// with what a workbook needs and nothing more: file entries with ASCII names, deflate at level 1, one fixed
/// timestamp (2000-01-01 00:00), no ZIP64 (an entry or the archive reaching 4 GiB is an error, not a corrupt file).
///
/// Why not ZIPFoundation's writer (still used to *read* workbooks): it deflates at zlib's default level 6 with no
/// way to choose, and reads a spooled sheet back in small `Data` chunks. A million-row register is ~700 MB of sheet
/// XML; at level 6 its deflate alone took ~11 s of a 39 s report, level 1 takes a third of that for a file ~25 %
/// larger. The local header is written first with zero CRC and sizes and patched once the entry is complete (the
/// sink is seekable), so no data descriptors are needed.
final class ZipWriter {
    /// Where the archive's bytes go: appended, with the few header bytes patched in place.
    enum Sink {
        case memory
        case file(FileHandle)
    }

    private let sink: Sink
    private(set) var memory: [UInt8] = []
    private var offset: UInt64 = 0
    private var central: [UInt8] = []
    private var entryCount = 0
    private static let level: Int32 = 1
    private static let dosDate: UInt16 = (20 << 9) | (1 << 5) | 1  // 2000-01-01
    private static let dosTime: UInt16 = 0
    private static let chunkSize = 1 << 20

    init(_ sink: Sink) {
        self.sink = sink
    }

    /// Adds an entry whose content `produce` hands over in chunks (each call of `emit` takes the next one).
    func addEntry(_ path: String, produce: ((ArraySlice<UInt8>) throws -> Void) throws -> Void) throws {
        let name = Array(path.utf8)
        guard name.allSatisfy({ $0 < 0x80 }), name.count < 0xFFFF else {
            throw SpreadsheetError(.malformed, part: path, "ZIP entry names are written in ASCII only")
        }
        let headerOffset = offset
        try append(localHeader(name: name, crc: 0, compressed: 0, uncompressed: 0))
        let dataStart = offset
        // At a fixed address: zlib keeps a pointer back to the stream and checks it on every call.
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        let initialised = deflateInit2_(
            stream, Self.level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
            Int32(MemoryLayout<z_stream>.size))
        guard initialised == Z_OK else {
            throw SpreadsheetError(.malformed, part: path, "zlib cannot start deflating (error \(initialised))")
        }
        defer { deflateEnd(stream) }
        var crc: uLong = crc32(0, nil, 0)
        var uncompressed: UInt64 = 0
        var output = [UInt8](repeating: 0, count: Self.chunkSize)
        func deflateChunk(_ input: ArraySlice<UInt8>, finish: Bool) throws {
            try input.withUnsafeBufferPointer { buffer in
                if let base = buffer.baseAddress, buffer.count > 0 {
                    crc = crc32(crc, base, uInt(buffer.count))
                }
                stream.pointee.next_in = UnsafeMutablePointer(mutating: buffer.baseAddress)
                stream.pointee.avail_in = uInt(buffer.count)
                var result: Int32 = Z_OK
                repeat {
                    let produced: Int = output.withUnsafeMutableBufferPointer { out in
                        stream.pointee.next_out = out.baseAddress
                        stream.pointee.avail_out = uInt(out.count)
                        result = CSystemZlib.deflate(stream, finish ? Z_FINISH : Z_NO_FLUSH)
                        return out.count - Int(stream.pointee.avail_out)
                    }
                    guard result == Z_OK || result == Z_STREAM_END || result == Z_BUF_ERROR else {
                        throw SpreadsheetError(.malformed, part: path, "zlib failed deflating (error \(result))")
                    }
                    if produced > 0 { try append(output[0..<produced]) }
                } while stream.pointee.avail_out == 0 || (finish && result != Z_STREAM_END)
                stream.pointee.next_in = nil
                stream.pointee.next_out = nil
            }
            uncompressed += UInt64(input.count)
        }
        try produce { chunk in
            var start = chunk.startIndex
            while start < chunk.endIndex {
                let end = min(start + Self.chunkSize, chunk.endIndex)
                try deflateChunk(chunk[start..<end], finish: false)
                start = end
            }
        }
        try deflateChunk([], finish: true)
        let compressed = offset - dataStart
        guard uncompressed < UInt64(UInt32.max), compressed < UInt64(UInt32.max), offset < UInt64(UInt32.max) else {
            throw SpreadsheetError(
                .limitExceeded, part: path, "the workbook would reach 4 GiB, more than a ZIP without ZIP64 holds")
        }
        let header = localHeader(
            name: name, crc: UInt32(crc), compressed: UInt32(compressed), uncompressed: UInt32(uncompressed))
        try patch(at: headerOffset, header)
        central += centralHeader(
            name: name, crc: UInt32(crc), compressed: UInt32(compressed), uncompressed: UInt32(uncompressed),
            localOffset: UInt32(headerOffset))
        entryCount += 1
    }

    /// Adds an entry holding `bytes`.
    func addEntry(_ path: String, _ bytes: [UInt8]) throws {
        try addEntry(path) { emit in try emit(bytes[...]) }
    }

    /// Writes the central directory and its end record; the archive is then complete.
    func finish() throws {
        let centralOffset = offset
        try append(central[...])
        guard entryCount < 0xFFFF, offset < UInt64(UInt32.max) else {
            throw SpreadsheetError(.limitExceeded, "the workbook would reach 4 GiB, more than a ZIP without ZIP64 holds")
        }
        var end: [UInt8] = []
        end.le32(0x0605_4B50)
        end.le16(0)
        end.le16(0)
        end.le16(UInt16(entryCount))
        end.le16(UInt16(entryCount))
        end.le32(UInt32(central.count))
        end.le32(UInt32(centralOffset))
        end.le16(0)
        try append(end[...])
        if case .file(let handle) = sink { try handle.synchronize() }
    }

    private func localHeader(name: [UInt8], crc: UInt32, compressed: UInt32, uncompressed: UInt32) -> ArraySlice<UInt8> {
        var header: [UInt8] = []
        header.reserveCapacity(30 + name.count)
        header.le32(0x0403_4B50)
        header.le16(20)  // version needed: 2.0 (deflate)
        header.le16(0)  // flags
        header.le16(8)  // deflate
        header.le16(Self.dosTime)
        header.le16(Self.dosDate)
        header.le32(crc)
        header.le32(compressed)
        header.le32(uncompressed)
        header.le16(UInt16(name.count))
        header.le16(0)  // extra field length
        header += name
        return header[...]
    }

    private func centralHeader(
        name: [UInt8], crc: UInt32, compressed: UInt32, uncompressed: UInt32, localOffset: UInt32
    ) -> [UInt8] {
        var header: [UInt8] = []
        header.reserveCapacity(46 + name.count)
        header.le32(0x0201_4B50)
        header.le16((3 << 8) | 20)  // made by: Unix, 2.0
        header.le16(20)
        header.le16(0)
        header.le16(8)
        header.le16(Self.dosTime)
        header.le16(Self.dosDate)
        header.le32(crc)
        header.le32(compressed)
        header.le32(uncompressed)
        header.le16(UInt16(name.count))
        header.le16(0)  // extra
        header.le16(0)  // comment
        header.le16(0)  // disk
        header.le16(0)  // internal attributes
        header.le32(UInt32(0o100644) << 16)  // a regular file, rw-r--r--
        header.le32(localOffset)
        header += name
        return header
    }

    private func append(_ bytes: ArraySlice<UInt8>) throws {
        switch sink {
        case .memory: memory += bytes
        case .file(let handle): try handle.write(contentsOf: bytes)
        }
        offset += UInt64(bytes.count)
    }

    private func patch(at position: UInt64, _ bytes: ArraySlice<UInt8>) throws {
        switch sink {
        case .memory:
            let start = Int(position)
            memory.replaceSubrange(start..<start + bytes.count, with: bytes)
        case .file(let handle):
            try handle.seek(toOffset: position)
            try handle.write(contentsOf: bytes)
            try handle.seekToEnd()
        }
    }
}

extension [UInt8] {
    fileprivate mutating func le16(_ value: UInt16) {
        append(UInt8(truncatingIfNeeded: value))
        append(UInt8(truncatingIfNeeded: value >> 8))
    }

    fileprivate mutating func le32(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }
}
