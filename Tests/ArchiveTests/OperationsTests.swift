import Archive
import FiscalCore
import Foundation
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
    @Test func refusalWritesNothing() throws {
        let store = try ArchiveStore.temporary()
        try Sample.archive(store, 1, amount: 100_00)
        let head = try store.chainHead()
        #expect(throws: Refusal.self) {
            try store.beginOperation(
                OperationIntent(transactionID: 1, kind: .refund(Sample.uzs(100_01))), now: 10, check: refundGuard)
        }
        #expect(try store.operations(limit: 10).isEmpty)
        #expect(try store.chainHead() == head)
        #expect(try store.verify().isIntact)
    }

    @Test func contextCountsDoneAndPendingRefunds() throws {
        let store = try ArchiveStore.temporary()
        try Sample.archive(store, 1, amount: 100_00)
        let done = try store.beginOperation(
            OperationIntent(transactionID: 1, kind: .refund(Sample.uzs(30_00)), user: "bob"), now: 1, check: refundGuard)
        #expect(done.state == .pending)
        #expect(done.user == "bob")
        try store.completeOperation(done.id, outcome: .succeeded(status: .refunded, mxID: "m1"), now: 2)
        let pending = try store.beginOperation(
            OperationIntent(transactionID: 1, kind: .refund(Sample.uzs(20_00))), now: 3, check: refundGuard)
        try store.completeOperation(pending.id, outcome: .unknown(reason: "connection dropped", nextCheckAt: nil), now: 4)
        #expect(try store.pendingOperations().map(\.id) == [pending.id])
        #expect(try store.pendingOperations().first?.reason == "connection dropped")

        var seen: OperationContext?
        _ = try store.beginOperation(
            OperationIntent(transactionID: 1, kind: .refund(Sample.uzs(50_00))), now: 5
        ) { context in
            seen = context
            try refundGuard(context)
        }
        #expect(seen?.refundedSoFar == Sample.uzs(30_00))
        #expect(seen?.pendingRefunds == Sample.uzs(20_00))
        #expect(seen?.remainingRefundable == Sample.uzs(50_00))
        #expect(throws: Refusal.self) {
            try store.beginOperation(
                OperationIntent(transactionID: 1, kind: .refund(Sample.uzs(1))), now: 6, check: refundGuard)
        }
        // The pending refund turns out not to have happened: its amount is free again.
        try store.completeOperation(pending.id, outcome: .failed(reason: "not applied"), now: 7)
        _ = try store.beginOperation(
            OperationIntent(transactionID: 1, kind: .refund(Sample.uzs(20_00))), now: 8, check: refundGuard)
        #expect(try store.verify().isIntact)
    }

    @Test func succeededOperationAddsItsEventExactlyOnce() throws {
        let store = try ArchiveStore.temporary()
        try Sample.archive(store, 1, amount: 100_00)
        let cancel = try store.beginOperation(OperationIntent(transactionID: 1, kind: .cancel), now: 10) { context in
            #expect(!context.cancellationDone)
        }
        #expect(cancel.amount == Sample.uzs(100_00))
        // A re-check that sees status 3 while the cancel is pending does not invent a detected cancellation.
        try store.recordPaymentInfo(1, Sample.payment(100_00, date: 1_790_000_000, status: .cancelled), now: 11)
        try store.completeOperation(cancel.id, outcome: .succeeded(status: .cancelled, mxID: "mx"), now: 12)
        try store.completeOperation(cancel.id, outcome: .succeeded(status: .cancelled, mxID: "mx"), now: 13)
        #expect(throws: ArchiveError.self) {
            try store.completeOperation(cancel.id, outcome: .failed(reason: "late"), now: 14)
        }
        let events = try store.events(of: 1)
        #expect(events.map(\.kind) == [.payment, .cancellation])
        #expect(events[1].source == .operation)
        #expect(events[1].operationID == cancel.id)
        #expect(events[1].amount == Sample.uzs(-100_00))
        var seen: OperationContext?
        #expect(throws: Refusal.self) {
            try store.beginOperation(OperationIntent(transactionID: 1, kind: .cancel), now: 15) { context in
                seen = context
                if context.cancellationDone { throw Refusal(message: "already cancelled") }
            }
        }
        #expect(seen?.cancellationDone == true)
        let record = try #require(try store.operation(cancel.id))
        #expect(record.state == .succeeded)
        #expect(record.resultStatus == .cancelled)
        #expect(try store.verify().isIntact)
    }

    @Test func unknownTransactionIsNotRecorded() throws {
        let store = try ArchiveStore.temporary()
        var tracked: Bool?
        #expect(throws: ArchiveError.self) {
            try store.beginOperation(OperationIntent(transactionID: 99, kind: .cancel), now: 1) { tracked = $0.isTracked }
        }
        #expect(tracked == false)
        #expect(try store.operations(limit: 5).isEmpty)
    }

    @Test func racingRefundsForTheLastAmountExactlyOnePasses() async throws {
        for round in 0..<5 {
            let first = try ArchiveStore.temporary()
            let second = try ArchiveStore(path: first.path)
            try Sample.archive(first, 1, amount: 100_00)
            let done = try first.beginOperation(
                OperationIntent(transactionID: 1, kind: .refund(Sample.uzs(60_00))), now: 1, check: refundGuard)
            try first.completeOperation(done.id, outcome: .succeeded(status: .refunded, mxID: nil), now: 2)
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for store in [first, second, first, second] {
                    group.addTask {
                        do {
                            _ = try store.beginOperation(
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
            #expect(try first.pendingOperations().count == 1)
        }
    }

    @Test func invoicesRoundTrip() throws {
        let store = try ArchiveStore.temporary()
        let invoice = InvoiceRecord(
            invoiceID: "77", orderID: "A-1", vendorID: 5, amount: Sample.uzs(1_000_22), note: "Заказ №1",
            status: 0, paymentURL: "https://paysys.uz/pay/77", gatewayDate: 100, user: "carol")
        try store.recordInvoice(invoice, now: 200)
        var expected = invoice
        expected.createdAt = 200
        #expect(try store.invoices() == [expected])
    }
}
