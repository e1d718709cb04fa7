import FiscalCore
import Foundation
import PaySysClient
import Sandbox
import Testing

/// The sandbox can be the gateway that hurts (`sandbox --fault`): these prove each behaviour is what it claims,
/// so the operation tests that rely on them test something real.
@Suite("Sandbox faults that apply money calls behind the client's back")
struct HostileGatewayTests {
    private func payment(_ sandbox: SandboxServer) async -> TransactionID {
        await sandbox.world.addTransaction(
            amount: Money(minorUnits: 800_000, currency: .uzs), date: Int64(fixedNow.timeIntervalSince1970) - 3600).id
    }

    private func faults(_ texts: String...) throws -> [GatewayMethod: FaultPlan] {
        var plans: [GatewayMethod: FaultPlan] = [:]
        for text in texts { try FaultSpec(parsing: text).apply(to: &plans) }
        return plans
    }

    @Test("drop_then_apply: the connection drops, and the refund appears in the ledger later")
    func dropThenApply() async throws {
        try await withSandbox(sandboxConfiguration(faults: try faults("payment_adjustments:drop_then_apply:2000"))) { sandbox in
            let client = makeClient(for: sandbox)
            let id = await payment(sandbox)
            let start = ContinuousClock.now
            let error = try await expectPaySysError { try await client.adjustPayment(id, amount: Money(minorUnits: 1_000, currency: .uzs)) }
            #expect(error.isOutcomeUnknown)
            // On a badly loaded machine the answer may come after the delay: then this look proves nothing.
            if ContinuousClock.now - start < .milliseconds(1500) { #expect(await sandbox.world.ledger(for: id).isEmpty) }
            // Applied later, once: watch the ledger for up to 15 s (the machine may be busy).
            var ledger = await sandbox.world.ledger(for: id)
            while ledger.isEmpty && ContinuousClock.now - start < .seconds(15) {
                try await Task.sleep(for: .milliseconds(100))
                ledger = await sandbox.world.ledger(for: id)
            }
            #expect(ContinuousClock.now - start >= .milliseconds(2000))
            #expect(ledger.map(\.amount.minorUnits) == [1_000])
        }
    }

    @Test("apply_then_error: a 5xx answer, and the cancel applied")
    func applyThenError() async throws {
        try await withSandbox(sandboxConfiguration(faults: try faults("payment_cancel:apply_then_error:502"))) { sandbox in
            let client = makeClient(for: sandbox)
            let id = await payment(sandbox)
            let error = try await expectPaySysError { try await client.cancelPayment(id) }
            #expect(error.kind == .http(status: 502))
            #expect(error.isOutcomeUnknown)
            #expect(await sandbox.world.ledger(for: id).map(\.kind) == [.cancel])
        }
    }

    @Test("error_then_apply_on_retry: nothing applied, but a blind retry applies the refund twice")
    func errorThenApplyOnRetry() async throws {
        try await withSandbox(sandboxConfiguration(faults: try faults("payment_adjustments:error_then_apply_on_retry"))) { sandbox in
            let client = makeClient(for: sandbox)
            let id = await payment(sandbox)
            let amount = Money(minorUnits: 2_000, currency: .uzs)
            let error = try await expectPaySysError { try await client.adjustPayment(id, amount: amount) }
            #expect(error.isOutcomeUnknown)
            #expect(await sandbox.world.ledger(for: id).isEmpty)
            // What a tool that retries would cause: the queued call and the retry both apply.
            _ = try await client.adjustPayment(id, amount: amount)
            #expect(await sandbox.world.ledger(for: id).map(\.amount.minorUnits) == [2_000, 2_000])
        }
    }

    @Test("lag: payment_info reports the old status until the lag has passed")
    func statusLag() async throws {
        try await withSandbox(sandboxConfiguration(faults: try faults("payment_info:lag:4000"))) { sandbox in
            let client = makeClient(for: sandbox)
            let id = await payment(sandbox)
            _ = try await client.cancelPayment(id)
            // The cancel was applied before its answer came back.
            let applied = ContinuousClock.now
            let stale = try await client.paymentInfo(id).status
            // On a badly loaded machine the first look may come after the lag: then it proves nothing.
            if ContinuousClock.now - applied < .milliseconds(3500) { #expect(stale == .completed) }
            try await Task.sleep(until: applied + .milliseconds(4500))
            #expect(try await client.paymentInfo(id).status == .cancelled)
        }
    }

    @Test("fault texts", arguments: [
        ("payment_adjustments:drop_then_apply:4000", GatewayMethod.paymentAdjustments,
            FaultPlan(rules: [FaultRule(.dropThenApply(after: .milliseconds(4000)), .always)])),
        ("paysys.payment_cancel:apply_then_error", .paymentCancel,
            FaultPlan(rules: [FaultRule(.applyThenError(status: 500), .always)])),
        ("payment_cancel:error_then_apply_on_retry:503", .paymentCancel,
            FaultPlan(rules: [FaultRule(.errorThenApplyOnRetry(status: 503), .firstCalls(1))])),
        ("payment_info:lag:2500", .paymentInfo, FaultPlan(statusLag: .milliseconds(2500))),
        ("get_fiscal_cheque:latency:50", .fiscalCheque, FaultPlan(latency: .milliseconds(50))),
        ("payment_adjustments:error:-32400", .paymentAdjustments,
            FaultPlan(rules: [FaultRule(.gatewayError(code: -32400, message: "Sandbox fault"), .always)])),
    ])
    func parsing(text: String, method: GatewayMethod, plan: FaultPlan) throws {
        var plans: [GatewayMethod: FaultPlan] = [:]
        try FaultSpec(parsing: text).apply(to: &plans)
        #expect(plans == [method: plan])
    }

    @Test("bad fault texts name the problem", arguments: [
        ("payment_adjustments", "expected METHOD:KIND"),
        ("pay:drop", "unknown method \"pay\""),
        ("payment_info:wobble", "unknown fault \"wobble\""),
        ("payment_cancel:lag:10", "payment_info only"),
        ("payment_cancel:server_error:200", "not 400…599"),
        ("payment_cancel:timeout:soon", "not a whole number"),
    ])
    func badText(text: String, problem: String) {
        #expect(throws: FaultSpecError.self) { _ = try FaultSpec(parsing: text) }
        do {
            _ = try FaultSpec(parsing: text)
        } catch {
            #expect(error.description.contains(problem), "\(error)")
        }
    }
}
