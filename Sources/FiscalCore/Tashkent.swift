import Foundation

/// Local time in Asia/Tashkent: UTC+05:00 with no daylight saving since 1992, so a fixed offset is exact.
///
/// All calendar arithmetic here is done on integers (days since the epoch), independent of the machine's time
/// zone database and of `Calendar`.
public enum Tashkent {
    /// Seconds east of UTC.
    public static let offsetSeconds: Int64 = 5 * 3600

    /// A civil date-time in Tashkent, to the second.
    public struct LocalDateTime: Sendable, Hashable, Comparable, CustomStringConvertible {
        public var year: Int
        public var month: Int
        public var day: Int
        public var hour: Int
        public var minute: Int
        public var second: Int

        public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
            self.year = year
            self.month = month
            self.day = day
            self.hour = hour
            self.minute = minute
            self.second = second
        }

        /// Whether the fields name a real date and time (31 April and 25:00 do not).
        public var isValid: Bool {
            (1...12).contains(month) && (1...Tashkent.daysIn(year: year, month: month)).contains(day)
                && (0...23).contains(hour) && (0...59).contains(minute) && (0...59).contains(second)
        }

        /// The instant this local time names.
        public var date: Date { Date(timeIntervalSince1970: TimeInterval(epochSeconds)) }

        /// Unix seconds of this local time.
        public var epochSeconds: Int64 {
            let days = Tashkent.daysFromCivil(year: year, month: month, day: day)
            return days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Tashkent.offsetSeconds
        }

        /// `2026-10-31T23:30:00+05:00`.
        public var iso8601: String {
            // What `String(format: "%04d-%02d-%02dT%02d:%02d:%02d+05:00", …)` writes, without Foundation's
            // format parser (it showed in `parse --json`, which writes one time per receipt).
            func padded(_ value: Int, _ width: Int) -> String {
                let digits = String(value.magnitude)
                let sign = value < 0 ? "-" : ""
                let zeros = max(0, width - sign.count - digits.count)
                return sign + String(repeating: "0", count: zeros) + digits
            }
            var text = padded(year, 4)
            text += "-" + padded(month, 2) + "-" + padded(day, 2)
            text += "T" + padded(hour, 2) + ":" + padded(minute, 2) + ":" + padded(second, 2) + "+05:00"
            return text
        }

        public var description: String { iso8601 }

        /// The month this moment falls in.
        public var yearMonth: YearMonth { YearMonth(year: year, month: month) }

        public static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool { lhs.epochSeconds < rhs.epochSeconds }
    }

    /// The Tashkent wall-clock time of an instant.
    public static func local(_ date: Date) -> LocalDateTime {
        local(epochSeconds: Int64(date.timeIntervalSince1970.rounded(.down)))
    }

    /// The Tashkent wall-clock time of Unix seconds.
    public static func local(epochSeconds: Int64) -> LocalDateTime {
        let shifted = epochSeconds + offsetSeconds
        let days = floorDiv(shifted, 86_400)
        let secondOfDay = Int(shifted - days * 86_400)
        let (year, month, day) = civilFromDays(days)
        return LocalDateTime(
            year: year, month: month, day: day,
            hour: secondOfDay / 3600, minute: secondOfDay % 3600 / 60, second: secondOfDay % 60)
    }

    /// ISO 8601 with the Tashkent offset: `2026-10-31T23:30:00+05:00`.
    public static func iso8601(_ date: Date) -> String { local(date).iso8601 }

    /// ISO 8601 with the Tashkent offset, from Unix seconds.
    public static func iso8601(epochSeconds: Int64) -> String { local(epochSeconds: epochSeconds).iso8601 }

    /// Days in a month of the proleptic Gregorian calendar.
    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: 31
        case 4, 6, 9, 11: 30
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        default: 0
        }
    }

    /// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = floorDiv(y, 400)
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a count of days since 1970-01-01.
    public static func civilFromDays(_ days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
