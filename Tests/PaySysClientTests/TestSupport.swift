import AsyncHTTPClient
import FiscalCore
import Foundation
import Logging
import PaySysClient
import Sandbox
import Synchronization

/// A fixed "now" for the sandbox and the client: 2026-04-02 12:00 Tashkent, two days after the seeded month.
let fixedNow = Date(timeIntervalSince1970: TimeInterval(Tashkent.LocalDateTime(year: 2026, month: 4, day: 2, hour: 12).epochSeconds))
let seededMonth = YearMonth(year: 2026, month: 3)
let sandboxSecret = "sandbox-secret-FOR-TESTS-9f3a"

/// A logger whose lines (with metadata set on the logger itself) are collected in `store`.
final class LogStore: Sendable {
    let lines = Mutex<[String]>([])

    var logger: Logger {
        var logger = Logger(label: "test") { label in StoreHandler(store: self, label: label) }
        logger.logLevel = .trace
        return logger
    }

    var all: [String] { lines.withLock { $0 } }
}

/// A handler that keeps its own metadata (the client sets `gateway.method` etc. on the logger).
struct StoreHandler: LogHandler {
    let store: LogStore
    let label: String
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var text = "\(event.level) \(event.message)"
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) { text += " \(key)=\(value)" }
        store.lines.withLock { $0.append(text) }
    }
}

func sandboxConfiguration(
    transactionCount: Int = 40, faults: [GatewayMethod: FaultPlan] = [:], now: Date = fixedNow
) -> SandboxConfiguration {
    SandboxConfiguration(
        serviceID: "svc-test", secretKey: sandboxSecret, seed: 7, month: seededMonth, transactionCount: transactionCount,
        recentTransactionCount: 4, now: { now }, gatewayFaults: faults)
}

func makeClient(
    for sandbox: SandboxServer, secret: String? = nil, now: Date = fixedNow, timeout: Duration = .seconds(5),
    maxResponseBytes: Int = 1 << 20, retry: PaySysClient.Configuration.Retry = .init(
        maxAttempts: 4, initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(40), maxRetryAfter: .seconds(5)),
    logger: Logger = Logger(label: "test")
) -> PaySysClient {
    let configuration = PaySysClient.Configuration(
        endpoint: sandbox.gatewayURL,
        credentials: PaySysCredentials(serviceID: sandbox.serviceID, secretKey: secret ?? sandbox.secretKey),
        requestTimeout: timeout, maxResponseBytes: maxResponseBytes, retry: retry)
    return PaySysClient(configuration: configuration, httpClient: HTTPClient.shared, logger: logger, now: { now })
}

/// Starts a sandbox, runs `body`, and always shuts the sandbox down.
func withSandbox(
    _ configuration: SandboxConfiguration = sandboxConfiguration(),
    _ body: (SandboxServer) async throws -> Void
) async throws {
    let sandbox = try await SandboxServer.start(configuration: configuration, logger: Logger(label: "sandbox"))
    do {
        try await body(sandbox)
    } catch {
        await sandbox.shutdown()
        throw error
    }
    await sandbox.shutdown()
}

/// Runs `body` expecting a ``PaySysError``; returns it (or records an issue and rethrows a marker).
func expectPaySysError<T>(_ body: () async throws -> T) async throws -> PaySysError {
    do {
        let value = try await body()
        throw UnexpectedSuccess(value: "\(value)")
    } catch let error as PaySysError {
        return error
    }
}

struct UnexpectedSuccess: Error, CustomStringConvertible {
    var value: String
    var description: String { "Expected a PaySysError, got \(value)" }
}

extension SandboxWorld {
    /// The first seeded transaction that is paid and of the given type.
    func firstPaid(_ type: TransactionType = .payment) -> SandboxTransaction? {
        allTransactions.first { $0.status == .completed && $0.type == type }
    }
}
