import Archive
import SQLiteArchive
import FiscalCore
import Foundation
import Operations
import PaySysClient
import Sandbox
import Testing

@Suite("Refunds and cancels against the sandbox")
struct OperationsIntegrationTests {
    static let day: Int64 = 86_400
    static var now: Int64 { Int64(Date().timeIntervalSince1970) }

    private func payment(_ harness: Harness, amount: Int64 = 1_500_000, ageDays: Int64 = 1, status: PaySysStatus = .completed,
                         currency: Currency = .uzs) async -> TransactionID {
        await harness.sandbox.world.addTransaction(
            amount: Money(minorUnits: amount, currency: currency), date: Self.now - ageDays * Self.day, status: status).id
    }

    private func expectNoMoneyMoved(_ harness: Harness, _ id: TransactionID) async {
        #expect(await harness.sandbox.world.ledger(for: id).isEmpty)
        #expect(await harness.sandbox.world.callCount(.paymentCancel) == 0)
        #expect(await harness.sandbox.world.callCount(.paymentAdjustments) == 0)
    }

    @Test("every refusal names the rule and the numbers, and the gateway is never asked to move money")
    func refusals() async throws {
        try await Harness.with(SandboxConfiguration(transactionCount: 1)) { harness in
            let service = harness.operations()

            let late = await payment(harness, ageDays: 8)
            let lateRefusal = await refusal { _ = try await service.execute(try await service.planCancel(late)) }
            #expect(lateRefusal?.rule == .cancelWindowClosed)
            #expect(lateRefusal?.message.contains("+05:00") == true)
            await expectNoMoneyMoved(harness, late)

            let over = await payment(harness, amount: 1_000_000)
            let overRefusal = await refusal {
                _ = try await service.execute(try await service.planRefund(over, amount: Money(minorUnits: 1_000_001, currency: .uzs)))
            }
            #expect(overRefusal?.rule == .refundExceedsPayment)
            #expect(overRefusal?.message.contains("10000.01") == true)
            #expect(overRefusal?.message.contains("remaining 10000.00") == true)
            await expectNoMoneyMoved(harness, over)

            let currencyRefusal = await refusal {
                _ = try await service.execute(try await service.planRefund(over, amount: Money(minorUnits: 100, currency: .usd)))
            }
            #expect(currencyRefusal?.rule == .currencyMismatch)

            let unpaid = await payment(harness, status: .created)
            let unpaidRefusal = await refusal { _ = try await service.execute(try await service.planCancel(unpaid)) }
            #expect(unpaidRefusal?.rule == .notPaid)

            let unknownRefusal = await refusal { _ = try await service.execute(try await service.planCancel(TransactionID(987_654_321))) }
            #expect(unknownRefusal?.rule == .unknownTransaction)
            await expectNoMoneyMoved(harness, unpaid)

            // a second cancel is refused locally after the first succeeded
            let once = await payment(harness)
            let first = try await service.execute(try await service.planCancel(once))
            guard case .done = first else { Issue.record("first cancel: \(first)"); return }
            let secondRefusal = await refusal { _ = try await service.execute(try await service.planCancel(once)) }
            #expect(secondRefusal?.rule == .alreadyCancelled)
            #expect(await harness.sandbox.world.ledger(for: once).count == 1)
        }
    }

    @Test("a tracked p2p transaction is cancelled without repeating its type")
    func knownType() async throws {
        try await Harness.with(SandboxConfiguration(transactionCount: 1)) { harness in
            let transfer = await harness.sandbox.world.addTransaction(
                type: .p2p, amount: Money(minorUnits: 250_000, currency: .uzs), date: Self.now - Self.day)
            _ = try await harness.archive.track([TrackRequest(id: transfer.id, type: .p2p)], now: Self.now)
            let service = harness.operations()
            let outcome = try await service.execute(try await service.planCancel(transfer.id))
            guard case .done = outcome else { Issue.record("\(outcome)"); return }
            await #expect(try harness.archive.transaction(transfer.id)?.type == .p2p)
        }
    }

    @Test("a pending cancel settled by hand as done leaves the payment cancelled, once")
    func settleCancel() async throws {
        try await Harness.with(SandboxConfiguration(transactionCount: 1)) { harness in
            let id = await payment(harness, amount: 300_000)
            let service = harness.operations()
            let plan = try await service.planCancel(id)
            let pending = try await harness.archive.beginOperation(plan.intent, now: Self.now) { _ in }
            let outcome = try await service.settle(pending.id, applied: true, note: "confirmed by support")
            guard case .done(_, let status, _, _) = outcome else { Issue.record("\(outcome)"); return }
            #expect(status == .cancelled)
            let record = try await #require(try harness.archive.transaction(id))
            #expect(record.payment?.status == .cancelled)
            #expect(record.events.filter { $0.kind == .cancellation }.count == 1)
            await #expect(throws: (any Error).self) { try await service.settle(999_999, applied: true, note: "none") }
        }
    }

    @Test("partial refunds up to the amount, recorded as operation events")
    func refunds() async throws {
        try await Harness.with(SandboxConfiguration(transactionCount: 1)) { harness in
            let service = harness.operations()
            let id = await payment(harness, amount: 900_000)
            for part: Int64 in [300_000, 599_999, 1] {
                let outcome = try await service.execute(try await service.planRefund(id, amount: Money(minorUnits: part, currency: .uzs)))
                guard case .done = outcome else { Issue.record("refund \(part): \(outcome)"); return }
            }
            let tooMuch = await refusal {
                _ = try await service.execute(try await service.planRefund(id, amount: Money(minorUnits: 1, currency: .uzs)))
            }
            #expect(tooMuch?.rule == .refundExceedsPayment)
            let record = try await #require(try harness.archive.transaction(id))
            let refunds = record.events.filter { $0.kind == .refund }
            #expect(refunds.map(\.amount.minorUnits).sorted() == [-599_999, -300_000, -1])
            #expect(refunds.allSatisfy { $0.source == .operation })
            #expect(await harness.sandbox.world.ledger(for: id).count == 3)
        }
    }

    @Test("an operation applied whose answer is lost is reconciled, never repeated", arguments: [false, true])
    func lostAnswer(cancel: Bool) async throws {
        try await Harness.with(SandboxConfiguration(transactionCount: 1)) { harness in
            let method: GatewayMethod = cancel ? .paymentCancel : .paymentAdjustments
            await harness.sandbox.world.setFaults(.fault(.appliedButAnswerLost), for: method)
            let service = harness.operations()
            let id = await payment(harness, amount: 500_000)
            let plan = cancel
                ? try await service.planCancel(id)
                : try await service.planRefund(id, amount: Money(minorUnits: 200_000, currency: .uzs))
            let outcome = try await service.execute(plan)
            guard case .done(_, _, _, let reconciled) = outcome else { Issue.record("\(outcome)"); return }
            #expect(reconciled)
            #expect(await harness.sandbox.world.ledger(for: id).count == 1)
            #expect(await harness.sandbox.world.callCount(method) == 1)
            let record = try await #require(try harness.archive.transaction(id))
            #expect(record.events.filter { $0.kind == (cancel ? .cancellation : .refund) }.count == 1)
            await #expect(try harness.archive.pendingOperations().isEmpty)
        }
    }

    @Test("a refund is refused when PaySys's amount, read in the configured unit, disagrees with the receipt")
    func amountUnitCrossCheck() async throws {
        try await Harness.with(SandboxConfiguration(transactionCount: 1)) { harness in
            let id = await payment(harness, amount: 1_234_500)
            _ = try await harness.trackAll()
            _ = try await harness.engine().run()
            await #expect(try harness.archive.transaction(id)?.state == .archived)
            // The same gateway read with the wrong unit: 1,234,500 tiyin taken for 1,234,500.00 so'm.
            let misread = PaySysClient(
                configuration: .init(
                    endpoint: harness.sandbox.gatewayURL,
                    credentials: PaySysCredentials(serviceID: harness.sandbox.serviceID, secretKey: harness.sandbox.secretKey),
                    paymentInfoAmountUnit: .major),
                httpClient: harness.httpClient, logger: harness.logger)
            let service = MoneyOperations(archive: harness.archive, gateway: misread, logger: harness.logger)
            let refused = await refusal {
                _ = try await service.planRefund(id, amount: Money(minorUnits: 50_000_000, currency: .uzs))
            }
            #expect(refused?.rule == .amountMismatch)
            #expect(refused?.message.contains("1234500.00") == true, "\(refused?.message ?? "")")
            #expect(refused?.message.contains("12345.00") == true)
            #expect(refused?.message.contains("FISCAL_ARCHIVE_PAYMENT_INFO_AMOUNT_UNIT") == true)
            #expect(await harness.sandbox.world.callCount(.paymentAdjustments) == 0)
            // Read in the right unit, the same refund plan passes the cross-check.
            let plan = try await harness.operations().planRefund(id, amount: Money(minorUnits: 500_000, currency: .uzs))
            #expect(plan.summary.contains("The archived receipt totals 12345.00 UZS."))
        }
    }

    @Test("two processes racing for the last remaining amount: exactly one refund happens")
    func racingRefunds() async throws {
        try await Harness.with(SandboxConfiguration(transactionCount: 1)) { harness in
            let id = await payment(harness, amount: 1_000_000)
            let otherArchive = try SQLiteArchiveStore(path: harness.archivePath)
            let first = harness.operations()
            let second = MoneyOperations(archive: otherArchive, gateway: harness.gateway, logger: harness.logger)
            let amount = Money(minorUnits: 600_000, currency: .uzs)
            let planA = try await first.planRefund(id, amount: amount)
            let planB = try await second.planRefund(id, amount: amount)
            async let a: Result<MoneyOperations.Outcome, any Error> = { do { return .success(try await first.execute(planA)) } catch { return .failure(error) } }()
            async let b: Result<MoneyOperations.Outcome, any Error> = { do { return .success(try await second.execute(planB)) } catch { return .failure(error) } }()
            let results = await [a, b]
            let done = results.filter { if case .success(.done) = $0 { true } else { false } }
            let refused = results.filter { if case .failure(let error) = $0 { error is OperationRefusal } else { false } }
            #expect(done.count == 1)
            #expect(refused.count == 1)
            #expect(await harness.sandbox.world.ledger(for: id).count == 1)
        }
    }
}

@Suite("Invoices through the sandbox")
struct InvoiceIntegrationTests {
    @Test("an invoice is created with its exact amount, stored, and listed")
    func invoice() async throws {
        try await Harness.with(SandboxConfiguration(transactionCount: 1)) { harness in
            let request = InvoiceRequest(
                orderID: "ORD-77", vendorID: harness.sandbox.configuration.vendorID,
                amount: Money(minorUnits: 100_022, currency: .usd), orderNote: "Kofe <script>")
            let invoice = try await harness.operations().createInvoice(request)
            #expect(invoice.amount == request.amount)
            #expect(!invoice.paymentURL.isEmpty)
            let stored = try await harness.archive.invoices()
            #expect(stored.count == 1)
            #expect(stored.first?.orderID == "ORD-77")
            #expect(stored.first?.amount.decimalString == "1000.22")
            #expect(stored.first?.paymentURL == invoice.paymentURL)
        }
    }
}
