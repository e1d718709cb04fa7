import Archive
import FiscalCore
import Reports

/// A month of `count` synthetic events made on the fly, one at a time: nothing is held in memory, so the
/// benchmark measures the report's memory, not the input's.
///
/// The mix: 70 % payments, 15 % p2p, 10 % partial refunds, 5 % cancellations; 8 % in USD; about 4 % without a
/// receipt, 1 % with a receipt total that differs, a few unknown statuses. Deterministic for a given count.
struct SyntheticRegisterReader: RegisterReader {
    let count: Int

    func forEachRegisterEntry(in month: YearMonth, _ body: (RegisterEntry) throws -> Void) throws {
        let span = month.endEpochSeconds - month.startEpochSeconds
        for index in 0..<count {
            try body(entry(index, month: month, span: span))
        }
    }

    func vatBreakdown(in month: YearMonth) throws -> [VATLine] {
        let sales = Int64(count) * 85 / 100
        return [
            VATLine(rate: ExactDecimal(12), gross: Money(minorUnits: sales * 9_500_000, currency: .uzs),
                    vat: Money(minorUnits: sales * 1_017_857, currency: .uzs), itemCount: Int(sales) * 2),
            VATLine(rate: ExactDecimal(0), gross: Money(minorUnits: sales * 500_000, currency: .uzs),
                    vat: .zero(.uzs), itemCount: Int(sales) / 3),
        ]
    }

    func chainHead() throws -> String { "9f2c6a1d3b4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8" }

    private func entry(_ index: Int, month: YearMonth, span: Int64) -> RegisterEntry {
        var hash = UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15
        hash ^= hash >> 29
        let roll = Int(hash % 100)
        let at = month.startEpochSeconds + span * Int64(index) / Int64(max(count, 1))
        let currency: Currency = hash % 13 == 0 ? .usd : .uzs
        let minor = Int64(100_000 + (hash >> 8) % 5_000_000) * (currency == .usd ? 1 : 100)
        let amount = Money(minorUnits: minor, currency: currency)
        let id = TransactionID(Int64(20_000_000 + index))
        let event: RegisterEntry.Event = roll < 70 ? .payment : roll < 85 ? .p2p : roll < 95 ? .refund : .cancellation
        let signed = event == .refund ? Money(minorUnits: -minor / 3, currency: currency)
            : event == .cancellation ? -amount : amount
        let hasReceipt = (hash >> 20) % 25 != 0
        let mismatch = (hash >> 24) % 100 == 0
        let status: PaySysStatus = (hash >> 32) % 5_000 == 0 ? 7
            : event == .refund ? .refunded : event == .cancellation ? .cancelled : .completed
        let number = String(100_000_000 + index)
        let receipt = hasReceipt
            ? RegisterEntry.ReceiptSummary(
                fiscalSign: String(800_000_000_000 + Int64(index)), terminalID: "EP000000000510", receiptNumber: number,
                total: mismatch ? Money(minorUnits: signed.minorUnits.magnitude > 100 ? Int64(signed.minorUnits.magnitude) - 100 : 1, currency: currency)
                    : Money(minorUnits: Int64(signed.minorUnits.magnitude), currency: currency),
                vatAmount: Money(minorUnits: Int64(signed.minorUnits.magnitude) * 12 / 112, currency: currency),
                commissionerTIN: "310995649", kind: event == .payment || event == .p2p ? .sale : .refund)
            : nil
        return RegisterEntry(
            sequence: Int64(index + 1), event: event, transactionID: id,
            transactionType: event == .p2p ? .p2p : .payment, occurredAt: at, amount: signed, status: status,
            vendorOrderID: "ORD-\(index)", receipt: receipt,
            receiptURL: "https://ofd.soliq.uz/epi?t=EP000000000510&r=\(number)&c=20261015120000&s=\(800_000_000_000 + Int64(index))",
            relatedTransactionDate: event == .refund || event == .cancellation ? at - 3_600 : nil,
            source: event == .refund ? .operation : .gateway, note: nil,
            pipelineState: hasReceipt ? "archived" : "waiting", pipelineReason: hasReceipt ? nil : "not registered yet")
    }
}
