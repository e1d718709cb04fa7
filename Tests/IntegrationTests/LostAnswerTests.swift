import Archive
import SQLiteArchive
import FiscalCore
import Foundation
import Operations
import PaySysClient
import Sandbox
import Sync
import Testing

/// The lost-answer path of refunds and cancels against gateways that hurt: they apply a call seconds after
/// dropping its answer, answer an error after applying, apply a call only when it is retried, or report a status
/// that lags their own ledger. Whatever they do, the sandbox's ledger ends with exactly the operations asked for,
/// the archive agrees after settling, the register shows each once, and "not done" is never concluded early.
@Suite("Refunds and cancels whose answer is lost")
struct LostAnswerTests {
    static let day: Int64 = 86_400
    static var now: Int64 { Int64(Date().timeIntervalSince1970) }
    /// Short settle checks: 1 s, 2 s and 5 s after the call (the window closes at 5 s).
    static let schedule = try! SettleSchedule(offsets: [1, 2, 5])

    /// What is asked of the gateway in each case.
    enum Ask: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case cancel
        /// The first refund of a payment (its status goes 2 → 6).
        case firstRefund
        /// A second partial refund (the status is already 6: only the new refund receipt shows it).
        case secondRefund

        var method: GatewayMethod { self == .cancel ? .paymentCancel : .paymentAdjustments }
        var testDescription: String { rawValue }
    }

    /// A gateway behaviour and what a correct tool ends with.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// `METHOD` is replaced by the operation's method.
        var faults: [String]
        /// Whether the gateway ends up applying the one call.
        var applied: Bool
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "drop_then_apply", faults: ["METHOD:drop_then_apply:1500"], applied: true),
        Case(name: "apply_then_error", faults: ["METHOD:apply_then_error"], applied: true),
        Case(name: "error_then_apply_on_retry", faults: ["METHOD:error_then_apply_on_retry"], applied: false),
        Case(name: "answer lost, payment_info lags", faults: ["METHOD:answer_lost", "payment_info:lag:2500"], applied: true),
        Case(name: "drop_then_apply, payment_info lags",
            faults: ["METHOD:drop_then_apply:1000", "payment_info:lag:2000"], applied: true),
        Case(name: "system error -32400", faults: ["METHOD:error:-32400"], applied: false),
        Case(name: "timeout, then applied", faults: ["METHOD:timeout:1500"], applied: true),
    ]

    @Test("the ledger holds exactly what was asked; the archive and the register agree after settling",
        arguments: cases, Ask.allCases)
    func settles(gateway: Case, ask: Ask) async throws {
        try await Harness.with(SandboxConfiguration(transactionCount: 1), gatewayTimeout: .milliseconds(800)) { harness in
            let world = harness.sandbox.world
            let service = harness.operations(schedule: Self.schedule)
            let id = await world.addTransaction(amount: Money(minorUnits: 900_000, currency: .uzs), date: Self.now - Self.day).id
            if ask == .secondRefund {
                // A first refund on a healthy gateway.
                let first = try await service.execute(try await service.planRefund(id, amount: Money(minorUnits: 100_000, currency: .uzs)))
                guard case .done = first else { Issue.record("first refund: \(first)"); return }
            }
            var plans: [GatewayMethod: FaultPlan] = [:]
            for text in gateway.faults {
                let method = ask.method.rawValue.replacingOccurrences(of: "paysys.", with: "")
                try FaultSpec(parsing: text.replacingOccurrences(of: "METHOD", with: method)).apply(to: &plans)
            }
            let ledgerBefore = await world.ledger(for: id).count
            let callsBefore = await world.callCount(ask.method)
            for (method, var plan) in plans {
                // Triggers count calls from the sandbox's start: "the first call" here is the next one.
                plan.rules = plan.rules.map { rule in
                    rule.trigger == .firstCalls(1) && method == ask.method
                        ? FaultRule(rule.fault, .calls([callsBefore + 1])) : rule
                }
                await world.setFaults(plan, for: method)
            }

            let plan = ask == .cancel
                ? try await service.planCancel(id)
                : try await service.planRefund(id, amount: Money(minorUnits: 250_000, currency: .uzs))
            let outcome = try await service.execute(plan)
            // Never a "not done" from the call itself: none of these answers proves a refusal.
            if case .notDone = outcome { Issue.record("concluded not done at once: \(outcome)"); return }
            let operationID = outcome.operationID

            if case .unknown = outcome {
                // While it is pending, nothing more may be asked of the gateway for this payment.
                let calls = await world.callCount(ask.method)
                let refused = await refusal {
                    _ = try await service.planRefund(id, amount: Money(minorUnits: 1_000, currency: .uzs))
                }
                #expect(refused?.rule == .operationPending)
                #expect(refused?.message.contains("#\(operationID)") == true)
                #expect(refused?.message.contains("operations resolve") == true)
                #expect(await world.callCount(ask.method) == calls)
            }

            let final = try await Self.settle(service, harness.archive, operationID)
            // The gateway never received the call twice.
            #expect(await world.callCount(ask.method) == callsBefore + 1)
            let ledger = await world.ledger(for: id)
            #expect(ledger.count == ledgerBefore + (gateway.applied ? 1 : 0), "\(ledger)")
            switch final {
            case .done:
                #expect(gateway.applied, "done, but the gateway never applied it")
            case .notDone(_, let reason):
                #expect(!gateway.applied, "not done, but the gateway applied it: \(reason)")
                #expect(reason.contains("concluded from the settle window"))
                #expect(reason.contains("mx_id"))
            case .unknown(_, let reason):
                Issue.record("still unknown after the window: \(reason)")
            }

            // The archive's events equal the ledger, and the month's register shows each operation once.
            let kind: RegisterEntry.Event = ask == .cancel ? .cancellation : .refund
            let record = try await #require(try harness.archive.transaction(id))
            let events = record.events.filter { $0.kind == kind }
            let expected = ledger.filter { ask == .cancel ? $0.kind == .cancel : $0.kind == .refund }
            #expect(events.map { -$0.amount.minorUnits }.sorted() == expected.map(\.amount.minorUnits).sorted())
            var registered: [Int64] = []
            for month in Set([YearMonth(containingEpochSeconds: Self.now), YearMonth(containingEpochSeconds: Self.now - Self.day)]) {
                try await harness.archive.forEachRegisterEntry(in: month) { entry in
                    if entry.transactionID == id && entry.event == kind { registered.append(-entry.amount.minorUnits) }
                }
            }
            #expect(registered.sorted() == expected.map(\.amount.minorUnits).sorted())
            await #expect(try harness.archive.pendingOperations().isEmpty)
        }
    }

    @Test("a lagging status alone never settles a refund as not done inside the window")
    func laggingStatusStaysUnknown() async throws {
        try await Harness.with(SandboxConfiguration(transactionCount: 1)) { harness in
            let world = harness.sandbox.world
            await world.setFaults(.fault(.appliedButAnswerLost), for: .paymentCancel)
            // Far longer than the test takes on a loaded machine: the one resolve below sees the stale status.
            await world.setFaults(FaultPlan(statusLag: .seconds(120)), for: .paymentInfo)
            let service = harness.operations(schedule: try SettleSchedule(offsets: [1, 10]))
            let id = await world.addTransaction(amount: Money(minorUnits: 500_000, currency: .uzs), date: Self.now - Self.day).id
            let outcome = try await service.execute(try await service.planCancel(id))
            guard case .unknown(let operationID, let reason) = outcome else { Issue.record("\(outcome)"); return }
            #expect(reason.contains("no effect yet"))
            // `resolve` right away still sees the stale status 2: unknown, not "not done".
            let resolved = try await service.resolvePending()
            #expect(resolved.count == 1)
            if case .notDone = resolved.first?.1 { Issue.record("a lagging status was read as not done") }
            await #expect(try harness.archive.operation(operationID)?.state == .pending)
            #expect(await world.ledger(for: id).count == 1)
        }
    }

    @Test("a refund made outside the tool takes its amount from its refund receipt, or is an exception")
    func outsideRefund() async throws {
        try await Harness.with(SandboxConfiguration(transactionCount: 1)) { harness in
            let world = harness.sandbox.world
            let id = await world.addTransaction(amount: Money(minorUnits: 700_000, currency: .uzs), date: Self.now - Self.day).id
            _ = try await harness.trackAll()
            _ = try await harness.engine().run()
            // Another system refunds 2,500.00 through PaySys directly.
            try await Self.refundDirectly(harness, id, minor: 250_000)
            let info = try await harness.gateway.paymentInfo(id)
            try await harness.archive.recordPaymentInfo(id, PaymentSnapshot(info), now: Self.now)

            func refundRows() async throws -> [RegisterEntry] {
                var rows: [RegisterEntry] = []
                try await harness.archive.forEachRegisterEntry(in: YearMonth(containingEpochSeconds: Self.now)) { entry in
                    if entry.transactionID == id && entry.event == .refund { rows.append(entry) }
                }
                return rows
            }
            // Before its refund receipt is archived: no silent zero, an exception.
            let before = try await refundRows()
            #expect(before.count == 1)
            #expect(before.first?.amountUnknown == true)
            // The sync learns the refund receipt link and archives it; the register then shows its amount.
            try await RefundReceiptLinks.collect(id, type: .payment, gateway: harness.gateway, archive: harness.archive, now: Self.now)
            _ = try await harness.engine().run()
            let after = try await refundRows()
            #expect(after.count == 1)
            #expect(after.first?.amountUnknown == false)
            #expect(after.first?.amount.minorUnits == -250_000)
        }
    }

    @Test("as processes: a lost refund answer is pending, a second refund is refused without a call, resolve settles it")
    func processes() async throws {
        var faults: [GatewayMethod: FaultPlan] = [:]
        try FaultSpec(parsing: "payment_adjustments:drop_then_apply:2500").apply(to: &faults)
        try FaultSpec(parsing: "payment_info:lag:1000").apply(to: &faults)
        try await Harness.with(SandboxConfiguration(transactionCount: 1, gatewayFaults: faults)) { harness in
            let world = harness.sandbox.world
            let id = await world.addTransaction(amount: Money(minorUnits: 1_000_000, currency: .uzs), date: Self.now - Self.day).id
            let environment = harness.commandLineEnvironment(settleChecks: "1s,2s,6s")
            let first = try await CommandLineTests.runAside(
                ["refund", "\(id)", "--amount", "4000", "--yes", "--settle-wait", "0"], environment: environment)
            #expect(first.status == 1)
            #expect(first.stderr.contains("Outcome unknown: operation 1"), "\(first.stderr)")
            let second = try await CommandLineTests.runAside(["refund", "\(id)", "--amount", "1000", "--yes"], environment: environment)
            #expect(second.status == 1)
            #expect(second.stderr.contains("operation pending"), "\(second.stderr)")
            #expect(second.stderr.contains("#1"))
            #expect(second.stderr.contains("operations resolve"))
            #expect(await world.callCount(.paymentAdjustments) == 1)
            // `operations resolve` exits 1 while the outcome is unknown, 0 once PaySys shows the refund.
            var resolved: CommandLineTests.Run?
            for _ in 0..<30 {
                let run = try await CommandLineTests.runAside(["operations", "resolve"], environment: environment)
                if run.status == 0 { resolved = run; break }
                #expect(!run.stdout.contains("→ not done"), "\(run.stdout)")
                try await Task.sleep(for: .milliseconds(500))
            }
            let settled = try #require(resolved, "the refund never settled")
            #expect(settled.stdout.contains("→ done"), "\(settled.stdout)")
            #expect(await world.ledger(for: id).map(\.amount.minorUnits) == [400_000])
        }
    }

    @Test("as processes: two refunds racing on one payment behind a dropping gateway never exceed it")
    func racingProcesses() async throws {
        var faults: [GatewayMethod: FaultPlan] = [:]
        try FaultSpec(parsing: "payment_adjustments:drop_then_apply:1500").apply(to: &faults)
        try await Harness.with(SandboxConfiguration(transactionCount: 1, gatewayFaults: faults)) { harness in
            let world = harness.sandbox.world
            let id = await world.addTransaction(amount: Money(minorUnits: 1_000_000, currency: .uzs), date: Self.now - Self.day).id
            let environment = harness.commandLineEnvironment(settleChecks: "1s,3s")
            // Both processes start together; each asks for 6,000.00 of the 10,000.00 payment.
            _ = try SQLiteArchiveStore(path: environment["FISCAL_ARCHIVE_DB"] ?? "")
            let arguments = ["refund", "\(id)", "--amount", "6000", "--yes", "--settle-wait", "5"]
            async let a = CommandLineTests.runAside(arguments, environment: environment)
            async let b = CommandLineTests.runAside(arguments, environment: environment)
            let runs = try await [a, b]
            try await Task.sleep(for: .seconds(2))
            let ledger = await world.ledger(for: id)
            #expect(ledger.reduce(0) { $0 + $1.amount.minorUnits } <= 1_000_000)
            #expect(ledger.count == 1, "\(ledger)")
            #expect(await world.callCount(.paymentAdjustments) == 1)
            #expect(runs.filter { $0.status == 0 }.count == 1, "\(runs.map(\.stderr))")
        }
    }

    /// A refund through the gateway that this tool does not record (as another system would make it).
    static func refundDirectly(_ harness: Harness, _ id: TransactionID, minor: Int64) async throws {
        _ = try await harness.gateway.adjustPayment(id, amount: Money(minorUnits: minor, currency: .uzs))
    }

    /// Runs the due settle checks until the operation is no longer pending (at most 20 s).
    static func settle(_ service: MoneyOperations, _ archive: SQLiteArchiveStore, _ operationID: Int64) async throws
        -> MoneyOperations.Outcome
    {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            _ = try await service.settleDue()
            let record = try await #require(try archive.operation(operationID))
            switch record.state {
            case .succeeded:
                return .done(operationID: operationID, status: record.resultStatus ?? .completed, mxID: record.mxID, reconciled: true)
            case .failed:
                return .notDone(operationID: operationID, reason: record.reason ?? "")
            case .pending:
                try await Task.sleep(for: .milliseconds(300))
            }
        }
        return await .unknown(operationID: operationID, reason: try archive.operation(operationID)?.reason ?? "")
    }
}

extension MoneyOperations.Outcome {
    var operationID: Int64 {
        switch self {
        case .done(let id, _, _, _), .notDone(let id, _), .unknown(let id, _): id
        }
    }
}
