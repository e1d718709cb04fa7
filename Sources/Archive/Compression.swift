import CSystemZlib
import Synchronization

/// zlib (deflate) compression of originals. The raw size is stored beside the data.
package enum Compression {
    /// zlib level 3. Measured on the real 60 KB `/check` page: level 3 compresses it 9.0× in 0.11 ms, the default
    /// level 6 10.3× in 0.76 ms — a quarter of the whole sync's CPU budget per receipt for 13 % less storage.
    /// Inflating does not depend on the level, so originals stored at any level read the same.
    static let level: Int32 = 3

    /// Compresses `bytes`. Deflate states are reused (reset, not re-made): making one allocates and clears about
    /// 256 KB, which cost more than compressing a small page.
    package static func deflate(_ bytes: [UInt8]) throws(ArchiveError) -> [UInt8] {
        let stream = try DeflateStreams.shared.take()
        defer { DeflateStreams.shared.put(stream) }
        guard deflateReset(stream.pointer) == Z_OK else {
            throw ArchiveError(.database, "Cannot compress an original (zlib cannot reset its state)")
        }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(stream.pointer, uLong(bytes.count))))
        let result = output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { input in
                stream.pointer.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.pointer.pointee.avail_in = uInt(input.count)
                stream.pointer.pointee.next_out = out.baseAddress
                stream.pointer.pointee.avail_out = uInt(out.count)
                defer {
                    stream.pointer.pointee.next_in = nil
                    stream.pointer.pointee.next_out = nil
                }
                return CSystemZlib.deflate(stream.pointer, Z_FINISH)
            }
        }
        guard result == Z_STREAM_END else {
            throw ArchiveError(.database, "Cannot compress an original (zlib error \(result))")
        }
        output.removeSubrange(Int(stream.pointer.pointee.total_out)...)
        return output
    }

    /// Decompresses data of known raw `size`; `nil` when the data is damaged or not exactly `size` bytes.
    package static func inflate(_ data: [UInt8], size: Int) -> [UInt8]? {
        guard size >= 0 else { return nil }
        // One spare byte: a decompressed length larger than recorded must not pass as equal.
        var length = uLong(size + 1)
        var output = [UInt8](repeating: 0, count: size + 1)
        let result = output.withUnsafeMutableBufferPointer { out in
            data.withUnsafeBufferPointer { input in
                uncompress(out.baseAddress, &length, input.baseAddress, uLong(input.count))
            }
        }
        guard result == Z_OK, Int(length) == size else { return nil }
        output.removeLast()
        return output
    }
}

/// A deflate state at a fixed address (zlib keeps a pointer back to it), used by one caller at a time.
struct DeflateStream: @unchecked Sendable {
    // @unchecked: a stream is only ever touched by the one caller that took it from the pool.
    let pointer: UnsafeMutablePointer<z_stream>
}

/// The idle deflate states, at most one per concurrent compression (bounded: the CPU pool is sized to the cores).
final class DeflateStreams: Sendable {
    static let shared = DeflateStreams()
    private let idle = Mutex<[DeflateStream]>([])
    private static let keep = 16

    func take() throws(ArchiveError) -> DeflateStream {
        if let stream = idle.withLock({ $0.popLast() }) { return stream }
        let pointer = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        pointer.initialize(to: z_stream())
        let result = deflateInit2_(
            pointer, Compression.level, Z_DEFLATED, MAX_WBITS, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
            Int32(MemoryLayout<z_stream>.size))
        guard result == Z_OK else {
            pointer.deallocate()
            throw ArchiveError(.database, "Cannot compress an original (zlib cannot start: error \(result))")
        }
        return DeflateStream(pointer: pointer)
    }

    func put(_ stream: DeflateStream) {
        let kept = idle.withLock { streams in
            guard streams.count < Self.keep else { return false }
            streams.append(stream)
            return true
        }
        if !kept {
            deflateEnd(stream.pointer)
            stream.pointer.deallocate()
        }
    }
}
