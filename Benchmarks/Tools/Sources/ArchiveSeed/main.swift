import Archive
import SQLiteArchive
import FiscalCore
import Foundation

// Seeds an archive with one month of N register events through `ArchiveStore.importBulk` (the archive's own
// statements and integrity chain; no gateway), with a realistic mix:
// - payments (85 %) and p2p transfers (15 %) spread over the month in time order, amounts 1,000–2,000,000 so'm;
// - sale receipts with 1–3 items at VAT 12 %, 0 % and without VAT; some receipts in the next month (payments
//   near midnight of the last day), some whose total differs from the payment;
// - payments without a receipt (waiting, failed, an SPA shell), payments never paid (status -1 and 0);
// - refunds (3 %) and cancels (1.5 %) through this tool, most with a refund receipt; refunds and cancellations
//   seen only on re-check (status 6 and 3), some with a refund receipt that tells the amount.
// Deterministic: the same --seed, month and count give the same archive.
//
// Usage: ArchiveSeed --archive PATH --month YYYY-MM --events N [--seed S] [--batch B]

struct Options {
    var archive = ""
    var month = YearMonth(year: 2026, month: 10)
    var events = 100_000
    var seed: UInt64 = 16
    var batch = 2_000

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var index = 1
        func value() -> String {
            index += 1
            guard index < arguments.count else { fail("\(arguments[index - 1]) needs a value") }
            return arguments[index]
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--archive": options.archive = value()
            case "--month":
                let text = value()
                guard let month = YearMonth(parsing: text) else { fail("--month \(text) is not YYYY-MM") }
                options.month = month
            case "--events":
                let text = value().replacingOccurrences(of: "_", with: "")
                guard let count = Int(text), count > 0 else { fail("--events \(text) is not a positive count") }
                options.events = count
            case "--seed":
                let text = value()
                guard let seed = UInt64(text) else { fail("--seed \(text) is not a number") }
                options.seed = seed
            case "--batch":
                let text = value()
                guard let batch = Int(text), batch > 0 else { fail("--batch \(text) is not a positive count") }
                options.batch = batch
            case "-h", "--help":
                print("Usage: ArchiveSeed --archive PATH --month YYYY-MM --events N [--seed S] [--batch B]")
                exit(0)
            default: fail("unknown argument \(arguments[index])")
            }
            index += 1
        }
        guard !options.archive.isEmpty else { fail("--archive PATH is required") }
        return options
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("ArchiveSeed: \(message)\n".utf8))
    exit(2)
}

/// Builds the transactions of the month one at a time.
struct MonthGenerator {
    let month: YearMonth
    let totalEvents: Int
    var random: SplitMix64
    private(set) var eventsMade = 0
    private var nextID: Int64 = 50_000_000
    private var receiptNumber = 0

    init(month: YearMonth, events: Int, seed: UInt64) {
        self.month = month
        totalEvents = events
        random = SplitMix64(seed: seed)
    }

    var isDone: Bool { eventsMade >= totalEvents }

    mutating func percent(_ p: Double) -> Bool { Double(random.below(1_000_000)) < p * 10_000 }

    /// Whole-percent rates (scale 0): 12 % most often, then 0 % and items without VAT.
    static let vatRates: [ExactDecimal?] = [ExactDecimal(12), ExactDecimal(12), ExactDecimal(12), ExactDecimal(0), nil]

    mutating func receipt(kind: FiscalReceipt.Kind, total: Money, issuedAt: Int64, id: TransactionID) throws
        -> PreparedOriginal
    {
        receiptNumber += 1
        let itemCount = Int(random.below(3)) + 1
        var items: [ReceiptItem] = []
        var left = total.minorUnits
        var vatTotal: Int64 = 0
        for index in 0..<itemCount {
            let line = index == itemCount - 1 ? left : left / Int64(itemCount - index) / 100 * 100
            left -= line
            let rate = Self.vatRates[Int(random.below(Int64(Self.vatRates.count)))]
            // VAT included in the line: line × rate / (100 + rate), to the tiyin.
            let vat = rate.map { r in line * r.significand / (100 + r.significand) } ?? 0
            vatTotal += vat
            items.append(ReceiptItem(
                name: ["Xizmat haqi", "Tovar", "Yetkazib berish", "Obuna"][index % 4], quantity: ExactDecimal(1),
                lineTotal: Money(minorUnits: line, currency: .uzs), discount: .zero(.uzs), other: .zero(.uzs),
                vatRate: rate, vatAmount: Money(minorUnits: vat, currency: .uzs),
                mxikCode: "10305001001000000", unit: "dona"))
        }
        let terminal = "UZ\(170_000_000_000 + random.below(40))"
        let number = String(receiptNumber)
        let fiscal = kind == .refund ? nil : String(100_000_000_000 + random.below(900_000_000_000))
        let fiscalReceipt = FiscalReceipt(
            kind: kind, source: .json, terminalID: terminal, receiptNumber: number, fiscalSign: fiscal,
            issuedAt: Date(timeIntervalSince1970: TimeInterval(issuedAt)),
            seller: .init(name: "Mega Planet MChJ", tin: "305123456", address: "Toshkent sh., Chilonzor t."),
            marketplace: nil, cashRegister: nil, items: items, payment: .init(cash: nil, card: total),
            total: total, vatTotal: Money(minorUnits: vatTotal, currency: .uzs))
        let url = "https://ofd.soliq.uz/check?t=\(terminal)&r=\(number)&c=\(issuedAt)&s=\(fiscal ?? "0")"
        let bytes = Array("{\"terminal\":\"\(terminal)\",\"number\":\"\(number)\",\"kind\":\"\(kind.rawValue)\",\"total\":\(total.minorUnits),\"id\":\(id.rawValue)}".utf8)
        return try PreparedOriginal(
            OriginalDocument(
                bytes: bytes, url: url, httpStatus: 200, contentType: "application/json", fetchedAt: issuedAt + 60,
                format: .json),
            parsed: try ParsedOriginal(receipt: fiscalReceipt, warnings: [], for: id))
    }

    /// The next transaction and the number of register events it makes.
    mutating func next() throws -> BulkTransaction {
        let start = month.startEpochSeconds
        let span = month.endEpochSeconds - start
        // Payments in time order across the month; their follow-ups later, clamped inside the month.
        let last = month.endEpochSeconds - 1
        let at = min(start + span * Int64(eventsMade) / Int64(totalEvents) + random.below(60), last - 3_600)
        func later(_ seconds: Int64) -> Int64 { min(at + 60 + seconds, last) }
        nextID += 1 + random.below(3)
        let id = TransactionID(nextID)
        let type: TransactionType = percent(15) ? .p2p : .payment
        let amount = Money(minorUnits: (1_000 + random.below(1_999_000)) * 100, currency: .uzs)
        var status: PaySysStatus = .completed
        if percent(0.5) { status = .error } else if percent(0.5) { status = .created }
        let paid = status == .completed
        let remaining = totalEvents - eventsMade
        var events = 1
        let payment = PaymentSnapshot(
            amount: amount, status: status, date: at, vendorOrderID: "ORD-\(nextID)", bankTransactionID: nil,
            mxID: "MX\(nextID)")
        let receiptURL = "https://ofd.soliq.uz/epi?t=UZ17&r=\(nextID)"
        var trip = PipelineTrip(payment: payment, links: .init(url: receiptURL, refundURLs: []), end: .archived)
        var operations: [BulkTransaction.Operation] = []
        var rechecks: [BulkTransaction.Recheck] = []
        if !paid {
            trip.links = nil
            trip.end = .waiting(step: .paymentInfo, reason: "status \(status.rawValue): not paid", nextAttemptAt: at + 3_600)
        } else if percent(1.0) {
            trip.end = .waiting(step: .fetchReceipt, reason: "receipt not registered yet (HTTP 404)", nextAttemptAt: at + 600)
        } else if percent(0.5) {
            trip.end = .failed(step: .parseReceipt, reason: "spa-shell: the page is an empty application shell")
        } else {
            // Payments near midnight of the last day get their receipt dated in the next month.
            let issued = at + 30 + random.below(240)
            var receiptTotal = amount
            if percent(0.3) { receiptTotal = amount + Money(minorUnits: 100 * (1 + random.below(50)), currency: .uzs) }
            trip.originals = [try receipt(kind: .sale, total: receiptTotal, issuedAt: issued, id: id)]
            // Follow-ups: refunds and cancels through this tool, and ones seen only on re-check.
            if remaining >= 2 {
                let draw = random.below(10_000)
                if draw < 300 {
                    let refund = Money(minorUnits: max(100, amount.minorUnits / 100 * (10 + random.below(80))), currency: .uzs)
                    let time = later(random.below(5 * 86_400))
                    operations.append(.init(
                        intent: OperationIntent(transactionID: id, kind: .refund(refund), user: "seed", statusBefore: .completed),
                        createdAt: time - 5, outcome: .succeeded(status: .completed, mxID: "MXR\(nextID)"), completedAt: time))
                    if percent(70) {
                        trip.originals.append(try receipt(kind: .refund, total: refund, issuedAt: time + 120, id: id))
                        trip.links?.refundURLs = [receiptURL + "&refund=1"]
                    }
                    events += 1
                } else if draw < 450 {
                    let time = later(random.below(86_400))
                    operations.append(.init(
                        intent: OperationIntent(transactionID: id, kind: .cancel, user: "seed", statusBefore: .completed),
                        createdAt: time - 5, outcome: .succeeded(status: .cancelled, mxID: "MXC\(nextID)"), completedAt: time))
                    if percent(50) {
                        trip.originals.append(try receipt(kind: .refund, total: amount, issuedAt: time + 120, id: id))
                    }
                    events += 1
                } else if draw < 480 {
                    // Refunded outside this tool: status 6 on re-check; half the time its refund receipt is archived.
                    let time = later(random.below(3 * 86_400))
                    var info = payment
                    info.status = .refunded
                    rechecks.append(.init(info: info, at: time))
                    if percent(50) {
                        trip.originals.append(try receipt(
                            kind: .refund, total: Money(minorUnits: amount.minorUnits / 2 / 100 * 100, currency: .uzs),
                            issuedAt: time - 600, id: id))
                    }
                    events += 1
                } else if draw < 500 {
                    let time = later(random.below(86_400))
                    var info = payment
                    info.status = .cancelled
                    rechecks.append(.init(info: info, at: time))
                    events += 1
                }
            }
        }
        eventsMade += events
        return BulkTransaction(
            request: TrackRequest(id: id, type: type, vendorOrderID: "ORD-\(nextID)"), trackedAt: at, trip: trip,
            tripAt: at + 300, operations: operations, rechecks: rechecks)
    }
}

let options = Options.parse(CommandLine.arguments)
guard !FileManager.default.fileExists(atPath: options.archive) else {
    fail("\(options.archive) exists; seed into a new file")
}
let clock = ContinuousClock()
let started = clock.now
do {
    let archive = try SQLiteArchiveStore(path: options.archive)
    var generator = MonthGenerator(month: options.month, events: options.events, seed: options.seed)
    var transactions = 0
    var lastReport = 0
    while !generator.isDone {
        var batch: [BulkTransaction] = []
        batch.reserveCapacity(options.batch)
        while batch.count < options.batch, !generator.isDone {
            batch.append(try generator.next())
        }
        try await archive.importBulk(batch)
        transactions += batch.count
        if generator.eventsMade - lastReport >= 100_000 {
            lastReport = generator.eventsMade
            FileHandle.standardError.write(Data("  \(generator.eventsMade) events, \(clock.now - started)\n".utf8))
        }
    }
    try await archive.setMeta("seeded", "\(options.month) \(generator.eventsMade) events seed \(options.seed)")
    print("seeded \(options.archive): \(options.month), \(generator.eventsMade) events in \(transactions) transactions, "
        + "\(clock.now - started)")
} catch {
    fail("\(error)")
}
