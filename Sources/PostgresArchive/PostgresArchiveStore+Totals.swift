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
        let groups = try await store.readAt(snapshot, "Cannot total the register of \(month)") { c in
            for setting in totalsSettings { try await c.simple(setting) }
            let rows = try await c.rows(totalsQuery(month))
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

extension PostgresArchiveStore {
    /// The planner settings of the totals' transaction. The planner, not knowing that a month's rows fall into a
    /// few hundred groups, sorted the month's million rows to group them (spilling to disk at the default 4 MB):
    /// with sorting off it hashes them, in 12 MB (2.8–3.1 s of server CPU → 0.9–1.2 s at a million events, with
    /// the join below). Safe only while the query has nothing else to sort: with `enable_sort` off, an
    /// `ORDER BY … LIMIT 1` look-up became a scan of the whole `receipts` primary key per row (minutes) — the
    /// receipt look-ups are `MIN(id)`, and `TotalsPlanTests` holds the plan to no sort and no scan of `receipts`.
    static let totalsSettings = ["SET LOCAL jit = off", "SET LOCAL work_mem = '64MB'", "SET LOCAL enable_sort = off"]

    /// The totals of `month`, grouped by day, kind, currency and not-paid. "Not paid" needs only the transactions
    /// whose status is `-1` or `0` (a few thousand of a million): the month's events are joined to those (hashed)
    /// instead of each to its transaction (a hash of every transaction, or a look-up per event).
    static func totalsQuery(_ month: YearMonth) -> PostgresQuery {
        let start = month.startEpochSeconds
        return """
            SELECT (e.occurred_at - \(start)) / 86400 + 1 AS day, e.kind, e.currency,
                e.kind IN ('payment', 'p2p') AND np.id IS NOT NULL AS not_paid,
                COUNT(*) AS n,
                SUM(CASE WHEN e.kind = 'refund' AND e.source = 'detected' AND e.amount = 0
                    THEN COALESCE((SELECT -r.total FROM receipts r WHERE r.currency = e.currency AND r.id = COALESCE(
                        (SELECT MIN(id) FROM receipts WHERE transaction_id = e.transaction_id AND kind = 'refund'
                            AND total = 0),
                        (SELECT MIN(id) FROM receipts WHERE transaction_id = e.transaction_id AND kind = 'refund'))),
                        0)
                    ELSE e.amount END)::bigint AS amount
            FROM events e LEFT JOIN (SELECT t.id FROM transactions t WHERE t.status IN (-1, 0)) np
                ON np.id = e.transaction_id
            WHERE e.occurred_at >= \(start) AND e.occurred_at < \(month.endEpochSeconds)
            GROUP BY day, e.kind, e.currency, not_paid
            """
    }
}

extension PostgresRegisterSnapshot: MonthlyTotalsReader {
    /// The month's totals by the database, from the snapshot.
    func monthlyTotals(in month: YearMonth) async throws(ArchiveError) -> MonthlyTotals {
        try await PostgresArchiveStore.monthlyTotals(store, snapshot: snapshotID, in: month)
    }
}
