import FiscalCore

/// A month's register totals as the database aggregates them (`SUM`/`COUNT … GROUP BY`), without streaming the
/// register: one group per event kind, currency, Tashkent day and whether the money was never taken.
///
/// Backend neutral: every archive backend computes the same groups with its own SQL. The amounts are those the
/// register shows (``RegisterEntry/amount``): signed, and for a refund seen only as a status change, the amount
/// of its archived refund receipt when one tells it (zero otherwise). "Not paid" is a payment or p2p transfer whose
/// last known status is `-1` (error) or `0` (created), as in the reports.
public struct MonthlyTotals: Sendable, Hashable {
    /// The events of one kind, currency and day, and whether their money was never taken.
    public struct Group: Sendable, Hashable {
        public var event: RegisterEntry.Event
        public var currency: Currency
        /// Day of the month (Tashkent), 1…31.
        public var day: Int
        /// Payments and p2p transfers whose status says no money was taken; always `false` for refunds and
        /// cancellations.
        public var notPaid: Bool
        /// Number of events.
        public var count: Int
        /// Σ of their signed amounts, in minor units of `currency`.
        public var amount: Money

        /// Creates a group.
        public init(event: RegisterEntry.Event, currency: Currency, day: Int, notPaid: Bool, count: Int, amount: Money) {
            self.event = event
            self.currency = currency
            self.day = day
            self.notPaid = notPaid
            self.count = count
            self.amount = amount
        }
    }

    /// The month aggregated.
    public var month: YearMonth
    /// The groups, ordered by event kind, currency, day, then not-paid last.
    public var groups: [Group]

    /// Creates totals.
    public init(month: YearMonth, groups: [Group]) {
        self.month = month
        self.groups = groups
    }

    /// Number of events of the month.
    public var eventCount: Int { groups.reduce(0) { $0 + $1.count } }

    /// Count and Σ of the events of one kind in one currency.
    public func total(of event: RegisterEntry.Event, in currency: Currency) -> (count: Int, amount: Money) {
        var count = 0
        var amount = Money.zero(currency)
        for group in groups where group.event == event && group.currency == currency {
            count += group.count
            amount += group.amount
        }
        return (count, amount)
    }
}

/// A ``RegisterReader`` whose database totals a month itself (`SUM`/`COUNT … GROUP BY`), so a report can check its
/// streamed register against an independent calculation. Readers without it are totalled from their register.
public protocol MonthlyTotalsReader: RegisterReader {
    /// The month's totals by the database.
    func monthlyTotals(in month: YearMonth) async throws(ArchiveError) -> MonthlyTotals
}

