import Archive
import FiscalCore
import Reports



enum RandomMonth {
    /// A month of payments, p2p transfers, partial refunds and cancellations in several currencies, with events
    /// right at the month's edges, missing receipts and unknown statuses; plus events of the neighbouring months.
    static func make(month: YearMonth, count: Int, seed: UInt64) -> InMemoryRegisterReader {
        var random = SplitMix64(seed: seed)
        var entries: [RegisterEntry] = []
        var sequence: Int64 = 0
        let start = month.previous.startEpochSeconds
        let end = month.next.endEpochSeconds
        let currencies: [Currency] = [.uzs, .uzs, .uzs, .usd, .eur, .rub]
        for index in 0..<count {
            sequence += 1
            var at = Int64.random(in: start..<end, using: &random)
            if index % 17 == 0 { at = month.startEpochSeconds + Int64.random(in: -2...2, using: &random) }
            if index % 19 == 0 { at = month.endEpochSeconds + Int64.random(in: -2...2, using: &random) }
            let currency = currencies.randomElement(using: &random) ?? .uzs
            let amount = Money(minorUnits: Int64.random(in: 1...50_000_000, using: &random), currency: currency)
            let isP2P = Int.random(in: 0..<5, using: &random) == 0
            let statuses: [PaySysStatus] = [.completed, .completed, .completed, .refunded, .cancelled, .error, .created, 9]
            let status = statuses.randomElement(using: &random) ?? .completed
            let hasReceipt = Int.random(in: 0..<4, using: &random) != 0
            let receiptTotal = Int.random(in: 0..<10, using: &random) == 0
                ? Money(minorUnits: amount.minorUnits - 100, currency: currency) : amount
            let id = Int64(10_000_000 + index)
            entries.append(Fixture.entry(
                sequence, isP2P ? .p2p : .payment, id: id, at: at, amount: amount, status: status,
                vendor: "ORD-\(index)",
                receipt: hasReceipt ? Fixture.receipt(number: String(index), total: receiptTotal, vat: .zero(currency)) : nil,
                url: "https://ofd.soliq.uz/epi?t=EP1&r=\(index)&c=20261001000000&s=1",
                state: hasReceipt ? "archived" : (Bool.random(using: &random) ? "waiting" : "failed")))
            if status == .refunded {
                var left = amount.minorUnits
                for _ in 0..<Int.random(in: 1...3, using: &random) where left > 1 {
                    sequence += 1
                    let part = Int64.random(in: 1...left, using: &random)
                    left -= part
                    let when = at + Int64.random(in: 60...(40 * 86_400), using: &random)
                    entries.append(Fixture.entry(
                        sequence, .refund, id: id, type: isP2P ? .p2p : .payment, at: when,
                        amount: Money(minorUnits: -part, currency: currency), status: status,
                        receipt: Bool.random(using: &random)
                            ? Fixture.receipt(total: Money(minorUnits: part, currency: currency), vat: .zero(currency), kind: .refund)
                            : nil,
                        related: at, source: .operation))
                }
            } else if status == .cancelled {
                sequence += 1
                entries.append(Fixture.entry(
                    sequence, .cancellation, id: id, type: isP2P ? .p2p : .payment,
                    at: at + Int64.random(in: 60...(7 * 86_400), using: &random), amount: -amount, status: status,
                    related: at, source: .detected))
            }
        }
        return InMemoryRegisterReader(entries: entries)
    }
}
