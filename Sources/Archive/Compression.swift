import CSystemZlib

/// zlib (deflate) compression of originals. Pages compress ~10×; the raw size is stored beside the data.
package enum Compression {
    /// Compresses `bytes` at level 6.
    package static func deflate(_ bytes: [UInt8]) throws(ArchiveError) -> [UInt8] {
        var capacity = compressBound(uLong(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(capacity))
        let result = output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { input in
                compress2(out.baseAddress, &capacity, input.baseAddress, uLong(input.count), 6)
            }
        }
        guard result == Z_OK else { throw ArchiveError(.database, "Cannot compress an original (zlib error \(result))") }
        output.removeSubrange(Int(capacity)...)
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
