import FiscalCore
import Foundation
import Scheduler
import Sync
import Testing

@Suite("When exports are due, and backoff")
struct SchedulingTests {
    private func at(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0) -> Int64 {
        Tashkent.LocalDateTime(year: year, month: month, day: day, hour: hour, minute: minute).epochSeconds
    }

    @Test("last month's export is due from the configured Tashkent hour on the 1st")
    func dueMonth() {
        let calendar = ExportCalendar(hour: 6)
        #expect(calendar.latestDueMonth(now: at(2026, 11, 1, 5, 59)) == YearMonth(year: 2026, month: 9))
        #expect(calendar.latestDueMonth(now: at(2026, 11, 1, 6, 0)) == YearMonth(year: 2026, month: 10))
        #expect(calendar.latestDueMonth(now: at(2026, 11, 30, 23, 59)) == YearMonth(year: 2026, month: 10))
        #expect(calendar.latestDueMonth(now: at(2027, 1, 1, 7)) == YearMonth(year: 2026, month: 12))
        // 00:30 Tashkent on the 1st is still the previous day in UTC: the Tashkent date decides.
        #expect(ExportCalendar(hour: 0).latestDueMonth(now: at(2026, 12, 1, 0, 30)) == YearMonth(year: 2026, month: 11))
    }

    @Test("a missed export is caught up, oldest first; a fresh archive exports only the latest month")
    func catchUp() {
        let calendar = ExportCalendar(hour: 6)
        let now = at(2027, 2, 3, 12)
        #expect(calendar.monthsToExport(now: now, lastExported: YearMonth(year: 2026, month: 10))
            == [YearMonth(year: 2026, month: 11), YearMonth(year: 2026, month: 12), YearMonth(year: 2027, month: 1)])
        #expect(calendar.monthsToExport(now: now, lastExported: YearMonth(year: 2027, month: 1)).isEmpty)
        #expect(calendar.monthsToExport(now: now, lastExported: nil) == [YearMonth(year: 2027, month: 1)])
    }

    @Test("the next export time is the coming 1st at the hour")
    func nextExport() {
        let calendar = ExportCalendar(hour: 6)
        #expect(calendar.nextExportTime(after: at(2026, 11, 30, 10)) == at(2026, 12, 1, 6))
        #expect(calendar.nextExportTime(after: at(2026, 12, 1, 5)) == at(2026, 12, 1, 6))
        #expect(calendar.nextExportTime(after: at(2026, 12, 31, 23)) == at(2027, 1, 1, 6))
    }

    @Test("backoff doubles, is jittered within [half, full], honours Retry-After and the cap")
    func backoff() {
        var generator = SystemRandomNumberGenerator()
        let backoff = Backoff(initial: 30, max: 3600)
        for attempt in 0..<12 {
            let ceiling = min(3600, 30 << attempt)
            for _ in 0..<50 {
                let delay = backoff.delay(attempt: attempt, using: &generator)
                #expect(delay >= Int64(ceiling / 2) && delay <= Int64(ceiling), "attempt \(attempt): \(delay)")
            }
        }
        #expect(backoff.delay(attempt: 0, minimum: 120, using: &generator) >= 120)
        #expect(backoff.delay(attempt: 200, using: &generator) <= 3600)
    }
}

@Suite("One scheduler per archive")
struct InstanceLockTests {
    @Test("a second lock on the same archive is refused with a clear message, and released with the first")
    func lock() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lock-\(UUID().uuidString).sqlite").path
        do {
            let first = try InstanceLock(archivePath: path)
            // The holder is written into the lock file, for the message a second scheduler shows.
            #expect(try String(contentsOfFile: first.path, encoding: .utf8) == "pid \(getpid())\n")
            let refusal = #expect(throws: InstanceLockError.self) { _ = try InstanceLock(archivePath: path) }
            #expect(refusal?.message.contains("Another scheduler is already running") == true)
            #expect(refusal?.message.contains("pid \(getpid())") == true)
            withExtendedLifetime(first) {}
        }
        // Released with the first: the lock is granted again.
        let again = try InstanceLock(archivePath: path)
        #expect(again.path == path + ".lock")
    }
}
