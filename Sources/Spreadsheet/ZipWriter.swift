import CISAL
import CSystemZlib
import Foundation

/// Writes a ZIP archive front to back — each entry's local header, its deflated bytes, then the central directory —
/// with what a workbook needs and nothing more: file entries with ASCII names, igzip's fast deflate, one fixed
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
    private static let dosDate: UInt16 = (20 << 9) | (1 << 5) | 1  // 2000-01-01
    private static let dosTime: UInt16 = 0

    init(_ sink: Sink) {
        self.sink = sink
    }

    /// Adds an entry whose deflated bytes `compressed` hands over (each call of `emit` takes the next piece), given
    /// the CRC-32 and size of the content they inflate to.
    func addEntry(
        _ path: String, crc: UInt32, uncompressedSize: UInt64,
        compressed: ((ArraySlice<UInt8>) throws -> Void) throws -> Void
    ) throws {
        let name = Array(path.utf8)
        guard name.allSatisfy({ $0 < 0x80 }), name.count < 0xFFFF else {
            throw SpreadsheetError(.malformed, part: path, "ZIP entry names are written in ASCII only")
        }
        let headerOffset = offset
        try append(localHeader(name: name, crc: 0, compressed: 0, uncompressed: 0))
        let dataStart = offset
        try compressed { piece in try append(piece) }
        let compressedSize = offset - dataStart
        guard uncompressedSize < UInt64(UInt32.max), compressedSize < UInt64(UInt32.max), offset < UInt64(UInt32.max)
        else {
            throw SpreadsheetError(
                .limitExceeded, part: path, "the workbook would reach 4 GiB, more than a ZIP without ZIP64 holds")
        }
        try patch(
            at: headerOffset,
            localHeader(name: name, crc: crc, compressed: UInt32(compressedSize), uncompressed: UInt32(uncompressedSize)))
        central += centralHeader(
            name: name, crc: crc, compressed: UInt32(compressedSize), uncompressed: UInt32(uncompressedSize),
            localOffset: UInt32(headerOffset))
        entryCount += 1
    }

    /// Adds an entry whose content `produce` hands over in pieces, deflated here as one stream.
    func addEntry(_ path: String, produce: ((ArraySlice<UInt8>) throws -> Void) throws -> Void) throws {
        // The content is deflated into memory first (its CRC must be known before the entry is written whole);
        // only small parts and tests take this way, a sheet's rows come deflated from their spool.
        let segment = try DeflateSegment()
        var deflated: [UInt8] = []
        try produce { piece in try segment.feed(piece) { deflated += $0 } }
        try segment.end(.final) { deflated += $0 }
        try addEntry(path, crc: segment.crc, uncompressedSize: segment.size) { emit in try emit(deflated[...]) }
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
        Self.appendSharedFields(to: &header, name: name, crc: crc, compressed: compressed, uncompressed: uncompressed)
        header += name
        return header[...]
    }

    /// The fields a local header and a central-directory header share, in that order: version needed (2.0), flags,
    /// method (deflate), time, date, CRC-32, sizes, name length, extra field length.
    private static func appendSharedFields(
        to header: inout [UInt8], name: [UInt8], crc: UInt32, compressed: UInt32, uncompressed: UInt32
    ) {
        header.le16(20)
        header.le16(0)
        header.le16(8)
        header.le16(dosTime)
        header.le16(dosDate)
        header.le32(crc)
        header.le32(compressed)
        header.le32(uncompressed)
        header.le16(UInt16(name.count))
        header.le16(0)
    }

    private func centralHeader(
        name: [UInt8], crc: UInt32, compressed: UInt32, uncompressed: UInt32, localOffset: UInt32
    ) -> [UInt8] {
        var header: [UInt8] = []
        header.reserveCapacity(46 + name.count)
        header.le32(0x0201_4B50)
        header.le16((3 << 8) | 20)  // made by: Unix, 2.0
        Self.appendSharedFields(to: &header, name: name, crc: crc, compressed: compressed, uncompressed: uncompressed)
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

/// Raw deflate at ISA-L's level 1 (Intel's igzip), fed in pieces, ending either in a final block or in a sync flush:
/// a stream ended by a sync flush stops on a byte boundary without a final block, so independently deflated segments
/// concatenate into one valid deflate stream (a sheet's head, known only once its rows are spooled, is deflated after
/// them and put in front). A million-row register is ~650 MB of sheet XML: zlib's default level 6 took ~11 s to
/// deflate it, zlib's level 1 ~2.5 s of CPU (with its CRC-32), igzip's level 1 ~0.6 s for a 5 % smaller file (same
/// CRC; measured on that sheet, 2026-12-01). The CRC-32 is igzip's too (zlib's `crc32_combine` joins segments').
final class DeflateSegment {
    enum End {
        /// A sync flush: more segments follow.
        case sync
        /// The final block of the entry.
        case final
    }

    /// At a fixed address, with its level-1 work buffer: igzip keeps its state inside the structure between calls.
    private let stream: UnsafeMutablePointer<isal_zstream>
    private let workBuffer: UnsafeMutableRawBufferPointer
    /// CRC-32 of the bytes fed so far.
    private(set) var crc: UInt32 = 0
    /// Bytes fed so far.
    private(set) var size: UInt64 = 0
    private var output = [UInt8](repeating: 0, count: 1 << 18)

    init() throws {
        // Zeroed in place: the structure is 80 KB, too large for a temporary on a thread's stack.
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: MemoryLayout<isal_zstream>.size, alignment: MemoryLayout<isal_zstream>.alignment)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<isal_zstream>.size)
        stream = raw.bindMemory(to: isal_zstream.self, capacity: 1)
        isal_deflate_init(stream)
        let bufferSize = Int(cisal_level1_buffer_size())
        workBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 64)
        stream.pointee.level = 1
        stream.pointee.level_buf = workBuffer.baseAddress?.assumingMemoryBound(to: UInt8.self)
        stream.pointee.level_buf_size = UInt32(bufferSize)
        stream.pointee.gzip_flag = UInt16(IGZIP_DEFLATE)  // raw deflate; `run` sets the flush of every call
    }

    deinit {
        stream.deallocate()
        workBuffer.deallocate()
    }

    /// Deflates `input`, handing what comes out to `sink`.
    func feed(_ input: ArraySlice<UInt8>, _ sink: (ArraySlice<UInt8>) throws -> Void) throws {
        guard !input.isEmpty else { return }
        try input.withUnsafeBufferPointer { buffer in
            crc = crc32_gzip_refl(crc, buffer.baseAddress, UInt64(buffer.count))
            try run(buffer, end: nil, sink)
        }
        size += UInt64(input.count)
    }

    /// Ends the segment.
    func end(_ end: End, _ sink: (ArraySlice<UInt8>) throws -> Void) throws {
        try run(UnsafeBufferPointer(start: nil, count: 0), end: end, sink)
    }

    /// The CRC-32 and size of `first` followed by `second`.
    static func combined(_ first: (crc: UInt32, size: UInt64), _ second: (crc: UInt32, size: UInt64))
        -> (crc: UInt32, size: UInt64)
    {
        (UInt32(crc32_combine(uLong(first.crc), uLong(second.crc), off_t(second.size))), first.size + second.size)
    }

    /// Deflates `input` (all of it, or with `end` only what igzip still holds) until igzip has nothing more to
    /// write: the input consumed and the output not full, and when ending, the sync flush's empty stored block or
    /// the final block written (igzip's state back at a new block header, or at the stream's end).
    private func run(_ input: UnsafeBufferPointer<UInt8>, end: End?, _ sink: (ArraySlice<UInt8>) throws -> Void) throws {
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
        stream.pointee.avail_in = UInt32(input.count)
        switch end {
        case nil: stream.pointee.flush = UInt16(NO_FLUSH)
        case .sync: stream.pointee.flush = UInt16(SYNC_FLUSH)
        case .final: stream.pointee.end_of_stream = 1
        }
        defer {
            stream.pointee.next_in = nil
            stream.pointee.next_out = nil
        }
        var idle = 0
        while true {
            var result: Int32 = COMP_OK
            let inputBefore = stream.pointee.avail_in
            let produced: Int = output.withUnsafeMutableBufferPointer { out in
                stream.pointee.next_out = out.baseAddress
                stream.pointee.avail_out = UInt32(out.count)
                result = isal_deflate(stream)
                return out.count - Int(stream.pointee.avail_out)
            }
            guard result == COMP_OK else {
                throw SpreadsheetError(.malformed, "igzip failed deflating (error \(result))")
            }
            if produced > 0 { try sink(output[0..<produced]) }
            // A call that neither reads nor writes twice in a row will not end the segment: an error, not a spin.
            idle = produced == 0 && stream.pointee.avail_in == inputBefore ? idle + 1 : 0
            guard idle < 2 else { throw SpreadsheetError(.malformed, "igzip stopped deflating before the end") }
            guard stream.pointee.avail_in == 0, stream.pointee.avail_out > 0 else { continue }
            switch end {
            case nil: return
            case .sync: if stream.pointee.internal_state.state == ZSTATE_NEW_HDR { return }
            case .final: if stream.pointee.internal_state.state == ZSTATE_END { return }
            }
        }
    }
}
