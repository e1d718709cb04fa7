import FiscalCore
import AsyncHTTPClient
import Foundation
import PaySysClient
import Sandbox
import Testing

@Suite("PaySysClient against the sandbox: authentication, transport faults and retries")
struct ClientFaultTests {
    @Test func wrongSignatureIsRefused() async throws {
        try await withSandbox { sandbox in
            let client = makeClient(for: sandbox, secret: "not-the-secret")
            let seeded = try #require(await sandbox.world.firstPaid())
            let error = try await expectPaySysError { try await client.paymentInfo(seeded.id) }
            #expect(error.gatewayCode == .insufficientPrivileges)
            #expect(!error.isTransient)
            #expect(!error.description.contains("not-the-secret"))
        }
    }

    @Test func staleTimestampIsRefused() async throws {
        try await withSandbox { sandbox in
            let client = makeClient(for: sandbox, now: fixedNow.addingTimeInterval(-600))
            let seeded = try #require(await sandbox.world.firstPaid())
            let error = try await expectPaySysError { try await client.paymentInfo(seeded.id) }
            #expect(error.gatewayCode == .staleTimestamp)
            // within the allowed skew it works
            let close = makeClient(for: sandbox, now: fixedNow.addingTimeInterval(-120))
            #expect(try await close.paymentInfo(seeded.id).transactionID == seeded.id)
        }
    }

    @Test func malformedJSONAnswer() async throws {
        try await withSandbox(sandboxConfiguration(faults: [.paymentInfo: .fault(.malformedJSON)])) { sandbox in
            let client = makeClient(for: sandbox)
            let error = try await expectPaySysError { try await client.paymentInfo(11) }
            guard case .malformedResponse = error.kind else { throw UnexpectedKind(error) }
            #expect(await sandbox.world.callCount(.paymentInfo) == 1)
        }
    }

    @Test func serverErrorsThenSuccessRetriesReads() async throws {
        let faults: [GatewayMethod: FaultPlan] = [
            .paymentInfo: .fault(.serverError(status: 503), .firstCalls(2)),
            .fiscalCheque: .fault(.serverError(status: 502), .firstCalls(1)),
        ]
        try await withSandbox(sandboxConfiguration(faults: faults)) { sandbox in
            let client = makeClient(for: sandbox)
            let seeded = try #require(await sandbox.world.firstPaid())
            #expect(try await client.paymentInfo(seeded.id).transactionID == seeded.id)
            #expect(await sandbox.world.callCount(.paymentInfo) == 3)
            _ = try await client.fiscalCheque(seeded.id, type: .payment)
            #expect(await sandbox.world.callCount(.fiscalCheque) == 2)
        }
    }

    @Test func serverErrorOnCancelIsNotRetried() async throws {
        let faults: [GatewayMethod: FaultPlan] = [
            .paymentCancel: .fault(.serverError(status: 503), .firstCalls(1)),
            .paymentAdjustments: .fault(.serverError(status: 500), .firstCalls(1)),
        ]
        try await withSandbox(sandboxConfiguration(faults: faults)) { sandbox in
            let client = makeClient(for: sandbox)
            let payment = await sandbox.world.addTransaction(
                amount: Money(minorUnits: 50_000_00, currency: .uzs), date: Int64(fixedNow.timeIntervalSince1970) - 3600)
            let cancel = try await expectPaySysError { try await client.cancelPayment(payment.id) }
            #expect(cancel.kind == .http(status: 503))
            #expect(cancel.isTransient)
            #expect(cancel.isOutcomeUnknown)
            #expect(cancel.attempts == 1)
            #expect(await sandbox.world.callCount(.paymentCancel) == 1)
            let refund = try await expectPaySysError {
                try await client.adjustPayment(payment.id, amount: Money(minorUnits: 100, currency: .uzs))
            }
            #expect(refund.isOutcomeUnknown)
            #expect(await sandbox.world.callCount(.paymentAdjustments) == 1)
            #expect(await sandbox.world.ledger.isEmpty)
        }
    }

    @Test func rateLimitHonoursRetryAfter() async throws {
        let faults: [GatewayMethod: FaultPlan] = [.paymentInfo: .fault(.rateLimited(retryAfterSeconds: 1), .firstCalls(1))]
        try await withSandbox(sandboxConfiguration(faults: faults)) { sandbox in
            let client = makeClient(for: sandbox)
            let seeded = try #require(await sandbox.world.firstPaid())
            let clock = ContinuousClock()
            let started = clock.now
            #expect(try await client.paymentInfo(seeded.id).transactionID == seeded.id)
            // a lower bound only: the client waited at least the Retry-After it was given
            #expect(clock.now - started >= .seconds(1))
            #expect(await sandbox.world.callCount(.paymentInfo) == 2)
        }
    }

    @Test func retryAfterBeyondTheCapIsReported() async throws {
        let faults: [GatewayMethod: FaultPlan] = [.paymentInfo: .fault(.rateLimited(retryAfterSeconds: 120))]
        try await withSandbox(sandboxConfiguration(faults: faults)) { sandbox in
            let client = makeClient(for: sandbox)
            let error = try await expectPaySysError { try await client.paymentInfo(11) }
            #expect(error.kind == .rateLimited(retryAfter: 120))
            #expect(error.isTransient)
            #expect(!error.isOutcomeUnknown)
            #expect(await sandbox.world.callCount(.paymentInfo) == 1)
        }
    }

    @Test func timeout() async throws {
        let faults: [GatewayMethod: FaultPlan] = [.paymentInfo: .fault(.timeout(hold: .seconds(2)))]
        try await withSandbox(sandboxConfiguration(faults: faults)) { sandbox in
            let client = makeClient(for: sandbox, timeout: .milliseconds(300), retry: .none)
            let error = try await expectPaySysError { try await client.paymentInfo(11) }
            #expect(error.kind == .timeout)
            #expect(error.isTransient)
            #expect(error.isOutcomeUnknown)
        }
    }

    @Test func droppedConnection() async throws {
        let faults: [GatewayMethod: FaultPlan] = [.paymentInfo: .fault(.dropConnection)]
        try await withSandbox(sandboxConfiguration(faults: faults)) { sandbox in
            let client = makeClient(for: sandbox, retry: .none)
            let error = try await expectPaySysError { try await client.paymentInfo(11) }
            guard case .connection = error.kind else { throw UnexpectedKind(error) }
            #expect(error.isTransient)
            #expect(error.isOutcomeUnknown)
            #expect(await sandbox.world.callCount(.paymentInfo) == 1)
        }
    }

    @Test func mismatchedResponseID() async throws {
        let faults: [GatewayMethod: FaultPlan] = [.paymentInfo: .fault(.mismatchedID)]
        try await withSandbox(sandboxConfiguration(faults: faults)) { sandbox in
            let client = makeClient(for: sandbox)
            let seeded = try #require(await sandbox.world.firstPaid())
            let error = try await expectPaySysError { try await client.paymentInfo(seeded.id) }
            guard case .protocolViolation(let reason) = error.kind else { throw UnexpectedKind(error) }
            #expect(reason.contains("does not match"))
        }
    }

    @Test func oversizedResponse() async throws {
        let faults: [GatewayMethod: FaultPlan] = [.paymentInfo: .fault(.oversizedResponse(bytes: 100_000))]
        try await withSandbox(sandboxConfiguration(faults: faults)) { sandbox in
            let client = makeClient(for: sandbox, maxResponseBytes: 16_384)
            let seeded = try #require(await sandbox.world.firstPaid())
            let error = try await expectPaySysError { try await client.paymentInfo(seeded.id) }
            #expect(error.kind == .responseTooLarge(limit: 16_384))
            // the same answer passes a larger limit
            let roomy = makeClient(for: sandbox, maxResponseBytes: 1 << 20)
            #expect(try await roomy.paymentInfo(seeded.id).transactionID == seeded.id)
        }
    }

    @Test func appliedButAnswerLost() async throws {
        let faults: [GatewayMethod: FaultPlan] = [
            .paymentCancel: .fault(.appliedButAnswerLost, .firstCalls(1)),
            .paymentAdjustments: .fault(.appliedButAnswerLost, .firstCalls(1)),
        ]
        try await withSandbox(sandboxConfiguration(faults: faults)) { sandbox in
            let client = makeClient(for: sandbox)
            let now = Int64(fixedNow.timeIntervalSince1970)
            let payment = await sandbox.world.addTransaction(amount: Money(minorUnits: 77_000_00, currency: .uzs), date: now - 60)
            let error = try await expectPaySysError { try await client.cancelPayment(payment.id) }
            #expect(error.isOutcomeUnknown)
            #expect(await sandbox.world.ledger(for: payment.id).count == 1)
            #expect(await sandbox.world.callCount(.paymentCancel) == 1)
            // what rule 3 asks: find out with payment_info
            #expect(try await client.paymentInfo(payment.id).status == .cancelled)

            let other = await sandbox.world.addTransaction(amount: Money(minorUnits: 10_000_00, currency: .uzs), date: now - 60)
            let refund = try await expectPaySysError {
                try await client.adjustPayment(other.id, amount: Money(minorUnits: 1_000_00, currency: .uzs))
            }
            #expect(refund.isOutcomeUnknown)
            #expect(await sandbox.world.ledger(for: other.id).map(\.amount.minorUnits) == [1_000_00])
            #expect(await sandbox.world.callCount(.paymentAdjustments) == 1)
        }
    }

    @Test func transientGatewayCodesAreRetriedForReads() async throws {
        let faults: [GatewayMethod: FaultPlan] = [
            .paymentInfo: FaultPlan(rules: [
                FaultRule(.gatewayError(code: -32318, message: "Processing unavailable"), .calls([1])),
                FaultRule(.gatewayError(code: -32400, message: "Internal error"), .calls([2])),
            ])
        ]
        try await withSandbox(sandboxConfiguration(faults: faults)) { sandbox in
            let client = makeClient(for: sandbox)
            let seeded = try #require(await sandbox.world.firstPaid())
            _ = try await client.paymentInfo(seeded.id)
            #expect(await sandbox.world.callCount(.paymentInfo) == 3)
        }
    }

    @Test func connectionRefusedMeansNotSent() async throws {
        // Start and stop a sandbox to get a port nobody listens on.
        let sandbox = try await SandboxServer.start(configuration: sandboxConfiguration(), logger: .init(label: "s"))
        await sandbox.shutdown()
        let http = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(timeout: .init(connect: .milliseconds(300))))
        let client = PaySysClient(
            configuration: .init(
                endpoint: sandbox.gatewayURL,
                credentials: PaySysCredentials(serviceID: sandbox.serviceID, secretKey: sandbox.secretKey),
                requestTimeout: .seconds(5), retry: .none),
            httpClient: http, logger: .init(label: "t"), now: { fixedNow })
        let error = try await expectPaySysError { try await client.cancelPayment(11) }
        try await http.shutdown()
        guard case .connection = error.kind else { throw UnexpectedKind(error) }
        #expect(!error.isOutcomeUnknown, "\(error)")
    }
}

struct UnexpectedKind: Error, CustomStringConvertible {
    var error: PaySysError
    init(_ error: PaySysError) { self.error = error }
    var description: String { "Unexpected error kind: \(error)" }
}
