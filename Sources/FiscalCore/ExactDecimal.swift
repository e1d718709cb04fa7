/// An exact decimal number kept as an integer significand and a count of decimals: quantities (`1.268` kg) and
/// VAT rates (`12`).
///
/// It keeps the scale it was written with, so `"2"` formats back as `"2"` and `"1.250"` as `"1.250"`.
public struct ExactDecimal: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    /// The digits as an integer: `1.268` is `1268` with scale 3.
    public var significand: Int64
    /// How many of the significand's digits are decimals.
    public var scale: Int

    /// Creates `significand / 10^scale`.
    public init(significand: Int64, scale: Int) {
        precondition(scale >= 0 && scale <= 18, "scale out of range")
        self.significand = significand
        self.scale = scale
    }

    /// A whole number.
    public init(_ integer: Int64) { self.init(significand: integer, scale: 0) }

    /// Parses `"2"`, `"1.268"`, `"12"`, `"1,000.5"`; at most 9 decimals.
    public init(parsing text: String) throws(MoneyParseError) {
        try self.init(reading: text, style: .canonical)
    }

    /// The value as written: `"1.268"`, `"2"`.
    public var description: String { DecimalText.format(significand, digits: scale) }

    /// The value rescaled to `digits` decimals, rounding half away from zero when digits are dropped.
    public func scaled(to digits: Int) -> Int64 {
        if digits >= scale {
            return significand * Self.power(digits - scale)
        }
        let divisor = Self.power(scale - digits)
        let quotient = significand / divisor
        let remainder = significand % divisor
        if remainder.magnitude * 2 >= divisor.magnitude {
            return quotient + (significand < 0 ? -1 : 1)
        }
        return quotient
    }

    /// True when the value is a whole number.
    public var isInteger: Bool { significand % Self.power(scale) == 0 }

    public static func == (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool {
        let digits = max(lhs.scale, rhs.scale)
        return lhs.scaled(to: digits) == rhs.scaled(to: digits)
    }

    public func hash(into hasher: inout Hasher) {
        // Equal values must hash alike whatever their scale: hash the value with trailing zeros removed.
        var significand = self.significand
        var scale = self.scale
        while scale > 0 && significand % 10 == 0 {
            significand /= 10
            scale -= 1
        }
        hasher.combine(significand)
        hasher.combine(scale)
    }

    public static func < (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool {
        let digits = max(lhs.scale, rhs.scale)
        return lhs.scaled(to: digits) < rhs.scaled(to: digits)
    }

    package static func power(_ exponent: Int) -> Int64 {
        var result: Int64 = 1
        for _ in 0..<exponent { result *= 10 }
        return result
    }
}
