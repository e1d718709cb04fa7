import Archive
import ArchiveTestSupport
import SQLiteArchive
import FiscalCore
import Foundation
import Synchronization
import Testing

struct Refusal: Error, Equatable {
    var message: String
}

/// The refund rule as the lead's guard would write it.
func refundGuard(_ context: OperationContext) throws {
    guard case .refund(let amount) = context.intent.kind else { return }
    guard let remaining = context.remainingRefundable else { throw Refusal(message: "no payment info") }
    guard amount.minorUnits <= remaining.minorUnits else {
        throw Refusal(message: "refund \(amount) exceeds the remaining \(remaining)")
    }
}

@Suite struct OperationsTests {
    @Test(arguments: TestBackend.available) func refusalWritesNothing(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        try await Sample.archive(store, 1, amount: 100_00)
        let head = try await store.chainHead()
        await #expect(throws: Refusal.self) {
            try await store.beginOperation(
                OperationIntent(transactionID: 1, kind: .refund(Sample.uzs(100_01))), now: 10, check: refundGuard)
        }
        await #expect(try store.operations(limit: 10).isEmpty)
        await #expect(try store.chainHead() == head)
        await #expect(try store.verify().isIntact)
    }

    @Test(arguments: TestBackend.available) func contextCountsDoneAndPendingRefunds(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        try await Sample.archive(store, 1, amount: 100_00)
        let done = try await store.beginOperation(
            OperationIntent(transactionID: 1, kind: .refund(Sample.uzs(30_00)), user: "bob"), now: 1, check: refundGuard)
        #expect(done.state == .pending)
        #expect(done.user == "bob")
        try await store.completeOperation(done.id, outcome: .succeeded(status: .refunded, mxID: "m1"), now: 2)
        let pending = try await store.beginOperation(
            OperationIntent(transactionID: 1, kind: .refund(Sample.uzs(20_00))), now: 3, check: refundGuard)
        try await store.completeOperation(pending.id, outcome: .unknown(reason: "connection dropped", nextCheckAt: nil), now: 4)
        await #expect(try store.pendingOperations().map(\.id) == [pending.id])
        await #expect(try store.pendingOperations().first?.reason == "connection dropped")

        let seenBox = Mutex<OperationContext?>(nil)
        _ = try await store.beginOperation(
            OperationIntent(transactionID: 1, kind: .refund(Sample.uzs(50_00))), now: 5
        ) { context in
            seenBox.withLock { $0 = context }
            try refundGuard(context)
        }
        let seen = seenBox.withLock { $0 }
        #expect(seen?.refundedSoFar == Sample.uzs(30_00))
        #expect(seen?.pendingRefunds == Sample.uzs(20_00))
        #expect(seen?.remainingRefundable == Sample.uzs(50_00))
        await #expect(throws: Refusal.self) {
            try await store.beginOperation(
                OperationIntent(transactionID: 1, kind: .refund(Sample.uzs(1))), now: 6, check: refundGuard)
        }
        // The pending refund turns out not to have happened: its amount is free again.
        try await store.completeOperation(pending.id, outcome: .failed(reason: "not applied"), now: 7)
        _ = try await store.beginOperation(
            OperationIntent(transactionID: 1, kind: .refund(Sample.uzs(20_00))), now: 8, check: refundGuard)
        await #expect(try store.verify().isIntact)
    }

    @Test(arguments: TestBackend.available) func succeededOperationAddsItsEventExactlyOnce(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        try await Sample.archive(store, 1, amount: 100_00)
        let cancel = try await store.beginOperation(OperationIntent(transactionID: 1, kind: .cancel), now: 10) { context in
            #expect(!context.cancellationDone)
        }
        #expect(cancel.amount == Sample.uzs(100_00))
        // A re-check that sees status 3 while the cancel is pending does not invent a detected cancellation.
        try await store.recordPaymentInfo(1, Sample.payment(100_00, date: 1_790_000_000, status: .cancelled), now: 11)
        try await store.completeOperation(cancel.id, outcome: .succeeded(status: .cancelled, mxID: "mx"), now: 12)
        try await store.completeOperation(cancel.id, outcome: .succeeded(status: .cancelled, mxID: "mx"), now: 13)
        await #expect(throws: ArchiveError.self) {
            try await store.completeOperation(cancel.id, outcome: .failed(reason: "late"), now: 14)
        }
        let events = try await store.events(of: 1)
        #expect(events.map(\.kind) == [.payment, .cancellation])
        #expect(events[1].source == .operation)
        #expect(events[1].operationID == cancel.id)
        #expect(events[1].amount == Sample.uzs(-100_00))
        let seen = Mutex<OperationContext?>(nil)
        await #expect(throws: Refusal.self) {
            try await store.beginOperation(OperationIntent(transactionID: 1, kind: .cancel), now: 15) { context in
                seen.withLock { $0 = context }
                if context.cancellationDone { throw Refusal(message: "already cancelled") }
            }
        }
        #expect(seen.withLock { $0 }?.cancellationDone == true)
        let record = try await #require(try store.operation(cancel.id))
        #expect(record.state == .succeeded)
        #expect(record.resultStatus == .cancelled)
        await #expect(try store.verify().isIntact)
    }

    @Test(arguments: TestBackend.available) func unknownTransactionIsNotRecorded(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        let tracked = Mutex<Bool?>(nil)
        await #expect(throws: ArchiveError.self) {
            try await store.beginOperation(OperationIntent(transactionID: 99, kind: .cancel), now: 1) { context in
                tracked.withLock { $0 = context.isTracked }
            }
        }
        #expect(tracked.withLock { $0 } == false)
        await #expect(try store.operations(limit: 5).isEmpty)
    }

    @Test func racingRefundsForTheLastAmountExactlyOnePasses() async throws {
        for round in 0..<5 {
            let first = try SQLiteArchiveStore.temporary()
            let second = try SQLiteArchiveStore(path: first.path)
            try await Sample.archive(first, 1, amount: 100_00)
            let done = try await first.beginOperation(
                OperationIntent(transactionID: 1, kind: .refund(Sample.uzs(60_00))), now: 1, check: refundGuard)
            try await first.completeOperation(done.id, outcome: .succeeded(status: .refunded, mxID: nil), now: 2)
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for store in [first, second, first, second] {
                    group.addTask {
                        do {
                            _ = try await store.beginOperation(
                                OperationIntent(transactionID: 1, kind: .refund(Sample.uzs(40_00)), note: "round \(round)"),
                                now: 3, check: refundGuard)
                            return true
                        } catch is Refusal {
                            return false
                        }
                    }
                }
                var results: [Bool] = []
                for try await passed in group { results.append(passed) }
                return results
            }
            #expect(outcomes.filter { $0 }.count == 1)
            await #expect(try first.pendingOperations().count == 1)
        }
    }

    @Test(arguments: TestBackend.available) func invoicesRoundTrip(backend: TestBackend) async throws {
        let store = try await backend.makeArchive()
        let invoice = InvoiceRecord(
            invoiceID: "77", orderID: "A-1", vendorID: 5, amount: Sample.uzs(1_000_22), note: "Заказ №1",
            status: 0, paymentURL: "https://paysys.uz/pay/77", gatewayDate: 100, user: "carol")
        try await store.recordInvoice(invoice, now: 200)
        var expected = invoice
        expected.createdAt = 200
        await #expect(try store.invoices() == [expected])
    }
}
