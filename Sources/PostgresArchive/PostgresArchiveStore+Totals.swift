import Archive
import FiscalCore
import PostgresNIO

extension PostgresArchiveStore: MonthlyTotalsReader {
    /// The month's register totals by the database (see ``MonthlyTotals``): one `SUM`/`COUNT … GROUP BY day,
    /// kind, currency, not-paid` over the month's range of `events_occurred`. (SQLite's store asks a day at a time,
    /// to keep its in-memory grouping small; PostgreSQL hash-aggregates the few hundred groups of a month in
    /// kilobytes, and asked a day at a time it scanned `transactions` once per day: 31 scans of a million rows.)
    public func monthlyTotals(in month: YearMonth) async throws(ArchiveError) -> MonthlyTotals {
        try await Self.monthlyTotals(self, snapshot: nil, in: month)
    }

    /// The amount is the register's: a refund seen only as status 6 (source `detected`, amount 0) takes its refund
    /// receipt's total when the receipt the register links (the first refund receipt of total 0, else the first
    /// refund receipt) is in the event's currency.
    static func monthlyTotals(_ store: PostgresArchiveStore, snapshot: String?, in month: YearMonth)
        async throws(ArchiveError) -> MonthlyTotals
    {
        let start = month.startEpochSeconds
        let groups = try await store.readAt(snapshot, "Cannot total the register of \(month)") { c in
            try await c.simple("SET LOCAL jit = off")
            // The planner, not knowing a month has a few hundred groups, sorts the month's rows to group them: at
            // the default 4 MB each of the sort's processes spilled 14–25 MB to disk (a million events).
            try await c.simple("SET LOCAL work_mem = '64MB'")
            let rows = try await c.rows("""
                SELECT (e.occurred_at - \(start)) / 86400 + 1 AS day, e.kind, e.currency,
                    e.kind IN ('payment', 'p2p') AND COALESCE(t.status, 2) IN (-1, 0) AS not_paid,
                    COUNT(*) AS n,
                    SUM(CASE WHEN e.kind = 'refund' AND e.source = 'detected' AND e.amount = 0
                        THEN COALESCE((SELECT -r.total FROM receipts r WHERE r.currency = e.currency AND r.id = COALESCE(
                            (SELECT id FROM receipts WHERE transaction_id = e.transaction_id AND kind = 'refund'
                                AND total = 0 ORDER BY id LIMIT 1),
                            (SELECT id FROM receipts WHERE transaction_id = e.transaction_id AND kind = 'refund'
                                ORDER BY id LIMIT 1))), 0)
                        ELSE e.amount END)::bigint AS amount
                FROM events e JOIN transactions t ON t.id = e.transaction_id
                WHERE e.occurred_at >= \(start) AND e.occurred_at < \(month.endEpochSeconds)
                GROUP BY day, e.kind, e.currency, not_paid
                """)
            var groups: [MonthlyTotals.Group] = []
            for row in rows {
                let kind = try row("kind", String.self)
                let code = try row("currency", String.self)
                guard let event = RegisterEntry.Event(rawValue: kind), let currency = Currency(rawValue: code) else {
                    throw ArchiveError(
                        .corrupt, "The events of \(month) hold an unreadable kind \(kind) or currency \(code)")
                }
                groups.append(MonthlyTotals.Group(
                    event: event, currency: currency, day: Int(try row("day", Int64.self)),
                    notPaid: try row("not_paid", Bool.self), count: Int(try row("n", Int64.self)),
                    amount: Money(minorUnits: try row("amount", Int64.self), currency: currency)))
            }
            return groups
        }
        return MonthlyTotals(month: month, groups: groups.sorted {
            ($0.event.rawValue, $0.currency.rawValue, $0.day, $0.notPaid ? 1 : 0)
                < ($1.event.rawValue, $1.currency.rawValue, $1.day, $1.notPaid ? 1 : 0)
        })
    }
}

extension PostgresRegisterSnapshot: MonthlyTotalsReader {
    /// The month's totals by the database, from the snapshot.
    func monthlyTotals(in month: YearMonth) async throws(ArchiveError) -> MonthlyTotals {
        try await PostgresArchiveStore.monthlyTotals(store, snapshot: snapshotID, in: month)
    }
}
