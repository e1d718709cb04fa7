import FiscalCore

/// When monthly exports are due: on the 1st of each month at a Tashkent hour, for the previous month.
public struct ExportCalendar: Sendable, Hashable {
    /// Tashkent hour (0…23) on the 1st from which last month's export is due.
    public var hour: Int

    public init(hour: Int) { self.hour = min(23, max(0, hour)) }

    /// The latest month whose export is due at `now`.
    public func latestDueMonth(now: Int64) -> YearMonth {
        let local = Tashkent.local(epochSeconds: now)
        let current = local.yearMonth
        let dueThisMonth = local.day > 1 || local.hour >= hour
        return dueThisMonth ? current.previous : current.previous.previous
    }

    /// The months to export now, oldest first, given the last one exported (`nil`: never — then only the latest
    /// due month, not the whole history).
    public func monthsToExport(now: Int64, lastExported: YearMonth?) -> [YearMonth] {
        let latest = latestDueMonth(now: now)
        guard var month = lastExported?.next else { return [latest] }
        var months: [YearMonth] = []
        while month <= latest && months.count < 120 {
            months.append(month)
            month = month.next
        }
        return months
    }

    /// The next moment (Unix seconds) an export becomes due after `now`.
    public func nextExportTime(after now: Int64) -> Int64 {
        let current = Tashkent.local(epochSeconds: now).yearMonth
        let thisMonths = Tashkent.LocalDateTime(year: current.year, month: current.month, day: 1, hour: hour).epochSeconds
        if thisMonths > now { return thisMonths }
        let next = current.next
        return Tashkent.LocalDateTime(year: next.year, month: next.month, day: 1, hour: hour).epochSeconds
    }
}
