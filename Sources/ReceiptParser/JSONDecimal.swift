import FiscalCore

/// Exact reading of JSON number text (`56990.00`, `853374.0`, `1.0E7`, `-0.5`) without a `Double`.
enum JSONDecimal {
    /// `digits × 10^exponent`, with its sign.
    struct Parts {
        var negative: Bool
        var digits: [UInt8]
        var exponent: Int
    }

    static func parts(_ text: String) -> Parts? {
        var bytes = Substring(text).utf8[...]
        while let first = bytes.first, first == 0x20 { bytes = bytes.dropFirst() }
        while let last = bytes.last, last == 0x20 { bytes = bytes.dropLast() }
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var digits: [UInt8] = []
        var exponent = 0
        var seenDot = false
        var seenDigit = false
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if (48...57).contains(byte) {
                digits.append(byte - 48)
                seenDigit = true
                if seenDot { exponent -= 1 }
            } else if byte == UInt8(ascii: "."), !seenDot {
                seenDot = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                break
            } else {
                return nil
            }
            index = bytes.index(after: index)
        }
        guard seenDigit else { return nil }
        if index < bytes.endIndex {
            let rest = String(decoding: bytes[bytes.index(after: index)...], as: UTF8.self)
            guard let power = Int(rest), (-40...40).contains(power) else { return nil }
            exponent += power
        }
        while digits.count > 1, digits.first == 0 { digits.removeFirst() }
        guard digits.count <= 40 else { return nil }
        return Parts(negative: negative, digits: digits, exponent: exponent)
    }

    /// The value scaled to `scale` decimals, rounding half away from zero; `nil` on bad text or overflow.
    static func scaled(_ parts: Parts, to scale: Int) -> Int64? {
        var digits = parts.digits
        let shift = parts.exponent + scale
        var roundUp = false
        if shift >= 0 {
            digits += Array(repeating: 0, count: shift)
        } else {
            let drop = -shift
            if drop > digits.count {
                digits = [0]
            } else {
                roundUp = drop > 0 && digits[digits.count - drop] >= 5
                digits.removeLast(drop)
            }
        }
        var value: Int64 = 0
        for digit in digits {
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (added, overflowB) = shifted.addingReportingOverflow(Int64(digit))
            guard !overflowA, !overflowB else { return nil }
            value = added
        }
        if roundUp {
            let (added, overflow) = value.addingReportingOverflow(1)
            guard !overflow else { return nil }
            value = added
        }
        return parts.negative ? -value : value
    }

    /// An amount in so'm (to the tiyin; more decimals are rounded half-up).
    static func money(_ text: String) -> Money? {
        if let minor = parts(text).flatMap({ scaled($0, to: 2) }) { return Money(minorUnits: minor, currency: .uzs) }
        // A string amount written the way pages write it (`"56,990.00"`).
        return try? Money(parsing: text, currency: .uzs)
    }

    /// A quantity or rate with trailing fractional zeros dropped (`2.0` → `2`, `1.2680` → `1.268`), at most 9
    /// decimals (more are rounded half-up).
    static func exact(_ text: String) -> ExactDecimal? {
        guard var parts = parts(text) else { return nil }
        while parts.exponent < 0, parts.digits.count > 1, parts.digits.last == 0 {
            parts.digits.removeLast()
            parts.exponent += 1
        }
        if parts.exponent < 0, parts.digits == [0] { parts.exponent = 0 }
        let scale = min(9, max(0, -parts.exponent))
        return scaled(parts, to: scale).map { ExactDecimal(significand: $0, scale: scale) }
    }
}
