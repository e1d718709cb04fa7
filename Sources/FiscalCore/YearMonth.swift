import Foundation

/// A calendar month in Asia/Tashkent: the period of a monthly report.
public struct YearMonth: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var year: Int
    /// 1…12.
    public var month: Int

    public init(year: Int, month: Int) {
        precondition((1...12).contains(month), "month out of range")
        self.year = year
        self.month = month
    }

    /// Parses `"2026-10"`; anything else is `nil`.
    public init?(parsing text: String) {
        let parts = text.trimmingASCIIWhitespace().split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
            parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }),
            let year = Int(parts[0]), let month = Int(parts[1]), (1...12).contains(month), year >= 1970
        else { return nil }
        self.init(year: year, month: month)
    }

    /// The Tashkent month containing an instant.
    public init(containing date: Date) {
        let local = Tashkent.local(date)
        self.init(year: local.year, month: local.month)
    }

    /// The Tashkent month containing Unix seconds.
    public init(containingEpochSeconds seconds: Int64) {
        let local = Tashkent.local(epochSeconds: seconds)
        self.init(year: local.year, month: local.month)
    }

    /// `"2026-10"`.
    public var description: String { String(format: "%04d-%02d", year, month) }

    /// Unix seconds of 00:00:00 Tashkent on the 1st (inclusive start of the month).
    public var startEpochSeconds: Int64 {
        Tashkent.LocalDateTime(year: year, month: month, day: 1).epochSeconds
    }

    /// Unix seconds of 00:00:00 Tashkent on the 1st of the next month (exclusive end).
    public var endEpochSeconds: Int64 { next.startEpochSeconds }

    /// The first instant of the month.
    public var start: Date { Date(timeIntervalSince1970: TimeInterval(startEpochSeconds)) }

    /// The first instant after the month.
    public var end: Date { Date(timeIntervalSince1970: TimeInterval(endEpochSeconds)) }

    /// Whether Unix seconds fall inside the month.
    public func contains(epochSeconds: Int64) -> Bool {
        epochSeconds >= startEpochSeconds && epochSeconds < endEpochSeconds
    }

    /// The number of days in the month.
    public var dayCount: Int { Tashkent.daysIn(year: year, month: month) }

    /// The month after this one.
    public var next: YearMonth { month == 12 ? YearMonth(year: year + 1, month: 1) : YearMonth(year: year, month: month + 1) }

    /// The month before this one.
    public var previous: YearMonth {
        month == 1 ? YearMonth(year: year - 1, month: 12) : YearMonth(year: year, month: month - 1)
    }

    public static func < (lhs: YearMonth, rhs: YearMonth) -> Bool {
        (lhs.year, lhs.month) < (rhs.year, rhs.month)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = YearMonth(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "Not a month: \(text)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
