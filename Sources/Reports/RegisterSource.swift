import Archive
import FiscalCore

/// Where a monthly report reads its events from: the archive, or an in-memory stand-in in tests and benchmarks.
///
/// The archive (`ArchiveStore`) conforms at integration. The report reads nothing else: every figure it prints comes
/// from these three calls, so the same archive gives the same report.
public protocol RegisterSource: Sendable {
    /// Streams the events of a Tashkent calendar month, ordered by `occurredAt`, then `sequence`.
    ///
    /// Every entry's `occurredAt` must fall inside `month`: refunds and cancellations are in the month they
    /// happened, payments and p2p transfers in the month of their PaySys date.
    func forEachRegisterEntry(in month: YearMonth, _ body: (RegisterEntry) throws -> Void) throws

    /// VAT of the month's archived sale receipts, one line per rate.
    func vatBreakdown(in month: YearMonth) throws -> [VATLine]

    /// The current head of the archive's integrity chain (hex), printed on the report as what it was made from.
    func chainHead() throws -> String

    /// The month's totals as the database aggregates them; the summary's figures (see ``MonthlyTotals``). Sources
    /// without a database get the default, which sums the streamed register.
    func monthlyTotals(in month: YearMonth) throws -> MonthlyTotals
}
