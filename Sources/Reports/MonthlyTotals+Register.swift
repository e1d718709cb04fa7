import Archive
import FiscalCore

extension MonthlyTotals {
    /// The month's totals of `source`: by its database when it is a ``MonthlyTotalsReader``, else summed from its
    /// streamed register (in-memory registers in tests and benchmarks).
    public static func of(_ source: some RegisterReader, month: YearMonth) async throws -> MonthlyTotals {
        if let database = source as? any MonthlyTotalsReader {
            return try await database.monthlyTotals(in: month)
        }
        return try await summing(source, month: month)
    }

    /// The totals summed from the streamed register, grouped as the database groups them.
    public static func summing(_ source: some RegisterReader, month: YearMonth) async throws -> MonthlyTotals {
        var groups: [GroupKey: MonthlyTotals.Group] = [:]
        try await source.forEachRegisterEntry(in: month) { entry in
            guard month.contains(epochSeconds: entry.occurredAt) else { throw ReportError.outsideMonth(entry, month: month) }
            let isPayment = entry.event == .payment || entry.event == .p2p
            let key = GroupKey(
                event: entry.event, currency: entry.amount.currency,
                day: Int((entry.occurredAt - month.startEpochSeconds) / 86_400) + 1,
                notPaid: isPayment && RegisterRow.isNotPaid(entry.status))
            var group = groups[key] ?? MonthlyTotals.Group(
                event: key.event, currency: key.currency, day: key.day, notPaid: key.notPaid, count: 0,
                amount: .zero(key.currency))
            group.count += 1
            group.amount += entry.amount
            groups[key] = group
        }
        return MonthlyTotals(month: month, groups: groups.values.sorted {
            ($0.event.rawValue, $0.currency.rawValue, $0.day, $0.notPaid ? 1 : 0)
                < ($1.event.rawValue, $1.currency.rawValue, $1.day, $1.notPaid ? 1 : 0)
        })
    }
}

private struct GroupKey: Hashable {
    var event: RegisterEntry.Event
    var currency: Currency
    var day: Int
    var notPaid: Bool
}

extension MonthlySummaryBuilder {
    /// The per-currency figures of the summary (event totals, register total, not paid, days) from the database's
    /// totals: the same figures ``finish(chainHead:vat:)`` sums from the stream, UZS always present.
    public static func currencies(from totals: MonthlyTotals, month: YearMonth) -> [MonthlySummary.CurrencyTotals] {
        var byCurrency: [Currency: [MonthlyTotals.Group]] = [:]
        for group in totals.groups { byCurrency[group.currency, default: []].append(group) }
        var result: [MonthlySummary.CurrencyTotals] = []
        for currency in Currency.allCases {
            guard let groups = byCurrency[currency] ?? (currency == .uzs ? [] : nil) else { continue }
            var byEvent: [RegisterEntry.Event: MonthlySummary.Totals] = [:]
            for event in RegisterEntry.Event.allCases { byEvent[event] = .zero(currency) }
            var registerTotal = Money.zero(currency)
            var notPaid = MonthlySummary.Totals.zero(currency)
            var inflow = Array(repeating: MonthlySummary.Totals.zero(currency), count: month.dayCount)
            var outflow = inflow
            for group in groups {
                let added = MonthlySummary.Totals(count: group.count, amount: group.amount)
                byEvent[group.event] = (byEvent[group.event] ?? .zero(currency)).adding(added)
                registerTotal += group.amount
                if group.notPaid { notPaid = notPaid.adding(added) }
                let day = min(max(group.day, 1), month.dayCount) - 1
                switch group.event {
                case .payment, .p2p: inflow[day] = inflow[day].adding(added)
                case .refund, .cancellation: outflow[day] = outflow[day].adding(added)
                }
            }
            let days = (0..<month.dayCount).map {
                MonthlySummary.Day(day: $0 + 1, inflow: inflow[$0], outflow: outflow[$0])
            }
            result.append(MonthlySummary.CurrencyTotals(
                currency: currency, byEvent: byEvent, registerTotal: registerTotal, notPaid: notPaid, days: days))
        }
        return result
    }
}

extension MonthlySummary.Totals {
    func adding(_ other: MonthlySummary.Totals) -> MonthlySummary.Totals {
        MonthlySummary.Totals(count: count + other.count, amount: amount + other.amount)
    }
}

/// What a report takes from the database besides its register: the month's VAT breakdown and its totals. Both are
/// started before the register pass, so that a backend that reads concurrently (PostgreSQL: each read on its own
/// connection, all importing one snapshot) computes them while the register streams, instead of after it (a
/// million-event month on PostgreSQL: ~10 s of VAT and totals queries that would otherwise follow the register's;
/// SQLite's snapshot reads them through a second transaction of the same moment). A source that answers one query
/// at a time interleaves them with the register's pages.
struct MonthFigures: Sendable {
    private let vat: Task<[VATLine], any Error>
    private let totals: Task<MonthlyTotals, any Error>

    init(source: some RegisterReader, month: YearMonth) {
        vat = Task { try await source.vatBreakdown(in: month) }
        totals = Task { try await MonthlyTotals.of(source, month: month) }
    }

    /// The VAT breakdown and the totals, once both are read.
    func value() async throws -> (vat: [VATLine], totals: MonthlyTotals) {
        (try await vat.value, try await totals.value)
    }

    /// Stops both (a report that failed does not need them).
    func cancel() {
        vat.cancel()
        totals.cancel()
    }
}

extension ReportGenerator {
    /// Finishes a streamed summary and makes the database's totals its figures, after checking them against the
    /// stream's sums to the tiyin: a report whose summary disagrees with its own register is never written.
    ///
    /// - Throws: ``ReportError`` `totalsDiffer`, naming the first currency and figure that differ.
    func finishedSummary(
        _ builder: inout MonthlySummaryBuilder, figures: MonthFigures, month: YearMonth, chainHead: String,
        path: String?
    ) async throws -> MonthlySummary {
        let (vat, totals) = try await figures.value()
        var summary = builder.finish(chainHead: chainHead, vat: vat)
        let fromDatabase = MonthlySummaryBuilder.currencies(from: totals, month: month)
        guard totals.eventCount == summary.eventCount, fromDatabase == summary.currencies else {
            throw ReportError(
                code: .totalsDiffer,
                message: "The database's totals of \(month) differ from the sums of its register: "
                    + Self.firstDifference(database: fromDatabase, stream: summary.currencies,
                        counts: (totals.eventCount, summary.eventCount)),
                path: path)
        }
        summary.currencies = fromDatabase
        return summary
    }

    private static func firstDifference(
        database: [MonthlySummary.CurrencyTotals], stream: [MonthlySummary.CurrencyTotals], counts: (Int, Int)
    ) -> String {
        if counts.0 != counts.1 { return "\(counts.0) events in the totals, \(counts.1) in the register" }
        for currency in Currency.allCases {
            let a = database.first { $0.currency == currency }
            let b = stream.first { $0.currency == currency }
            guard a != b else { continue }
            guard let a, let b else { return "\(currency.alphaCode) is in one and not the other" }
            for event in RegisterEntry.Event.allCases where a.totals(for: event) != b.totals(for: event) {
                let x = a.totals(for: event)
                let y = b.totals(for: event)
                return "\(currency.alphaCode) \(event.rawValue): \(x.count) events, \(x.amount.decimalString) in the "
                    + "totals; \(y.count) events, \(y.amount.decimalString) in the register"
            }
            if a.notPaid != b.notPaid {
                return "\(currency.alphaCode) not paid: \(a.notPaid.amount.decimalString) in the totals, "
                    + "\(b.notPaid.amount.decimalString) in the register"
            }
            return "\(currency.alphaCode): the daily figures differ"
        }
        return "the figures differ"
    }
}
