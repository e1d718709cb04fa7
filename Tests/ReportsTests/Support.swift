import Archive
import FiscalCore
import Foundation
import Reports

/// A register held in an array: filters by month and orders like the archive (occurred_at, then sequence).
struct InMemoryRegisterReader: RegisterReader {
    var entries: [RegisterEntry]
    var vat: [VATLine] = []
    var head = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"

    func forEachRegisterEntry(in month: YearMonth, _ body: (RegisterEntry) throws -> Void) throws {
        let selected = entries.filter { month.contains(epochSeconds: $0.occurredAt) }
            .sorted { ($0.occurredAt, $0.sequence) < ($1.occurredAt, $1.sequence) }
        for entry in selected { try body(entry) }
    }

    func vatBreakdown(in month: YearMonth) -> [VATLine] { vat }

    func chainHead() -> String { head }

    func lastChangeAt() -> Int64? { entries.map(\.occurredAt).max() }
}

/// A source that streams whatever it holds, without filtering: to check the reports reject foreign rows.
struct UnfilteredRegisterReader: RegisterReader {
    var entries: [RegisterEntry]
    func forEachRegisterEntry(in month: YearMonth, _ body: (RegisterEntry) throws -> Void) throws {
        for entry in entries { try body(entry) }
    }
    func vatBreakdown(in month: YearMonth) -> [VATLine] { [] }
    func chainHead() -> String { "head" }
    func lastChangeAt() -> Int64? { nil }
}

enum Fixture {
    static let october = YearMonth(year: 2026, month: 10)

    /// Unix seconds of a Tashkent wall-clock time.
    static func at(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 12, _ minute: Int = 0, _ second: Int = 0) -> Int64 {
        Tashkent.LocalDateTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second).epochSeconds
    }

    static func uzs(_ text: String) -> Money {
        // Tests only: the fixtures are literals.
        try! Money(parsing: text, currency: .uzs)
    }

    static func money(_ text: String, _ currency: Currency) -> Money {
        try! Money(parsing: text, currency: currency)
    }

    static func receipt(
        sign: String? = "088681055845", terminal: String = "EP000000000510", number: String = "104636849",
        total: Money, vat: Money, tin: String? = "310995649", kind: FiscalReceipt.Kind = .sale
    ) -> RegisterEntry.ReceiptSummary {
        .init(fiscalSign: sign, terminalID: terminal, receiptNumber: number, total: total, vatAmount: vat,
              commissionerTIN: tin, kind: kind)
    }

    static func entry(
        _ sequence: Int64, _ event: RegisterEntry.Event, id: Int64, type: TransactionType? = nil, at: Int64,
        amount: Money, status: PaySysStatus = .completed, vendor: String? = nil,
        receipt: RegisterEntry.ReceiptSummary? = nil, url: String? = nil, related: Int64? = nil,
        source: RegisterEntry.Source = .gateway, note: String? = nil, state: String = "archived",
        reason: String? = nil
    ) -> RegisterEntry {
        RegisterEntry(
            sequence: sequence, event: event, transactionID: TransactionID(id),
            transactionType: type ?? (event == .p2p ? .p2p : .payment), occurredAt: at, amount: amount,
            status: status, vendorOrderID: vendor, receipt: receipt, receiptURL: url,
            relatedTransactionDate: related, source: source, note: note, pipelineState: state,
            pipelineReason: reason)
    }

    /// The hand-built October 2026 of the golden files, plus one event on each side of the month.
    static var goldenMonth: InMemoryRegisterReader {
        let paymentTime = at(2026, 10, 1, 0, 0, 30)
        let p2pTime = at(2026, 10, 5, 14, 3, 12)
        let entries: [RegisterEntry] = [
            entry(1, .payment, id: 11_424_100, at: at(2026, 9, 28, 18, 30), amount: uzs("10000.00"),
                  status: .refunded, vendor: "ORD-0999"),
            entry(2, .payment, id: 11_424_101, at: at(2026, 9, 30, 23, 59), amount: uzs("7000.00"),
                  vendor: "ORD-1000"),
            entry(3, .payment, id: 11_424_156, at: paymentTime, amount: uzs("150000.00"), status: .refunded,
                  vendor: "ORD-1001",
                  receipt: receipt(total: uzs("150000.00"), vat: uzs("16071.43")),
                  url: "https://ofd.soliq.uz/epi?t=EP000000000510&r=104636849&c=20261001000030&s=088681055845"),
            entry(4, .p2p, id: 11_424_157, at: p2pTime, amount: uzs("50000.00"), status: .cancelled,
                  receipt: receipt(sign: "123456789012", terminal: "EP000000000511", number: "7", total: uzs("50000.00"),
                                   vat: uzs("0.00"), tin: nil),
                  url: "https://ofd.soliq.uz/epi?t=EP000000000511&r=7&c=20261005140312&s=123456789012"),
            entry(5, .payment, id: 11_424_158, at: at(2026, 10, 10, 9, 15), amount: money("1000.22", .usd),
                  vendor: "A,B \"quoted\"", url: "https://ofd.soliq.uz/epi?t=EP000000000510&r=104636850&c=20261010091500&s=1",
                  note: "receipt not registered yet", state: "waiting", reason: "not registered yet"),
            entry(6, .refund, id: 11_424_156, at: at(2026, 10, 12, 10, 0), amount: uzs("-50000.00"),
                  status: .refunded, vendor: "ORD-1001",
                  receipt: receipt(sign: "088681055999", number: "104636900", total: uzs("50000.00"),
                                   vat: uzs("5357.14"), kind: .refund),
                  related: paymentTime, source: .operation, note: "operation 42"),
            entry(7, .cancellation, id: 11_424_157, type: .p2p, at: at(2026, 10, 15, 8, 45, 5), amount: uzs("-50000.00"),
                  status: .cancelled, related: p2pTime, source: .detected),
            entry(8, .refund, id: 11_424_100, at: at(2026, 10, 20, 12, 0), amount: uzs("-10000.00"),
                  status: .refunded, vendor: "ORD-0999", related: at(2026, 9, 28, 18, 30), source: .operation),
            entry(9, .payment, id: 11_424_160, at: at(2026, 10, 25, 16, 20), amount: uzs("3000.00"),
                  status: PaySysStatus(rawValue: 7), vendor: "<script>alert(1)</script>", state: "failed",
                  reason: "receipt page not found"),
            entry(10, .payment, id: 11_424_159, at: at(2026, 10, 31, 23, 59), amount: uzs("20000.00"),
                  vendor: "=HYPERLINK(\"http://x\")",
                  receipt: receipt(sign: "000000000001", number: "104637000", total: uzs("19000.00"), vat: uzs("2035.71")),
                  url: "javascript:alert(1)"),
            entry(11, .payment, id: 11_424_161, at: at(2026, 11, 1, 0, 0, 30), amount: uzs("8000.00"),
                  vendor: "ORD-1100"),
        ]
        return InMemoryRegisterReader(
            entries: entries,
            vat: [
                VATLine(rate: ExactDecimal(0), gross: uzs("50000.00"), vat: uzs("0.00"), itemCount: 1),
                VATLine(rate: ExactDecimal(12), gross: uzs("169000.00"), vat: uzs("18107.14"), itemCount: 3),
            ])
    }

    /// A unique temporary folder for one test.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "reports-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static let asOf = at(2026, 11, 1, 0, 5)

    /// The folder of this test file, for golden files.
    static var goldenDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden").path
    }
}

extension Array where Element == UInt8 {
    var text: String { String(decoding: self, as: UTF8.self) }
}

func readBytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}
