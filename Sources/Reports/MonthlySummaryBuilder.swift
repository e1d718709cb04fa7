import Archive
import FiscalCore

/// Accumulates a ``MonthlySummary`` one register entry at a time, in constant memory (plus the capped list of
/// exception details).
public struct MonthlySummaryBuilder: Sendable {
    /// The default number of exception details kept of each kind.
    public static let defaultExceptionDetailLimit = 500

    private struct Accumulator: Sendable {
        var byEvent: [MonthlySummary.Totals]
        var notPaid: MonthlySummary.Totals
        var registerTotal: Money
        var inflow: [MonthlySummary.Totals]
        var outflow: [MonthlySummary.Totals]

        init(currency: Currency, days: Int) {
            byEvent = Array(repeating: .zero(currency), count: RegisterEntry.Event.allCases.count)
            notPaid = .zero(currency)
            registerTotal = .zero(currency)
            inflow = Array(repeating: .zero(currency), count: days)
            outflow = Array(repeating: .zero(currency), count: days)
        }
    }

    /// The month being summarised.
    public let month: YearMonth
    /// The as-of time of the report (decides overdue deadlines).
    public let asOf: Int64
    /// The most exception details kept in memory, of each kind (the first ones in register order).
    public let exceptionDetailLimit: Int
    private var accumulators: [Accumulator?] = Array(repeating: nil, count: Currency.allCases.count)
    private var exceptionCounts: [Int] = Array(repeating: 0, count: ReportException.Kind.allCases.count)
    private var exceptionDetails: [ReportException] = []
    private var exceptionDetailCounts: [Int] = Array(repeating: 0, count: ReportException.Kind.allCases.count)
    private(set) var eventCount = 0

    /// Starts an empty summary of `month`.
    public init(month: YearMonth, asOf: Int64, exceptionDetailLimit: Int = Self.defaultExceptionDetailLimit) {
        self.month = month
        self.asOf = asOf
        self.exceptionDetailLimit = max(0, exceptionDetailLimit)
    }

    /// Adds one register entry; returns the exceptions it raised (for flagging the row).
    ///
    /// - Throws: ``ReportError`` when the entry is outside the month.
    @discardableResult
    public mutating func add(_ entry: RegisterEntry) throws -> [ReportException] {
        guard month.contains(epochSeconds: entry.occurredAt) else { throw ReportError.outsideMonth(entry, month: month) }
        let currency = entry.amount.currency
        let currencyIndex = Self.index(of: currency)
        var accumulator = accumulators[currencyIndex] ?? Accumulator(currency: currency, days: month.dayCount)
        accumulators[currencyIndex] = nil  // keeps the arrays uniquely referenced while they are mutated
        let day = Int((entry.occurredAt - month.startEpochSeconds) / 86_400)
        accumulator.byEvent[Self.index(of: entry.event)].add(entry.amount)
        accumulator.registerTotal += entry.amount
        switch entry.event {
        case .payment, .p2p:
            accumulator.inflow[day].add(entry.amount)
            if RegisterRow.isNotPaid(entry.status) { accumulator.notPaid.add(entry.amount) }
        case .refund, .cancellation:
            accumulator.outflow[day].add(entry.amount)
        }
        accumulators[currencyIndex] = accumulator
        eventCount += 1

        let exceptions = ReportException.detect(in: entry, month: month, asOf: asOf)
        for exception in exceptions {
            let kind = Self.index(of: exception.kind)
            exceptionCounts[kind] += 1
            if exceptionDetailCounts[kind] < exceptionDetailLimit {
                exceptionDetailCounts[kind] += 1
                exceptionDetails.append(exception)
            }
        }
        return exceptions
    }

    /// The finished summary.
    public mutating func finish(chainHead: String, vat: [VATLine]) -> MonthlySummary {
        var currencies: [MonthlySummary.CurrencyTotals] = []
        for (index, currency) in Currency.allCases.enumerated() {
            guard let accumulator = accumulators[index] ?? (currency == .uzs ? Accumulator(currency: .uzs, days: month.dayCount) : nil)
            else { continue }
            var byEvent: [RegisterEntry.Event: MonthlySummary.Totals] = [:]
            for (eventIndex, event) in RegisterEntry.Event.allCases.enumerated() {
                byEvent[event] = accumulator.byEvent[eventIndex]
            }
            let days = (0..<month.dayCount).map {
                MonthlySummary.Day(day: $0 + 1, inflow: accumulator.inflow[$0], outflow: accumulator.outflow[$0])
            }
            currencies.append(MonthlySummary.CurrencyTotals(
                currency: currency, byEvent: byEvent, registerTotal: accumulator.registerTotal,
                notPaid: accumulator.notPaid, days: days))
        }
        var counts: [ReportException.Kind: Int] = [:]
        for (index, kind) in ReportException.Kind.allCases.enumerated() { counts[kind] = exceptionCounts[index] }
        let sortedVAT = vat.sorted { $0.rate != $1.rate ? $0.rate > $1.rate : $0.gross.currency.rawValue < $1.gross.currency.rawValue }
        return MonthlySummary(
            month: month, asOf: asOf, chainHead: chainHead, eventCount: eventCount, currencies: currencies,
            vat: sortedVAT,
            exceptions: .init(counts: counts, details: exceptionDetails, detailLimit: exceptionDetailLimit))
    }

    private static func index(of currency: Currency) -> Int {
        Currency.allCases.firstIndex(of: currency) ?? 0
    }

    private static func index(of event: RegisterEntry.Event) -> Int {
        RegisterEntry.Event.allCases.firstIndex(of: event) ?? 0
    }

    private static func index(of kind: ReportException.Kind) -> Int {
        ReportException.Kind.allCases.firstIndex(of: kind) ?? 0
    }
}
