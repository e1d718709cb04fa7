/// Decimal formatting shared by ``Money`` and ``ExactDecimal``; reading is ``DecimalGrammar``'s.
package enum DecimalText {
    /// Formats `scaled / 10^digits` with exactly `digits` decimals, optionally with comma grouping.
    package static func format(_ scaled: Int64, digits: Int, grouping: Bool = false) -> String {
        if !grouping, (0...18).contains(digits) { return plain(scaled, digits: digits) }
        let negative = scaled < 0
        // magnitude avoids the overflow of -Int64.min
        var magnitude = String(scaled.magnitude)
        if magnitude.count <= digits {
            magnitude = String(repeating: "0", count: digits - magnitude.count + 1) + magnitude
        }
        let split = magnitude.index(magnitude.endIndex, offsetBy: -digits)
        var integer = String(magnitude[..<split])
        let fraction = String(magnitude[split...])
        if grouping {
            var grouped = ""
            for (offset, character) in integer.enumerated() {
                if offset > 0 && (integer.count - offset) % 3 == 0 { grouped.append(",") }
                grouped.append(character)
            }
            integer = grouped
        }
        let body = digits > 0 ? "\(integer).\(fraction)" : integer
        return negative ? "-" + body : body
    }

    /// `format` without grouping, written digit by digit from the end into a buffer on the stack: a register formats
    /// three amounts a row (a million rows), and the general path built five strings for each.
    private static func plain(_ scaled: Int64, digits: Int) -> String {
        // At most 20 digits (Int64's magnitude), the leading zeros of a fraction, a point and a sign.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { buffer in
            var magnitude = scaled.magnitude
            var index = buffer.count
            for _ in 0..<digits {
                index -= 1
                buffer[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            }
            if digits > 0 {
                index -= 1
                buffer[index] = UInt8(ascii: ".")
            }
            repeat {
                index -= 1
                buffer[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if scaled < 0 {
                index -= 1
                buffer[index] = UInt8(ascii: "-")
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[index...]), as: UTF8.self)
        }
    }
}
