import FiscalCore

/// The language of a report's labels: English, Russian or Uzbek (Latin script).
///
/// Only labels change with the language; the CSV register's header is fixed (DESIGN.md) and identical in all three.
public enum ReportLanguage: String, Sendable, Hashable, CaseIterable, Codable {
    /// English.
    case en
    /// Russian.
    case ru
    /// Uzbek, Latin script.
    case uz

    /// Parses `en`, `ru`, `uz` in any letter case.
    public init?(code: String) {
        self.init(rawValue: code.trimmingASCIIWhitespace().lowercased())
    }

    /// The label table of this language.
    var labels: ReportLabels {
        switch self {
        case .en: .english
        case .ru: .russian
        case .uz: .uzbek
        }
    }

    /// An amount in major units with two decimals, grouped the way this language writes numbers, and a true minus
    /// sign (U+2212) when negative: `1,234,567.89` (en), `1 234 567,89` (ru, uz; the spaces are no-break).
    public func format(_ money: Money) -> String {
        format(minorUnits: money.minorUnits)
    }

    /// A count grouped the way this language writes numbers: `12,345` (en), `12 345` (ru, uz).
    public func format(count: Int) -> String {
        group(String(count.magnitude), separator: groupSeparator, negative: count < 0)
    }

    /// Minor units as a grouped decimal with two decimals.
    func format(minorUnits: Int64) -> String {
        var digits = String(minorUnits.magnitude)
        if digits.count < 3 { digits = String(repeating: "0", count: 3 - digits.count) + digits }
        let split = digits.index(digits.endIndex, offsetBy: -2)
        let integer = group(String(digits[..<split]), separator: groupSeparator, negative: minorUnits < 0)
        return integer + decimalSeparator + digits[split...]
    }

    private var groupSeparator: String { self == .en ? "," : "\u{00A0}" }
    private var decimalSeparator: String { self == .en ? "." : "," }

    private func group(_ digits: String, separator: String, negative: Bool) -> String {
        var grouped = negative ? "\u{2212}" : ""
        let count = digits.count
        for (offset, character) in digits.enumerated() {
            if offset > 0 && (count - offset) % 3 == 0 { grouped += separator }
            grouped.append(character)
        }
        return grouped
    }

    /// `October 2026` / `Октябрь 2026` / `Oktabr 2026`.
    public func monthTitle(_ month: YearMonth) -> String {
        "\(labels.monthNames[month.month - 1]) \(month.year)"
    }

    /// A Tashkent date: `2026-11-10` (ISO order in every language: unambiguous for accountants and sortable).
    public func date(_ local: Tashkent.LocalDateTime) -> String {
        String(local.iso8601.prefix(10))
    }

    /// A Tashkent date and time to the second: `2026-10-31 23:30:00`.
    public func dateTime(epochSeconds: Int64) -> String {
        let iso = RegisterRow.iso8601(epochSeconds: epochSeconds)
        return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(8))
    }
}
