/// Text helpers for matching receipt labels: the original text is always kept, these only serve comparison.
enum TextNormalization {
    /// Whitespace characters as they appear on receipt pages (including no-break and other Unicode spaces).
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200B, 0x2028, 0x2029, 0x202F, 0x205F,
            0x3000, 0xFEFF:
            true
        default: false
        }
    }

    /// The text without leading and trailing whitespace; inner whitespace is kept as written.
    ///
    /// Every cell of a page goes through this, so it walks the UTF-8 bytes rather than the scalar view (whose
    /// indices are slow to move): characters are decoded at either end only as far as they are whitespace.
    static func trimmed(_ text: String) -> String {
        var text = text
        // Most texts need no trimming: they are returned without building a new string.
        return text.withUTF8 { bytes in
            var start = 0
            var end = bytes.count
            // The pages indent their cells (a hundred spaces is common): runs of ASCII blanks are skipped without
            // decoding a character, spaces eight at a time.
            while start < end {
                start = afterSpaces(bytes, from: start, to: end)
                guard start < end else { break }
                let byte = bytes[start]
                if byte < 0x80 {
                    guard isASCIISpace(byte) else { break }
                    start += 1
                } else {
                    guard let length = spaceLength(bytes, at: start) else { break }
                    start += length
                }
            }
            while start < end {
                end = beforeSpaces(bytes, from: start, to: end)
                guard start < end else { break }
                let last = bytes[end - 1]
                if last < 0x80 {
                    guard isASCIISpace(last) else { break }
                    end -= 1
                    continue
                }
                var lead = end - 1
                while lead > start, bytes[lead] & 0xC0 == 0x80 { lead -= 1 }  // back over continuation bytes
                guard spaceLength(bytes, at: lead) != nil else { break }
                end = lead
            }
            if start == 0, end == bytes.count { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        } ?? text
    }

    /// Eight spaces, as one word.
    private static let eightSpaces: UInt64 = 0x2020_2020_2020_2020

    /// Past the whole words of eight spaces (U+0020) that start at `index`, not beyond `end`; `index` when there
    /// is none.
    @inline(__always)
    private static func afterSpaces(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int, to end: Int) -> Int {
        var index = index
        guard let base = bytes.baseAddress else { return index }
        while index + 8 <= end, UnsafeRawPointer(base).loadUnaligned(fromByteOffset: index, as: UInt64.self) == eightSpaces {
            index += 8
        }
        return index
    }

    /// Before the whole words of eight spaces that end at `end`, not below `start`.
    @inline(__always)
    private static func beforeSpaces(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        var end = end
        guard let base = bytes.baseAddress else { return end }
        while end - 8 >= start, UnsafeRawPointer(base).loadUnaligned(fromByteOffset: end - 8, as: UInt64.self) == eightSpaces {
            end -= 8
        }
        return end
    }

    /// ``isSpace(_:)`` of an ASCII byte.
    @inline(__always)
    private static func isASCIISpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }

    /// The length in bytes of the character at `index` of `bytes` (valid UTF-8) when it is whitespace
    /// (``isSpace(_:)``); `nil` when it is not.
    @inline(__always)
    private static func spaceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        let lead = bytes[index]
        if lead < 0x80 { return isSpace(Unicode.Scalar(lead)) ? 1 : nil }
        let length = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        guard index + length <= bytes.count else { return nil }
        var value = UInt32(lead & (0xFF >> (length + 1)))
        for offset in 1..<length { value = value << 6 | UInt32(bytes[index + offset] & 0x3F) }
        guard let scalar = Unicode.Scalar(value), isSpace(scalar) else { return nil }
        return length
    }

    /// The trimmed text, or `nil` when nothing is left.
    static func nonEmpty(_ text: String) -> String? {
        let value = trimmed(text)
        return value.isEmpty ? nil : value
    }

    /// A comparison key for labels: whitespace runs collapsed to one space, trimmed, the four apostrophes (and
    /// U+2018, U+02BC) folded to `'`, lowercased, and a trailing colon dropped.
    ///
    /// Every row's first cell goes through this, so texts of ASCII, Cyrillic and common punctuation (every label
    /// there is) are folded on their UTF-8 bytes in one pass; any other character takes the general path
    /// (``labelKeyReference(_:)``), which gives the same key (a test holds the two together).
    static func labelKey(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(bytes.count, 1)) { output in
                foldedLabelKey(bytes, into: output).map { String(decoding: UnsafeBufferPointer(rebasing: output[..<$0]), as: UTF8.self) }
            }
        } ?? labelKeyReference(text)
    }

    /// The byte-level ``labelKey(_:)``: writes the key of `bytes` (valid UTF-8) into `output` (at least as long; a
    /// key is never longer than its text) and returns its length, or `nil` when a character outside the folded set
    /// needs the general path.
    private static func foldedLabelKey(_ bytes: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        var count = 0
        var pendingSpace = false
        var index = 0
        let end = bytes.count
        @inline(__always) func put(_ byte: UInt8) {
            if pendingSpace {
                output[count] = 0x20
                count += 1
                pendingSpace = false
            }
            output[count] = byte
            count += 1
        }
        while index < end {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                switch lead {
                case 0x09...0x0D, 0x20:
                    pendingSpace = count > 0
                    // An indentation's spaces change nothing more: over them eight at a time.
                    index = afterSpaces(bytes, from: index, to: end)
                case 0x41...0x5A: put(lead + 0x20)
                case 0x60, 0x27: put(0x27)
                default: put(lead)
                }
            } else if lead < 0xE0 {
                guard lead >= 0xC2, index + 1 < end else { return nil }
                let scalar = UInt32(lead & 0x1F) << 6 | UInt32(bytes[index + 1] & 0x3F)
                index += 2
                let lowered: UInt32
                switch scalar {
                case 0xA0:
                    pendingSpace = count > 0
                    continue
                case 0x2BB, 0x2BC:
                    put(0x27)
                    continue
                case 0xA1...0xBF, 0x430...0x45F, 0x493, 0x49B, 0x4B3: lowered = scalar  // no case, or lowercase
                case 0x400...0x40F: lowered = scalar + 0x50
                case 0x410...0x42F: lowered = scalar + 0x20
                case 0x492, 0x49A, 0x4B2: lowered = scalar + 1  // Ғ Қ Ҳ
                default: return nil
                }
                put(0xC0 | UInt8(lowered >> 6))
                output[count] = 0x80 | UInt8(lowered & 0x3F)
                count += 1
            } else if lead < 0xF0 {
                guard index + 2 < end else { return nil }
                let scalar = UInt32(lead & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F)
                switch scalar {
                case 0x1680, 0x2000...0x200B, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
                    pendingSpace = count > 0
                case 0x2018, 0x2019: put(0x27)
                case 0x2010...0x2017, 0x201A...0x2027, 0x2030...0x205E, 0x2116:  // punctuation and №: no case
                    put(lead)
                    output[count] = bytes[index + 1]
                    output[count + 1] = bytes[index + 2]
                    count += 2
                default: return nil
                }
                index += 3
            } else {
                return nil
            }
        }
        while count > 0, output[count - 1] == UInt8(ascii: ":") || output[count - 1] == 0x20 { count -= 1 }
        return count
    }

    /// ``labelKey(_:)`` for any text, on Unicode scalars and `lowercased()`: the definition the byte-level fold
    /// must agree with.
    static func labelKeyReference(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if isSpace(scalar) {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace {
                result.append(" ")
                pendingSpace = false
            }
            switch scalar.value {
            case 0x60, 0x27, 0x2BB, 0x2BC, 0x2018, 0x2019: result.append("'")
            default: result.append(scalar)
            }
        }
        var key = String(result).lowercased()
        while key.hasSuffix(":") || key.hasSuffix(" ") { key.removeLast() }
        return key
    }
}
