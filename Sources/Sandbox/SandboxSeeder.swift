import FiscalCore
import Foundation

extension SplitMix64 {
    /// A uniform integer in `range`.
    mutating func int(in range: ClosedRange<Int64>) -> Int64 {
        let width = UInt64(range.upperBound - range.lowerBound) &+ 1
        return width == 0 ? Int64(bitPattern: next()) : range.lowerBound + Int64(next() % width)
    }

    /// A percentage draw, 0…99.
    mutating func percent() -> Int { Int(next() % 100) }
}

/// Generates a month of transactions from a seed.
enum SandboxSeeder {
    /// The sandbox's virtual cash registers.
    static let terminals = ["EP000000000510", "EP000000000058", "EP000000001207"]

    struct Output {
        var transactions: [SandboxTransaction]
        var nextTransactionID: Int64
        var nextReceiptNumbers: [String: Int64]
    }

    /// A 12-digit fiscal sign; about one in eight starts with a zero.
    static func fiscalSign(_ random: inout SplitMix64) -> String {
        let value = random.percent() < 12 ? random.int(in: 1...99_999_999_999) : random.int(in: 100_000_000_000...999_999_999_999)
        let digits = String(value)
        return String(repeating: "0", count: 12 - digits.count) + digits
    }

    static func generate(configuration: SandboxConfiguration, random: inout SplitMix64) -> Output {
        let month = configuration.month
        let start = month.startEpochSeconds
        let end = month.endEpochSeconds
        var dates: [Int64] = []
        let count = max(0, configuration.transactionCount)
        // The edges of the month first: 00:00:xx on the 1st and 23:59:xx on the last day.
        let edges: [Int64] = [start + random.int(in: 0...59), end - 60 + random.int(in: 0...58), start, end - 1]
        let edgeSet = Set(edges.prefix(count))
        dates += edges.prefix(count)
        while dates.count < count { dates.append(random.int(in: start...(end - 1))) }
        dates.sort()
        let now = configuration.nowEpochSeconds
        var recent: [Int64] = (0..<max(0, configuration.recentTransactionCount)).map { _ in now - random.int(in: 600...(72 * 3600)) }
        recent.sort()

        var nextID: Int64 = 11_400_000 + Int64(configuration.seed % 10_000) * 10
        var receiptNumbers: [String: Int64] = [:]
        for terminal in terminals { receiptNumbers[terminal] = random.int(in: 1_020_000...1_090_000) }
        var transactions: [SandboxTransaction] = []
        for (index, date) in (dates + recent).enumerated() {
            nextID += random.int(in: 1...37)
            let type: TransactionType = random.percent() < 85 ? .payment : .p2p
            let amount = Money(minorUnits: amountInTiyin(&random), currency: .uzs)
            let statusDraw = random.percent()
            // The month's edge transactions are always paid, so that their receipts exist.
            let status: PaySysStatus = edgeSet.contains(date) || index >= dates.count ? .completed
                : statusDraw < 3 ? .created : statusDraw < 5 ? .error : .completed
            var receipt: SandboxReceiptSpec?
            if status == .completed {
                let terminal = terminals[Int(random.next() % UInt64(terminals.count))]
                let number = receiptNumbers[terminal, default: 1_020_000]
                receiptNumbers[terminal] = number + random.int(in: 1...9)
                receipt = SandboxReceiptSpec(
                    kind: .sale, terminalID: terminal, receiptNumber: String(number), fiscalSign: fiscalSign(&random),
                    issuedAt: Tashkent.local(epochSeconds: date), total: amount, seed: random.next(),
                    commissionerTIN: configuration.merchantTIN)
            }
            transactions.append(SandboxTransaction(
                id: TransactionID(nextID), type: type, amount: amount,
                vendorUserID: String(date * 1000 + random.int(in: 0...999)),
                bankTransactionID: 137_600_000 + random.int(in: 0...399_999), status: status, date: date,
                receipt: receipt))
        }
        return Output(transactions: transactions, nextTransactionID: nextID + 1, nextReceiptNumbers: receiptNumbers)
    }

    /// A realistic UZS amount: mostly round sums of a few thousand to a million so'm, some large, a few with tiyin.
    static func amountInTiyin(_ random: inout SplitMix64) -> Int64 {
        let draw = random.percent()
        let som: Int64
        switch draw {
        case 0..<40: som = random.int(in: 10...300) * 500
        case 40..<75: som = random.int(in: 150...1_000) * 1_000
        case 75..<92: som = random.int(in: 1_000...5_000) * 1_000
        default: som = random.int(in: 1_000...20_000_000)
        }
        let tiyin: Int64 = draw >= 95 ? random.int(in: 1...99) : 0
        return som * 100 + tiyin
    }
}
