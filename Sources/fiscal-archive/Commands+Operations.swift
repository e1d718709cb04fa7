import Archive
import ArgumentParser
import FiscalCore
import Foundation
import Operations
import PaySysClient

/// `invoice create …` and `invoice list`.
struct InvoiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoice", abstract: "Create and list PaySys invoices.", subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create", abstract: "Create an invoice (invoice_create) and print its payment URL.")

        @OptionGroup var options: GlobalOptions
        @Option(help: "Your order id.") var orderId: String
        @Option(help: "The amount in major units, e.g. 1000.22.") var amount: String
        @Option(help: "UZS, USD, EUR, RUB or TRY (TRL).") var currency: String = "UZS"
        @Option(help: "A note shown to the payer.") var note: String
        @Option(help: "Your PaySys vendor id.") var vendorId: Int64 = 0
        @Option(help: "Payment system id (-1: PaySys).") var paymentId: Int64 = -1

        func validate() throws {
            guard let parsed = Currency(code: currency) else { throw ValidationError("Unknown currency \"\(currency)\".") }
            do {
                let money = try Money(parsing: amount, currency: parsed)
                if money.minorUnits <= 0 { throw ValidationError("--amount must be more than zero.") }
            } catch let error as MoneyParseError {
                throw ValidationError("--amount: \(error)")
            }
            if orderId.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--order-id must not be empty.") }
        }

        func run() async throws {
            try await Runtime.with(options) { runtime in
                let service = try await runtime.operations(archive: try runtime.openArchive())
                let money = try Money(parsing: amount, currency: Currency(code: currency) ?? .uzs)
                do {
                    let invoice = try await service.createInvoice(
                        InvoiceRequest(orderID: orderId, vendorID: vendorId, paymentID: paymentId, amount: money, orderNote: note))
                    print("Invoice \(invoice.id) for \(invoice.amount) (order \(invoice.orderID)), status \(invoice.status.rawValue)")
                    print(invoice.paymentURL)
                } catch let error as PaySysError {
                    throw Exit.fail("PaySys did not create the invoice: \(error)")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the invoices created through this tool.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            try await Runtime.with(options) { runtime in
                let invoices = try await runtime.openArchive().invoices()
                if invoices.isEmpty { print("No invoices.") }
                for invoice in invoices {
                    print("\(invoice.invoiceID)  \(Tashkent.iso8601(epochSeconds: invoice.createdAt))  \(invoice.orderID)  "
                        + "\(invoice.amount)  status \(invoice.status)  \(invoice.paymentURL)")
                }
            }
        }
    }
}

/// `operations list` and `operations resolve`.
struct OperationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operations", abstract: "The append-only log of refunds and cancels, and pending intents.",
        subcommands: [List.self, Resolve.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Show the operations log.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "At most this many, newest first.") var limit = 100

        func run() async throws {
            try await Runtime.with(options) { runtime in
                let records = try await runtime.openArchive().operations(limit: limit)
                if records.isEmpty { print("No operations.") }
                for record in records { print(OperationText.line(record)) }
            }
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "resolve",
            abstract: "Re-check pending intents with payment_info; or settle one by hand after asking PaySys support.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Settle this operation id by hand (with --as done|not-done).") var settle: Int64?
        @Option(name: .customLong("as"), help: "done or not-done (with --settle).") var verdict: String?

        func validate() throws {
            if (settle == nil) != (verdict == nil) { throw ValidationError("--settle and --as go together.") }
            if let verdict, !["done", "not-done"].contains(verdict) { throw ValidationError("--as is done or not-done.") }
        }

        func run() async throws {
            try await Runtime.with(options) { runtime in
                let service = try await runtime.operations(archive: try runtime.openArchive())
                if let settle, let verdict {
                    let outcome = try await service.settle(settle, applied: verdict == "done", note: "by \(OperationIntent.currentUser())")
                    try OperationFlow.report(outcome)
                    return
                }
                let results = try await service.resolvePending()
                if results.isEmpty { print("No pending operations.") }
                if OperationText.printSettled(results) > 0 { throw ExitCode(Exit.failure) }
            }
        }
    }
}

enum OperationText {
    /// Prints what settle checks found; returns how many operations are still unknown.
    static func printSettled(_ results: [(OperationRecord, MoneyOperations.Outcome)]) -> Int {
        var unresolved = 0
        for (record, outcome) in results {
            switch outcome {
            case .done(_, let status, _, _): print("\(line(record)) → done (status \(status))")
            case .notDone(_, let reason): print("\(line(record)) → not done: \(reason)")
            case .unknown(_, let reason):
                unresolved += 1
                print("\(line(record)) → still unknown: \(reason)")
            }
        }
        return unresolved
    }

    static func line(_ record: OperationRecord) -> String {
        let amount = record.amount.map { " \($0)" } ?? ""
        let completed = record.completedAt.map { " completed \(Tashkent.iso8601(epochSeconds: $0))" } ?? ""
        let reason = record.reason.map { " — \($0)" } ?? ""
        return "#\(record.id) \(Tashkent.iso8601(epochSeconds: record.createdAt)) \(record.user) \(record.kind) "
            + "\(record.transactionID)\(amount): \(record.state)\(completed)\(record.mxID.map { " mx_id \($0)" } ?? "")\(reason)"
    }
}
