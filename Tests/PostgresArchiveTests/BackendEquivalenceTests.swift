import Archive
import FiscalCore
import Foundation
import SQLiteArchive
import Testing

@testable import PostgresArchive

/// The same writes in both backends give the same integrity chain, link for link: the payloads are computed by the
/// same functions from the same values, originals are compressed the same way. (Copying an archive between backends
/// relies on this.)
@Suite("PostgreSQL and SQLite agree", .enabled(if: TestServer.available, TestServer.skipReason))
struct BackendEquivalenceTests {
    /// A sequence of writes touching every kind of chain link: payments, originals, a waiting trip, a refund detected
    /// on re-check, a refund operation completed, a cancel operation failed.
    static func writes(_ store: any ArchiveStore) async throws -> [String] {
        var heads: [String] = []
        for id in 1...3 {
            try await Sample.archive(store, TransactionID(Int64(id)), amount: 10_000 * Int64(id))
            heads.append(try await store.chainHead())
        }
        _ = try await store.track([TrackRequest(id: 4, type: .p2p, vendorOrderID: "o-4")], now: 1_790_000_000)
        let job = try #require(try await store.claimJobs(limit: 1, now: 1_790_000_000, worker: "w", lease: 60).first)
        try await store.commit(
            PipelineTrip(
                payment: Sample.payment(777, date: 1_790_000_001), links: .init(url: "https://x/4", refundURLs: []),
                end: .waiting(step: .fetchReceipt, reason: "not yet", nextAttemptAt: 1_790_000_100)),
            of: 4, lease: job.lease, now: 1_790_000_002)
        heads.append(try await store.chainHead())
        try await store.recordPaymentInfo(2, Sample.payment(20_000, date: 1_790_000_000, status: .refunded), now: 1_790_100_000)
        heads.append(try await store.chainHead())
        let refund = try await store.beginOperation(
            OperationIntent(transactionID: 1, kind: .refund(Sample.uzs(4_000)), user: "alice", note: "partial"),
            now: 1_790_200_000, check: { _ in })
        try await store.completeOperation(refund.id, outcome: .succeeded(status: .refunded, mxID: "mx-9"), now: 1_790_200_010)
        let cancel = try await store.beginOperation(
            OperationIntent(transactionID: 3, kind: .cancel, user: "bob"), now: 1_790_300_000, check: { _ in })
        try await store.completeOperation(cancel.id, outcome: .failed(reason: "too late"), now: 1_790_300_005)
        heads.append(try await store.chainHead())
        return heads
    }

    @Test("the same writes give the same chain heads, and both verify")
    func sameChain() async throws {
        let sqlite = try SQLiteArchiveStore.temporary()
        let expected = try await Self.writes(sqlite)
        #expect(try await sqlite.verify().isIntact)
        try await TestServer.withStore { store, _ in
            let heads = try await Self.writes(store)
            #expect(heads == expected)
            let report = try await store.verify()
            #expect(report.isIntact, "\(report.problems)")
            let sqliteReport = try await sqlite.verify()
            #expect(report.linksChecked == sqliteReport.linksChecked)
            #expect(report.chainHead == sqliteReport.chainHead)
            // The reads agree too.
            for id in [1, 2, 3, 4].map({ TransactionID(Int64($0)) }) {
                let a = try await store.transaction(id)
                let b = try await sqlite.transaction(id)
                #expect(a == b, "transaction \(id)")
                #expect(try await store.receipts(for: id) == (try await sqlite.receipts(for: id)))
            }
            let month = try #require(YearMonth(parsing: "2026-09"))
            var pg: [RegisterEntry] = []
            var lite: [RegisterEntry] = []
            try await store.forEachRegisterEntry(in: month) { pg.append($0) }
            try await sqlite.forEachRegisterEntry(in: month) { lite.append($0) }
            #expect(pg == lite)
            #expect(try await store.vatBreakdown(in: month) == (try await sqlite.vatBreakdown(in: month)))
            #expect(try await store.lookup(.text("кофе"), limit: 10, offset: 0)
                == (try await sqlite.lookup(.text("кофе"), limit: 10, offset: 0)))
            #expect(try await store.status(now: 1_790_300_010) == (try await sqlite.status(now: 1_790_300_010)))
            try await Self.compareReads(store, sqlite)
        }
    }

    /// Every other read, after the same further writes, gives the same answer in both backends.
    static func compareReads(_ pg: any ArchiveStore, _ lite: any ArchiveStore) async throws {
        for store in [pg, lite] {
            try await store.recordInvoice(
                InvoiceRecord(
                    invoiceID: "inv-1", orderID: "o-1", vendorID: 7, amount: Sample.uzs(5_000), note: "n", status: 0,
                    paymentURL: "https://pay/1", gatewayDate: 1_790_000_000, user: "alice"),
                now: 1_790_400_000)
            try await store.setMeta("last_sync_at", "1790400001")
            _ = try await store.beginOperation(
                OperationIntent(transactionID: 2, kind: .cancel, user: "carol"), now: 1_790_400_002, check: { _ in })
            try await store.recordReceiptLink(3, url: "https://x/3b", refundURLs: ["https://x/3r"], now: 1_790_400_003)
        }
        #expect(try await pg.invoices() == (try await lite.invoices()))
        #expect(try await pg.meta("last_sync_at") == "1790400001")
        #expect(try await pg.operations(limit: 10) == (try await lite.operations(limit: 10)))
        #expect(try await pg.pendingOperations(dueBy: 1_790_500_000) == (try await lite.pendingOperations(dueBy: 1_790_500_000)))
        let pending = try #require(try await pg.pendingOperations(dueBy: nil).first)
        #expect(try await pg.statusBefore(operation: pending) == (try await lite.statusBefore(operation: pending)))
        #expect(try await pg.operation(pending.id) == (try await lite.operation(pending.id)))
        let intent = OperationIntent(transactionID: 1, kind: .refund(Sample.uzs(1)), user: "x")
        #expect(try await pg.operationContext(for: intent, now: 1_790_500_000)
            == (try await lite.operationContext(for: intent, now: 1_790_500_000)))
        for id in [1, 2, 3, 4].map({ TransactionID(Int64($0)) }) {
            #expect(try await pg.transaction(id) == (try await lite.transaction(id)), "transaction \(id)")
            #expect(try await pg.original(for: id) == (try await lite.original(for: id)), "original of \(id)")
        }
        let queries: [LookupQuery] = [
            .transaction(4), .fiscalSign(" 088681055845 "), .terminalReceipt("EP000000000058", "1020387"),
            .tin("310995649"), .tin("307578794"), .text("qahva croiss"), .text("nothing-like-this"),
            LookupQuery(.all, dates: 1_790_000_000..<1_790_000_002), LookupQuery(.all, amounts: 700...20_000),
        ]
        for query in queries {
            #expect(try await pg.lookup(query, limit: 10, offset: 0) == (try await lite.lookup(query, limit: 10, offset: 0)),
                "\(query)")
        }
        #expect(try await pg.lookup(LookupQuery(.all), limit: 2, offset: 1) == (try await lite.lookup(LookupQuery(.all), limit: 2, offset: 1)))
        #expect(try await pg.monthsWithEvents() == (try await lite.monthsWithEvents()))
        #expect(try await pg.lastChangeAt() == (try await lite.lastChangeAt()))
        #expect(try await pg.nextDueTime() == (try await lite.nextDueTime()))
        #expect(try await pg.leaseHolders(now: 1_790_000_000) == (try await lite.leaseHolders(now: 1_790_000_000)))
        #expect(try await pg.status(now: 1_790_500_000) == (try await lite.status(now: 1_790_500_000)))
        #expect(try await pg.claimRechecks(now: 1_800_000_000, horizon: RecheckSchedule.defaultHorizon, limit: 10)
            == (try await lite.claimRechecks(now: 1_800_000_000, horizon: RecheckSchedule.defaultHorizon, limit: 10)))
        #expect(try await pg.retryFailed(now: 1_800_000_001) == (try await lite.retryFailed(now: 1_800_000_001)))
        #expect(try await pg.chainHead() == (try await lite.chainHead()))
    }
}
