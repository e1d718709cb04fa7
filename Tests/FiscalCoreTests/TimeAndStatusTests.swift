import FiscalCore
import Foundation
import Testing

@Suite("Tashkent time and months")
struct TashkentTests {
    @Test("local time is UTC+5 with no daylight saving")
    func localTime() {
        // 2026-10-31T18:30:00Z is 23:30 in Tashkent.
        let local = Tashkent.local(epochSeconds: 1_793_471_400)
        #expect(local.iso8601 == "2026-10-31T23:30:00+05:00")
        #expect(Tashkent.iso8601(epochSeconds: 0) == "1970-01-01T05:00:00+05:00")
        // Summer and winter have the same offset.
        #expect(Tashkent.iso8601(epochSeconds: 1_782_864_000) == "2026-07-01T05:00:00+05:00")
    }

    @Test("month boundaries fall at Tashkent midnight, which is 19:00 UTC the day before")
    func boundaries() {
        let november = YearMonth(year: 2026, month: 11)
        // 2026-10-31T19:00:00Z
        #expect(november.startEpochSeconds == 1_793_473_200)
        #expect(Tashkent.iso8601(epochSeconds: november.startEpochSeconds) == "2026-11-01T00:00:00+05:00")
        let beforeMidnight = november.startEpochSeconds - 1  // 23:59:59 on 31 October, Tashkent
        let afterMidnight = november.startEpochSeconds + 30  // 00:00:30 on 1 November, Tashkent
        #expect(YearMonth(containingEpochSeconds: beforeMidnight) == YearMonth(year: 2026, month: 10))
        #expect(YearMonth(containingEpochSeconds: afterMidnight) == november)
        #expect(november.contains(epochSeconds: afterMidnight))
        #expect(!november.contains(epochSeconds: beforeMidnight))
        #expect(november.endEpochSeconds - november.startEpochSeconds == 30 * 86_400)
    }

    @Test func monthArithmetic() {
        #expect(YearMonth(year: 2026, month: 12).next == YearMonth(year: 2027, month: 1))
        #expect(YearMonth(year: 2026, month: 1).previous == YearMonth(year: 2025, month: 12))
        #expect(YearMonth(year: 2028, month: 2).dayCount == 29)
        #expect(YearMonth(year: 2100, month: 2).dayCount == 28)
        #expect(YearMonth(year: 2000, month: 2).dayCount == 29)
        #expect(YearMonth(parsing: "2026-10") == YearMonth(year: 2026, month: 10))
        for bad in ["2026-13", "2026-1", "26-10", "2026/10", "", "2026-00", "abcd-ef"] {
            #expect(YearMonth(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test("civil-date conversion agrees with Foundation's calendar for every day of 1970–2100")
    func civilDatesAgreeWithFoundation() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(secondsFromGMT: 5 * 3600))
        var day: Int64 = 0
        while day < 47_482 {
            let seconds = day * 86_400 + 43_210
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
            let local = Tashkent.local(epochSeconds: seconds)
            #expect(
                [local.year, local.month, local.day, local.hour, local.minute, local.second]
                    == [parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second])
            #expect(local.epochSeconds == seconds)
            day += 37
        }
    }

    @Test func invalidLocalTimes() {
        #expect(!Tashkent.LocalDateTime(year: 2026, month: 4, day: 31).isValid)
        #expect(!Tashkent.LocalDateTime(year: 2026, month: 2, day: 29).isValid)
        #expect(!Tashkent.LocalDateTime(year: 2026, month: 1, day: 1, hour: 24).isValid)
        #expect(Tashkent.LocalDateTime(year: 2028, month: 2, day: 29, hour: 23, minute: 59, second: 59).isValid)
    }
}

@Suite("Transaction statuses and ids")
struct StatusTests {
    @Test func knownAndUnknown() {
        #expect(PaySysStatus(rawValue: 2) == .completed)
        #expect(PaySysStatus.completed.isKnown)
        #expect(PaySysStatus(rawValue: 7).isKnown == false)
        #expect(PaySysStatus(rawValue: 7).rawValue == 7)
        #expect(PaySysStatus(rawValue: 7).name == "unknown(7)")
        #expect(PaySysStatus.refunded.isPaid && PaySysStatus.completed.isPaid)
        #expect(!PaySysStatus.cancelled.isPaid && !PaySysStatus(rawValue: 7).isPaid)
    }

    @Test func statusCodableKeepsTheInteger() throws {
        let data = try JSONEncoder().encode([PaySysStatus(rawValue: 42), .cancelled])
        #expect(String(decoding: data, as: UTF8.self) == "[42,3]")
        #expect(try JSONDecoder().decode([PaySysStatus].self, from: data) == [PaySysStatus(rawValue: 42), .cancelled])
    }

    @Test func transactionIDs() {
        #expect(TransactionID(parsing: "11424156") == TransactionID(11_424_156))
        for bad in ["", "0", "-5", "12a", "1.5", "99999999999999999999", " "] {
            #expect(TransactionID(parsing: bad) == nil, "\(bad)")
        }
    }
}
