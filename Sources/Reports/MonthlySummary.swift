import Archive
import FiscalCore

/// The figures of a month's report, aggregated in one streaming pass over its register.
///
/// Every total is per currency and never mixes currencies. The register and the summary reconcile by
/// construction: each event's signed `amount` is added once to its event type's total and to its day.
public struct MonthlySummary: Sendable, Hashable {
    /// A count of events and the sum of their signed amounts.
    public struct Totals: Sendable, Hashable {
        /// Number of events.
        public var count: Int
        /// Σ of their signed amounts.
        public var amount: Money

        /// Creates totals.
        public init(count: Int, amount: Money) {
            self.count = count
            self.amount = amount
        }

        /// No events, zero amount.
        public static func zero(_ currency: Currency) -> Totals { Totals(count: 0, amount: .zero(currency)) }

        mutating func add(_ money: Money) {
            count += 1
            amount += money
        }
    }

    /// One Tashkent day of the month in one currency.
    public struct Day: Sendable, Hashable {
        /// Day of the month, 1…31.
        public var day: Int
        /// Payments and p2p transfers (positive).
        public var inflow: Totals
        /// Refunds and cancellations (negative).
        public var outflow: Totals

        /// Creates a day.
        public init(day: Int, inflow: Totals, outflow: Totals) {
            self.day = day
            self.inflow = inflow
            self.outflow = outflow
        }

        /// Σ of the day's amounts.
        public var net: Money { inflow.amount + outflow.amount }
    }

    /// Everything about one currency.
    public struct CurrencyTotals: Sendable, Hashable {
        /// The currency.
        public var currency: Currency
        /// Per event type; every type is present (zero when none happened).
        public var byEvent: [RegisterEntry.Event: Totals]
        /// Σ of every register amount in this currency.
        public var registerTotal: Money
        /// Payments and p2p transfers whose money was never taken (status `error` or `created`); included in
        /// `registerTotal` because the register lists them.
        public var notPaid: Totals
        /// Day-by-day series, one element per day of the month.
        public var days: [Day]

        /// Creates currency totals.
        public init(
            currency: Currency, byEvent: [RegisterEntry.Event: Totals], registerTotal: Money, notPaid: Totals,
            days: [Day]
        ) {
            self.currency = currency
            self.byEvent = byEvent
            self.registerTotal = registerTotal
            self.notPaid = notPaid
            self.days = days
        }

        /// The totals of one event type.
        public func totals(for event: RegisterEntry.Event) -> Totals { byEvent[event] ?? .zero(currency) }

        /// Money actually received, net of refunds and cancellations: `registerTotal` minus `notPaid`.
        public var net: Money { registerTotal - notPaid.amount }
    }

    /// The month's exceptions: counts of all of them, details of the first ones.
    public struct Exceptions: Sendable, Hashable {
        /// How many of each kind (every kind present).
        public var counts: [ReportException.Kind: Int]
        /// The first `detailLimit` exceptions of each kind, in register order; the rest are counted, not kept, so
        /// that memory and the HTML report stay bounded however large the month.
        public var details: [ReportException]
        /// The most details kept of each kind.
        public var detailLimit: Int

        /// Creates an exception summary.
        public init(counts: [ReportException.Kind: Int], details: [ReportException], detailLimit: Int) {
            self.counts = counts
            self.details = details
            self.detailLimit = detailLimit
        }

        /// All exceptions of the month.
        public var total: Int { counts.values.reduce(0, +) }

        /// How many of one kind.
        public func count(of kind: ReportException.Kind) -> Int { counts[kind] ?? 0 }

        /// Whether some exceptions were counted but not kept in `details`.
        public var isTruncated: Bool { total > details.count }
    }

    /// The report's period.
    public var month: YearMonth
    /// The time the report's data is as of (Unix seconds), given by the caller: the archive's latest change.
    public var asOf: Int64
    /// The archive's integrity-chain head the report was made from.
    public var chainHead: String
    /// Number of register rows.
    public var eventCount: Int
    /// Per currency, in ``Currency`` order. UZS is always present (zero in an empty month); other currencies
    /// only when they have events.
    public var currencies: [CurrencyTotals]
    /// VAT of the month's sale receipts by rate, highest rate first.
    public var vat: [VATLine]
    /// The exceptions.
    public var exceptions: Exceptions

    /// Creates a summary.
    public init(
        month: YearMonth, asOf: Int64, chainHead: String, eventCount: Int, currencies: [CurrencyTotals],
        vat: [VATLine], exceptions: Exceptions
    ) {
        self.month = month
        self.asOf = asOf
        self.chainHead = chainHead
        self.eventCount = eventCount
        self.currencies = currencies
        self.vat = vat
        self.exceptions = exceptions
    }

    /// The totals of one currency, if it is in the summary.
    public func totals(for currency: Currency) -> CurrencyTotals? { currencies.first { $0.currency == currency } }

    /// The summary of a month with no events.
    public static func empty(month: YearMonth, asOf: Int64, chainHead: String, vat: [VATLine] = []) -> MonthlySummary {
        var builder = MonthlySummaryBuilder(month: month, asOf: asOf)
        return builder.finish(chainHead: chainHead, vat: vat)
    }
}
