import Archive
import SQLiteArchive
import FiscalCore
import Foundation
import GRDB
import Sandbox
import Sync
import Testing

@Suite("Sync against the sandbox over loopback")
struct SyncIntegrationTests {
    /// Paid (or later cancelled) transactions have a receipt; failed/unpaid ones do not.
    private func expectCompleteArchive(_ harness: Harness, _ transactions: [SandboxTransaction]) async throws {
        for transaction in transactions {
            let record = try await #require(try harness.archive.transaction(transaction.id))
            if transaction.receipt != nil {
                #expect(record.state == .archived, "\(transaction.id) is \(record.state): \(record.lastError ?? "")")
                let archived = try await #require(try harness.archive.receipt(for: transaction.id))
                #expect(archived.receipt.total == transaction.amount, "\(transaction.id)")
                #expect(archived.receipt.fiscalSign == transaction.receipt?.fiscalSign)
                // exactly one payment/p2p event per transaction
                #expect(record.events.filter { $0.kind == .payment || $0.kind == .p2p }.count == 1)
            } else {
                #expect(record.state == .failed || record.state == .waiting, "\(transaction.id) is \(record.state)")
            }
        }
        let verification = try await harness.archive.verify()
        #expect(verification.problems.isEmpty, "\(verification.problems)")
    }

    @Test("an archive error counts an attempt and backs off: no hot loop, nothing of the trip half-written")
    func archiveErrorBacksOff() async throws {
        try await Harness.with(SandboxConfiguration(transactionCount: 12, recentTransactionCount: 0)) { harness in
            let transactions = try await harness.trackAll()
            // The archive refuses every receipt, as a full disk or a broken constraint would.
            let queue = try DatabaseQueue(path: harness.archivePath)
            try await queue.write { db in
                try db.execute(sql: """
                    CREATE TRIGGER refuse_receipts BEFORE INSERT ON receipts
                    BEGIN SELECT RAISE(ABORT, 'the disk says no'); END
                    """)
            }
            let before = Int64(Date().timeIntervalSince1970)
            let summary = try await harness.engine(retryInitial: 30, retryMax: 60).run()
            var refused = 0
            for transaction in transactions where transaction.receipt != nil {
                let record = try await #require(try harness.archive.transaction(transaction.id))
                #expect(record.state == .waiting, "\(transaction.id) is \(record.state)")
                #expect(record.attempts == 1, "\(transaction.id): \(record.attempts) attempts")
                #expect((record.nextAttemptAt ?? 0) >= before + 15, "\(transaction.id) retries too soon")
                if record.lastError?.contains("the disk says no") == true {
                    refused += 1
                    // The refused trip's commit wrote nothing: no payment event, no original.
                    #expect(record.events.isEmpty)
                    await #expect(try harness.archive.original(for: transaction.id) == nil)
                }
            }
            #expect(refused > 0, "no trip reached the refused commit")
            #expect(summary.progress.archived == 0)
            await #expect(try harness.archive.verify().problems.isEmpty)
        }
    }

    @Test("a whole month is archived, once, and verifies")
    func fullMonth() async throws {
        try await Harness.with(SandboxConfiguration(transactionCount: 120)) { harness in
            let transactions = try await harness.trackAll()
            let summary = try await harness.engine().run()
            #expect(summary.progress.failed == transactions.filter { $0.receipt == nil && $0.status == .error }.count)
            try await expectCompleteArchive(harness, transactions)
            // A second run finds nothing to do and changes nothing.
            let head = try await harness.archive.chainHead()
            let again = try await harness.engine().run()
            #expect(again.progress.archived == 0)
            await #expect(try harness.archive.chainHead() == head)
        }
    }

    @Test("faults on every step still end with every receipt archived exactly once")
    func faults() async throws {
        var configuration = SandboxConfiguration(transactionCount: 40)
        configuration.gatewayFaults = [
            .paymentInfo: FaultPlan(rules: [
                FaultRule(.serverError(status: 503), .probability(0.3)),
                FaultRule(.rateLimited(retryAfterSeconds: 1), .calls([3, 7])),
            ]),
            .fiscalCheque: FaultPlan(rules: [
                FaultRule(.dropConnection, .probability(0.2)),
                FaultRule(.timeout(hold: .seconds(3)), .calls([2])),
            ]),
        ]
        configuration.receiptFaults = ReceiptFaultPlan(rules: [
            FaultRule(.truncatedPage, .probability(0.15)),
            FaultRule(.serverError(status: 502), .probability(0.1)),
            FaultRule(.notYetRegistered, .probability(0.15)),
            FaultRule(.spaShell, .probability(0.15)),
        ])
        try await Harness.with(configuration, gatewayTimeout: .seconds(1)) { harness in
            let transactions = try await harness.trackAll()
            // Unpaid (status 0) seeded transactions give up after the 20 s deadline; every receipt must be in by then.
                _ = try await harness.engine(retryInitial: 1, retryMax: 1, deadline: 20).run(wait: true, maxWait: 90)
            try await expectCompleteArchive(harness, transactions)
        }
    }

    @Test("two syncs on one archive at once neither corrupt nor duplicate")
    func concurrentSyncs() async throws {
        try await Harness.with(SandboxConfiguration(transactionCount: 80)) { harness in
            let transactions = try await harness.trackAll()
            let second = try SQLiteArchiveStore(path: harness.archivePath)
            async let a = harness.engine(concurrency: 4, worker: "a").run()
            async let b = harness.engine(archive: second, concurrency: 4, worker: "b").run()
            let (first, other) = try await (a, b)
            #expect(first.progress.archived + other.progress.archived
                == transactions.filter { $0.receipt != nil }.count)
            try await expectCompleteArchive(harness, transactions)
        }
    }

    @Test("a receipt link to a foreign host is recorded as failed and never fetched")
    func foreignHost() async throws {
        var configuration = SandboxConfiguration(transactionCount: 5)
        configuration.receiptHost = "evil.example.com:8443"
        try await Harness.with(configuration) { harness in
            let transactions = try await harness.trackAll()
            _ = try await harness.engine().run()
            for transaction in transactions where transaction.receipt != nil {
                let record = try await #require(try harness.archive.transaction(transaction.id))
                #expect(record.state == .failed)
                #expect(record.lastError?.contains("allowlist") == true, "\(record.lastError ?? "")")
                await #expect(try harness.archive.original(for: transaction.id) == nil)
            }
        }
    }

    @Test("a receipt that never appears fails after the deadline, with the reason")
    func receiptDeadline() async throws {
        var configuration = SandboxConfiguration(transactionCount: 3)
        configuration.receiptFaults = ReceiptFaultPlan(rules: [FaultRule(.notYetRegistered, .always)])
        try await Harness.with(configuration) { harness in
            let transactions = try await harness.trackAll()
            _ = try await harness.engine(retryInitial: 1, retryMax: 1, deadline: 2).run(wait: true, maxWait: 30)
            for transaction in transactions where transaction.receipt != nil {
                let record = try await #require(try harness.archive.transaction(transaction.id))
                #expect(record.state == .failed)
                #expect(record.lastError?.contains("not registered") == true, "\(record.lastError ?? "")")
            }
        }
    }
}
