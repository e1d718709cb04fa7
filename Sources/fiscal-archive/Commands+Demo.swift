import Archive
import ArgumentParser
import FiscalCore
import Foundation
import Logging
import Operations
import Reports
import Sandbox
import Sync

/// `demo`: the whole job against the embedded sandbox, with nothing to set up.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The whole job against the embedded sandbox: sync a month, refund and cancel a few, write reports.")

    @Option(help: "The demo archive file (recreated on every run).") var db = "demo-archive.sqlite"
    @Option(help: "Where the reports go (the demo's own folder, emptied on every run like its archive).")
    var out = Demo.defaultOut

    /// The demo's own reports folder, recreated on every run.
    static let defaultOut = "demo-reports"
    @Option(help: "How many transactions the sandbox seeds.") var count = 300
    @Option(help: "Report language: en, ru or uz.") var lang: ReportLanguage = .en
    @Flag(name: .shortAndLong, help: "Log what happens in detail.") var verbose = false

    func validate() throws {
        if !(10...1_000_000).contains(count) { throw ValidationError("--count must be 10…1000000.") }
    }

    func run() async throws {
        Runtime.bootstrapLogging()
        var logger = Logger(label: "demo")
        logger.logLevel = verbose ? .debug : .warning
        for suffix in ["", "-wal", "-shm", ".lock"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        // The demo's exports belong to its throw-away archive: its own folder goes with it. A folder the user names
        // may hold real exports, which are never deleted (the demo then adds revisions there).
        if out == Self.defaultOut { try? FileManager.default.removeItem(atPath: out) }

        let sandbox = try await SandboxServer.start(
            configuration: SandboxConfiguration(transactionCount: count), logger: logger)
        print("Sandbox PaySys gateway and receipt site on \(sandbox.baseURL) (seeded month \(sandbox.configuration.month)).")

        var configuration = AppConfiguration()
        configuration.databasePath = db
        configuration.gatewayURL = sandbox.gatewayURL
        configuration.serviceID = sandbox.serviceID
        configuration.secretKey = sandbox.secretKey
        configuration.receiptHosts = sandbox.receiptHost
        configuration.receiptAPIURL = sandbox.receiptAPIURL
        configuration.receiptAPIKey = sandbox.configuration.receiptAPIKey
        configuration.reportsDirectory = out
        // The sandbox is on loopback: no need to spare it like the tax authority's site.
        configuration.receiptRate = 0
        // The demo's lost answer is applied within 1.5 s: check it sooner than a real gateway needs.
        configuration.settleChecks = "1s,3s,6s"
        var options = try GlobalOptions.parse([])
        options.verbose = verbose

        do {
            try await Runtime.with(options, configuration: configuration) { runtime in
                try await DemoJob(runtime: runtime, sandbox: sandbox, language: lang).run()
            }
        } catch {
            await sandbox.shutdown()
            throw error
        }
        await sandbox.shutdown()
    }
}

/// The steps of the demo, through the same code paths as the real commands.
struct DemoJob {
    let runtime: Runtime
    let sandbox: SandboxServer
    let language: ReportLanguage

    func run() async throws {
        let archive = try await runtime.openArchive()
        let transactions = await sandbox.world.allTransactions

        // 1. Track: the seeded transactions arrive as a CSV export, imported like `track --csv`.
        try FileManager.default.createDirectory(atPath: runtime.configuration.reportsDirectory, withIntermediateDirectories: true)
        let csvPath = (runtime.configuration.reportsDirectory as NSString).appendingPathComponent("demo-transactions.csv")
        var csv = "transaction_id,type,vendor_order_id\n"
        for transaction in transactions { csv += "\(transaction.id),\(transaction.type),\(transaction.vendorUserID)\n" }
        try Data(csv.utf8).write(to: URL(fileURLWithPath: csvPath))
        let requests = try TransactionCSV.parse(Array(csv.utf8), file: csvPath)
        let tracked = try await archive.track(requests, now: Runtime.now())
        print("Tracked \(tracked.added) transactions from \(csvPath).")

        // 2. Sync.
        let engine = try runtime.syncEngine(archive: archive)
        SyncRunner.printSummary(try await SyncRunner.run(engine))

        // 3. Refunds and cancellations, as `refund` and `cancel` do them (confirmed with --yes).
        let service = try runtime.operations(archive: archive)
        let now = Runtime.now()
        let paid = transactions.filter { $0.status == .completed && $0.type == .payment }
        let recent = paid.filter { now - $0.date < OperationRules.cancelWindow - 3600 }
        let older = paid.filter { now - $0.date >= OperationRules.cancelWindow }
        print("Operations:")
        for transaction in older.prefix(3) {
            // a partial refund: a third of the payment
            let amount = Money(minorUnits: transaction.amount.minorUnits / 3, currency: transaction.amount.currency)
            await attempt("refund \(transaction.id) \(amount.decimalString)") {
                try await service.execute(try await service.planRefund(transaction.id, amount: amount))
            }
        }
        if let full = older.dropFirst(3).first {
            await attempt("refund \(full.id) \(full.amount.decimalString) (in full)") {
                try await service.execute(try await service.planRefund(full.id, amount: full.amount))
            }
            await attempt("refund \(full.id) 0.01 (more than is left)") {
                try await service.execute(try await service.planRefund(full.id, amount: Money(minorUnits: 1, currency: full.amount.currency)))
            }
        }
        for transaction in recent.prefix(2) {
            await attempt("cancel \(transaction.id)") { try await service.execute(try await service.planCancel(transaction.id)) }
        }
        if let late = older.dropFirst(4).first {
            await attempt("cancel \(late.id) (paid more than 7 days ago)") {
                try await service.execute(try await service.planCancel(late.id))
            }
        }

        // 3b. A gateway that drops its answer and applies the refund 1.5 s later: the refund stays pending (never
        // "not done", never called again), a second refund of the same payment is refused meanwhile, and the
        // settle checks see it done.
        if let victim = older.dropFirst(5).first {
            var plans: [GatewayMethod: FaultPlan] = [:]
            try FaultSpec(parsing: "payment_adjustments:drop_then_apply:1500").apply(to: &plans)
            await sandbox.world.setFaults(plans[.paymentAdjustments] ?? .none, for: .paymentAdjustments)
            let amount = Money(minorUnits: victim.amount.minorUnits / 2, currency: victim.amount.currency)
            var pendingID: Int64?
            await attempt("refund \(victim.id) \(amount.decimalString) (the gateway drops its answer)") {
                let outcome = try await service.execute(try await service.planRefund(victim.id, amount: amount))
                if case .unknown(let id, _) = outcome { pendingID = id }
                return outcome
            }
            await sandbox.world.setFaults(.none, for: .paymentAdjustments)
            await attempt("refund \(victim.id) 1.00 (while the first is pending)") {
                try await service.execute(try await service.planRefund(victim.id, amount: Money(minorUnits: 100, currency: amount.currency)))
            }
            if let pendingID, let settled = try await service.awaitSettlement(of: pendingID, upTo: 10) {
                await attempt("operation \(pendingID) after watching payment_info") { settled }
            }
        }

        // 4. Sync again: refund receipts and status changes.
        let second = try await SyncRunner.run(engine)
        print("Second sync: \(second.progress.archived) more archived, \(second.progress.changes) status change(s) seen.")

        // 5. Reports: the seeded month, and this month (where today's refunds and cancellations land).
        let months = Set(transactions.map { YearMonth(containingEpochSeconds: $0.date) } + [YearMonth(containingEpochSeconds: now)])
        print("Reports:")
        for month in months.sorted() {
            // Exports are never overwritten: a rerun of the demo whose archive differs writes a new revision.
            let result = try await MonthlyExport.export(
                month: month, archive: archive, directory: runtime.configuration.reportsDirectory, language: language)
            print("  ", terminator: "")
            ReportText.printExport(month, result)
        }
        let verification = try await archive.verify()
        print(verification.problems.isEmpty
            ? "Archive \(runtime.configuration.databasePath): verified, chain head \(verification.chainHead.prefix(16))…"
            : "Archive verification found \(verification.problems.count) problem(s)!")
        print("Open the HTML report in a browser; try `fiscal-archive status --db \(runtime.configuration.databasePath)`.")
    }

    private func attempt(_ label: String, _ body: () async throws -> MoneyOperations.Outcome) async {
        do {
            switch try await body() {
            case .done(let id, let status, _, _): print("  \(label): done (operation \(id), status \(status.name))")
            case .notDone(_, let reason): print("  \(label): not done — \(reason)")
            case .unknown(_, let reason): print("  \(label): unknown — \(reason)")
            }
        } catch let refusal as OperationRefusal {
            print("  \(label): refused locally, gateway not called — \(refusal.message)")
        } catch {
            print("  \(label): failed — \(error)")
        }
    }
}
