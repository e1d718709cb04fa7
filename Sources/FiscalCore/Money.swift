/// An exact amount of money: an integer number of minor units (tiyin, cents) in one currency.
///
/// There is no floating point anywhere in this type: amounts are parsed from and formatted to decimal strings
/// digit by digit. Arithmetic between different currencies is a programming error and traps.
public struct Money: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The amount in minor units (1 UZS = 100 tiyin). Negative for refunds and cancellations in reports.
    public var minorUnits: Int64
    /// The currency of the amount.
    public var currency: Currency

    /// Creates an amount from minor units.
    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// Zero in the given currency.
    public static func zero(_ currency: Currency) -> Money { Money(minorUnits: 0, currency: currency) }

    /// Parses a decimal amount in major units: `"1000.22"`, `"56,990.00"`, `" 0.00 "`, `"-15"`, `"150000"`.
    ///
    /// Comma thousands separators, surrounding whitespace and at most as many decimals as the currency has are
    /// accepted. Anything else throws ``MoneyParseError``.
    public init(parsing text: String, currency: Currency) throws(MoneyParseError) {
        try self.init(reading: text, style: .canonical, currency: currency)
    }

    /// Major units with exactly the currency's decimals and no grouping: `"853374.00"`, `"-1500.50"`.
    public var decimalString: String { DecimalText.format(minorUnits, digits: currency.minorUnitDigits) }

    /// Major units with comma thousands separators, as receipts print them: `"853,374.00"`.
    public var groupedDecimalString: String {
        DecimalText.format(minorUnits, digits: currency.minorUnitDigits, grouping: true)
    }

    /// `"853374.00 UZS"`.
    public var description: String { "\(decimalString) \(currency.alphaCode)" }

    /// The amount with its sign flipped.
    public static prefix func - (value: Money) -> Money {
        Money(minorUnits: -value.minorUnits, currency: value.currency)
    }

    public static func + (lhs: Money, rhs: Money) -> Money {
        precondition(lhs.currency == rhs.currency, "Adding \(lhs.currency) to \(rhs.currency)")
        return Money(minorUnits: lhs.minorUnits + rhs.minorUnits, currency: lhs.currency)
    }

    public static func - (lhs: Money, rhs: Money) -> Money {
        precondition(lhs.currency == rhs.currency, "Subtracting \(rhs.currency) from \(lhs.currency)")
        return Money(minorUnits: lhs.minorUnits - rhs.minorUnits, currency: lhs.currency)
    }

    public static func += (lhs: inout Money, rhs: Money) { lhs = lhs + rhs }
    public static func -= (lhs: inout Money, rhs: Money) { lhs = lhs - rhs }

    /// True when the amount is below zero.
    public var isNegative: Bool { minorUnits < 0 }
}

/// Why a decimal amount could not be read.
public struct MoneyParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text that was rejected.
    public var text: String
    /// What is wrong with it, as a sentence fragment.
    public var reason: String

    public init(text: String, reason: String) {
        self.text = text
        self.reason = reason
    }

    public var description: String { "Not an amount: \"\(text)\" (\(reason))" }
}
