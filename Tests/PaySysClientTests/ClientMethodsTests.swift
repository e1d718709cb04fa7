import FiscalCore
import Foundation
import PaySysClient
import Sandbox
import Testing

@Suite("PaySysClient against the sandbox: the five methods and their rules")
struct ClientMethodsTests {
    @Test func paymentInfoReadsTheSeededTransaction() async throws {
        try await withSandbox { sandbox in
            let client = makeClient(for: sandbox)
            let seeded = try #require(await sandbox.world.firstPaid())
            let info = try await client.paymentInfo(seeded.id)
            #expect(info.transactionID == seeded.id)
            #expect(info.amount == seeded.amount)
            #expect(info.amount.currency == .uzs)  // sent as numeric 860
            #expect(info.status == .completed)
            #expect(info.date == seeded.date)
            #expect(info.vendorUserID == seeded.vendorUserID)
            #expect(info.bankTransactionID == seeded.bankTransactionID)
            #expect(info.mxID?.count == 32)
        }
    }

    @Test func fiscalChequeLinksToTheReceipt() async throws {
        try await withSandbox { sandbox in
            let client = makeClient(for: sandbox)
            for type in TransactionType.allCases {
                let seeded = try #require(await sandbox.world.firstPaid(type))
                let receipt = try #require(seeded.receipt)
                let cheque = try await client.fiscalCheque(seeded.id, type: type)
                let reference = try ReceiptReference(url: cheque.url)
                #expect(reference.terminalID == receipt.terminalID)
                #expect(reference.receiptNumber == receipt.receiptNumber)
                #expect(reference.fiscalSign == receipt.fiscalSign)
                #expect(reference.localDateTime == receipt.issuedAt)
                #expect(cheque.url.hasPrefix("http://\(sandbox.receiptHost)/epi?"))
                #expect(cheque.refundURLs.isEmpty)
                // asking with the wrong type does not find it
                let other: TransactionType = type == .payment ? .p2p : .payment
                let error = try await expectPaySysError { try await client.fiscalCheque(seeded.id, type: other) }
                #expect(error.gatewayCode == .transactionNotFound)
            }
        }
    }

    @Test func cancelOnceWithinSevenDays() async throws {
        try await withSandbox { sandbox in
            let client = makeClient(for: sandbox)
            let payment = await sandbox.world.addTransaction(
                amount: Money(minorUnits: 150_000_00, currency: .uzs), date: Int64(fixedNow.timeIntervalSince1970) - 6 * 86_400)
            let result = try await client.cancelPayment(payment.id)
            #expect(result.status == .cancelled)
            #expect(result.transactionID == payment.id)
            #expect(result.mxID != nil)
            #expect(try await client.paymentInfo(payment.id).status == .cancelled)

            let second = try await expectPaySysError { try await client.cancelPayment(payment.id) }
            #expect(second.gatewayCode == .alreadyCancelled)
            #expect(!second.isOutcomeUnknown)
            #expect(!second.isTransient)
            let ledger = await sandbox.world.ledger(for: payment.id)
            #expect(ledger.map(\.kind) == [.cancel])
            #expect(ledger.first?.amount == payment.amount)
            // the cancel registered a refund receipt
            let cheque = try await client.fiscalCheque(payment.id, type: .payment)
            #expect(cheque.refundURLs.count == 1)
        }
    }

    @Test func cancelAfterEightDaysIsRefused() async throws {
        try await withSandbox { sandbox in
            let client = makeClient(for: sandbox)
            let payment = await sandbox.world.addTransaction(
                amount: Money(minorUnits: 9_900_00, currency: .uzs), date: Int64(fixedNow.timeIntervalSince1970) - 8 * 86_400)
            let error = try await expectPaySysError { try await client.cancelPayment(payment.id) }
            #expect(error.gatewayCode == .alreadyCompleted)
            #expect(error.transactionID == payment.id)
            #expect(error.method == "paysys.payment_cancel")
            #expect(await sandbox.world.ledger.isEmpty)
            #expect(await sandbox.world.transaction(payment.id)?.status == .completed)
        }
    }

    @Test func refundsUpToTheAmountAndNotOneTiyinMore() async throws {
        try await withSandbox { sandbox in
            let client = makeClient(for: sandbox)
            let payment = await sandbox.world.addTransaction(
                amount: Money(minorUnits: 100_000_50, currency: .uzs), date: Int64(fixedNow.timeIntervalSince1970) - 20 * 86_400)
            let first = try await client.adjustPayment(payment.id, amount: Money(minorUnits: 40_000_00, currency: .uzs))
            #expect(first.status == .refunded)
            let over = try await expectPaySysError {
                try await client.adjustPayment(payment.id, amount: Money(minorUnits: 60_000_51, currency: .uzs))
            }
            #expect(over.gatewayCode == .alreadyCompleted)
            #expect(!over.isOutcomeUnknown)
            let rest = try await client.adjustPayment(payment.id, amount: Money(minorUnits: 60_000_50, currency: .uzs))
            #expect(rest.status == .refunded)
            let ledger = await sandbox.world.ledger(for: payment.id)
            #expect(ledger.map(\.amount.minorUnits) == [40_000_00, 60_000_50])
            #expect(try await client.fiscalCheque(payment.id, type: .payment).refundURLs.count == 2)
            // a refunded payment can no longer be cancelled
            let cancel = try await expectPaySysError { try await client.cancelPayment(payment.id) }
            #expect(cancel.gatewayCode == .alreadyCompleted)
        }
    }

    @Test func unknownTransaction() async throws {
        try await withSandbox { sandbox in
            let client = makeClient(for: sandbox)
            let error = try await expectPaySysError { try await client.paymentInfo(999) }
            #expect(error.gatewayCode == .transactionNotFound)
            #expect(error.transactionID == 999)
            #expect(!error.isTransient)
            #expect(await sandbox.world.callCount(.paymentInfo) == 1)  // permanent errors are not retried
        }
    }

    @Test func invoiceAmountsAreExact() async throws {
        try await withSandbox { sandbox in
            let client = makeClient(for: sandbox)
            let amount = try Money(parsing: "1000.22", currency: .uzs)
            let invoice = try await client.createInvoice(
                InvoiceRequest(orderID: "order-1", vendorID: 104466, amount: amount, orderNote: "Payment for tickets"))
            #expect(invoice.amount.minorUnits == 100_022)
            #expect(invoice.amount.decimalString == "1000.22")
            #expect(invoice.status == .created)
            #expect(invoice.paymentURL.contains("payform?hash="))
            #expect(invoice.orderID == "order-1")
            let stored = try #require(await sandbox.world.invoices.first)
            #expect(stored.amount.minorUnits == 100_022)

            // Amounts a Double cannot hold exactly survive the round trip.
            for text in ["0.01", "0.10", "1000.20", "90071992547409.93", "123456789012.34"] {
                let money = try Money(parsing: text, currency: .usd)
                let result = try await client.createInvoice(
                    InvoiceRequest(orderID: "o-\(text)", vendorID: 104466, amount: money, orderNote: ""))
                #expect(result.amount == money, "\(text)")
            }
            // TRY travels as TRL
            _ = try await client.createInvoice(InvoiceRequest(
                orderID: "lira", vendorID: 104466, amount: Money(minorUnits: 5, currency: .try), orderNote: ""))
            #expect(await sandbox.world.invoices.last?.currencyCode == "TRL")

            let wrongVendor = try await expectPaySysError {
                try await client.createInvoice(InvoiceRequest(orderID: "x", vendorID: 1, amount: amount, orderNote: ""))
            }
            #expect(wrongVendor.gatewayCode == .vendorInfoUnavailable)
        }
    }
}
