/// A currency PaySys settles in, with its ISO 4217 codes and the number of minor-unit digits.
///
/// PaySys spells currencies three ways: ISO alpha (`"UZS"`), lowercase alpha (`"uzs"`) and ISO numeric
/// (`860`, as a number or a string). `TRL`, the obsolete Turkish lira code PaySys still lists, means ``try``.
public enum Currency: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    case uzs = "UZS"
    case usd = "USD"
    case eur = "EUR"
    case rub = "RUB"
    case `try` = "TRY"

    /// Parses an alpha code in any letter case, a numeric ISO code (`"860"`), or the alias `TRL`.
    public init?(code: String) {
        let trimmed = code.trimmingASCIIWhitespace().uppercased()
        if let numeric = Int(trimmed) {
            self.init(numericCode: numeric)
            return
        }
        if trimmed == "TRL" {
            self = .try
            return
        }
        self.init(rawValue: trimmed)
    }

    /// Looks a currency up by its ISO 4217 numeric code (`860` is UZS).
    public init?(numericCode: Int) {
        guard let match = Currency.allCases.first(where: { $0.numericCode == numericCode }) else { return nil }
        self = match
    }

    /// The ISO 4217 alpha code, uppercase (`"UZS"`).
    public var alphaCode: String { rawValue }

    /// The ISO 4217 numeric code (`860` for UZS).
    public var numericCode: Int {
        switch self {
        case .uzs: 860
        case .usd: 840
        case .eur: 978
        case .rub: 643
        case .try: 949
        }
    }

    /// Digits after the decimal point in the minor unit: tiyin, cents, kopecks, kuruş are all hundredths.
    public var minorUnitDigits: Int { 2 }

    public var description: String { rawValue }
}

extension String {
    /// The string without leading and trailing ASCII spaces, tabs, newlines and no-break spaces.
    package func trimmingASCIIWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{00A0}" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return "" }
        guard let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
