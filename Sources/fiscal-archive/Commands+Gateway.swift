import Archive
import ArgumentParser
import FiscalCore
import Foundation
import Operations
import PaySysClient

/// `info ID [--json]`: what PaySys says about a transaction now.
struct Info: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Ask PaySys about a transaction (payment_info).")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The transaction id.") var id: TransactionID
    @Flag(help: "Machine-readable output.") var json = false

    func run() async throws {
        try await Runtime.with(options) { runtime in
            let info: PaymentInfo
            do {
                info = try await runtime.gateway().paymentInfo(id)
            } catch let error as PaySysError {
                throw Exit.fail("\(error)")
            }
            if json {
                print(GatewayText.json(info))
            } else {
                print(GatewayText.lines(info).joined(separator: "\n"))
            }
        }
    }
}

extension TransactionID: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}

/// Text and JSON renderings of gateway answers.
enum GatewayText {
    static func lines(_ info: PaymentInfo) -> [String] {
        [
            "Transaction     \(info.transactionID)",
            "Amount          \(info.amount.groupedDecimalString) \(info.amount.currency)",
            "Status          \(info.status)",
            "Date            \(Tashkent.iso8601(epochSeconds: info.date))",
            "Vendor order    \(info.vendorUserID ?? "—")",
            "Bank txn id     \(info.bankTransactionID.map(String.init) ?? "—")",
            "mx_id           \(info.mxID ?? "—")",
        ]
    }

    static func json(_ info: PaymentInfo) -> String {
        ExactJSON.object([
            "transaction_id": .integer(info.transactionID.rawValue),
            "amount": .string(info.amount.decimalString),
            "currency": .string(info.amount.currency.alphaCode),
            "status": .integer(Int64(info.status.rawValue)),
            "status_name": .string(info.status.name),
            "date": .string(Tashkent.iso8601(epochSeconds: info.date)),
            "vendor_order_id": .optional(info.vendorUserID),
            "bank_transaction_id": info.bankTransactionID.map { .integer($0) } ?? .null,
            "mx_id": .optional(info.mxID),
        ]).description
    }
}

/// Options of the money-moving commands.
struct OperationOptions: ParsableArguments {
    @Flag(help: "Do not ask for confirmation (required without a terminal).") var yes = false
    @Option(help: "payment or p2p, used if the archive does not know the transaction yet.") var type: TransactionType = .payment
    @Option(help: "If the gateway's answer is lost, keep checking with payment_info for up to this many seconds before answering \"unknown\".")
    var settleWait: Int64 = 60

    func validate() throws {
        if !(0...3600).contains(settleWait) { throw ValidationError("--settle-wait must be 0…3600 seconds.") }
    }
}

/// `cancel ID`.
struct Cancel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel (reverse) a payment: within 7 days, once. Asks for confirmation.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var operation: OperationOptions
    @Argument(help: "The transaction id.") var id: TransactionID

    func run() async throws {
        try await Runtime.with(options) { runtime in
            let service = try await runtime.operations(archive: try runtime.openArchive())
            let plan = try await OperationFlow.plan { try await service.planCancel(id, type: operation.type) }
            try await OperationFlow.confirmAndExecute(plan, service: service, options: operation)
        }
    }
}

/// `refund ID --amount A [--currency C]`.
struct Refund: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refund",
        abstract: "Refund part or all of a payment (the refunds' sum may not exceed it). Asks for confirmation.")

    @OptionGroup var options: GlobalOptions
    @OptionGroup var operation: OperationOptions
    @Argument(help: "The transaction id.") var id: TransactionID
    @Option(help: "The amount in major units, as typed: 150000 or 1500.50.") var amount: String
    @Option(help: "The currency (default: the payment's).") var currency: String?

    func validate() throws {
        if let currency, Currency(code: currency) == nil {
            throw ValidationError("Unknown currency \"\(currency)\" (UZS, USD, EUR, RUB, TRY).")
        }
        do {
            _ = try Money(parsing: amount, currency: .uzs)
        } catch {
            throw ValidationError("--amount: \(error)")
        }
    }

    func run() async throws {
        try await Runtime.with(options) { runtime in
            let archive = try await runtime.openArchive()
            let service = try runtime.operations(archive: archive)
            let plan = try await OperationFlow.plan {
                // A pending operation on the payment refuses before anything is asked of the gateway.
                try await service.checkNothingPending(id)
                // The currency defaults to the payment's: the archive's, else PaySys's.
                let paymentCurrency: Currency
                if let currency, let parsed = Currency(code: currency) {
                    paymentCurrency = parsed
                } else if let known = try await archive.transaction(id)?.payment?.amount.currency {
                    paymentCurrency = known
                } else {
                    paymentCurrency = try await runtime.gateway().paymentInfo(id).amount.currency
                }
                let money = try Money(parsing: amount, currency: paymentCurrency)
                return try await service.planRefund(id, amount: money, type: operation.type)
            }
            try await OperationFlow.confirmAndExecute(plan, service: service, options: operation)
        }
    }
}

/// The shared plan → confirm → execute → report flow of `cancel` and `refund`.
enum OperationFlow {
    static func plan(_ body: () async throws -> MoneyOperations.Plan) async throws -> MoneyOperations.Plan {
        do {
            return try await body()
        } catch let refusal as OperationRefusal {
            throw Exit.fail("\(refusal)\nThe gateway was not asked to move any money.")
        } catch let error as PaySysError {
            throw Exit.fail("Could not check the payment with PaySys: \(error)\nNo money was moved.")
        }
    }

    static func confirmAndExecute(
        _ plan: MoneyOperations.Plan, service: MoneyOperations, options: OperationOptions
    ) async throws {
        print(plan.summary)
        if !options.yes {
            guard Terminal.stdinIsTTY else {
                throw Exit.fail("Not on a terminal: add --yes to confirm. Nothing was done.", code: Exit.usage)
            }
            guard Terminal.confirm("Proceed?") else {
                throw Exit.fail("Cancelled by the user. Nothing was done.")
            }
        }
        let outcome: MoneyOperations.Outcome
        do {
            outcome = try await service.execute(plan)
        } catch let refusal as OperationRefusal {
            throw Exit.fail("\(refusal)\nThe gateway was not asked to move any money.")
        }
        guard case .unknown(let operationID, _) = outcome, options.settleWait > 0 else { return try report(outcome) }
        // The answer was lost: PaySys may still be applying the call. Watch for its effect a little before
        // answering "unknown" — never by calling again.
        print("The gateway's answer was lost; operation \(operationID) is pending. Watching payment_info for its effect "
            + "(up to \(options.settleWait) s; it is never called twice)…")
        let settled = try await service.awaitSettlement(of: operationID, upTo: options.settleWait) { wait in
            print("  checking again in \(wait) s…")
        }
        try report(settled ?? outcome)
    }

    static func report(_ outcome: MoneyOperations.Outcome) throws {
        switch outcome {
        case .done(let id, let status, let mxID, let reconciled):
            let how = reconciled ? " (the gateway's answer was lost; payment_info confirms it)" : ""
            print("Done\(how): operation \(id), new status \(status), mx_id \(mxID ?? "—").")
        case .notDone(let id, let reason):
            throw Exit.fail("Not done: operation \(id): \(reason)")
        case .unknown(let id, let reason):
            throw Exit.fail(
                "Outcome unknown: operation \(id): \(reason)\nDo not retry: no new refund or cancel of this payment is "
                    + "possible until it is settled. Every `sync` and `run` checks it on schedule; "
                    + "`fiscal-archive operations resolve` checks it now.")
        }
    }
}
