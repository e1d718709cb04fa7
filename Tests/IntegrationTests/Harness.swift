import Archive
import SQLiteArchive
import AsyncHTTPClient
import FiscalCore
import Foundation
import Logging
import Operations
import PaySysClient
import ReceiptFetcher
import Sandbox
import Sync
import Testing

/// A sandbox on a loopback port, a temporary archive, and the real client, fetcher and engine wired to them.
struct Harness {
    let sandbox: SandboxServer
    let archive: SQLiteArchiveStore
    let archivePath: String
    let httpClient: HTTPClient
    let gateway: PaySysClient
    let fetcher: ReceiptFetcher
    let logger: Logger

    static func start(
        _ configuration: SandboxConfiguration = SandboxConfiguration(transactionCount: 60),
        archivePath: String? = nil, jsonFallback: Bool = true, gatewayTimeout: Duration = .seconds(5)
    ) async throws -> Harness {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let sandbox = try await SandboxServer.start(configuration: configuration, logger: logger)
        let path = archivePath ?? temporaryPath("archive.sqlite")
        let archive = try SQLiteArchiveStore(path: path)
        var http = HTTPClient.Configuration()
        http.redirectConfiguration = .disallow
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)
        let gateway = PaySysClient(
            configuration: .init(
                endpoint: sandbox.gatewayURL,
                credentials: PaySysCredentials(serviceID: sandbox.serviceID, secretKey: sandbox.secretKey),
                requestTimeout: gatewayTimeout,
                retry: .init(maxAttempts: 3, initialBackoff: .milliseconds(20), maxBackoff: .milliseconds(200),
                    maxRetryAfter: .seconds(2))),
            httpClient: httpClient, logger: logger)
        let fetcher = ReceiptFetcher(
            configuration: .init(
                // The sandbox's own address, whatever host its receipt links name (tests point them elsewhere).
                allowlist: HostAllowlist([HostAllowlist.Entry(host: "127.0.0.1", port: sandbox.port)]),
                timeout: .seconds(5), requestsPerSecond: 0,
                jsonAPI: jsonFallback
                    ? .init(url: sandbox.receiptAPIURL, signingKey: sandbox.configuration.receiptAPIKey) : nil),
            httpClient: httpClient, logger: logger)
        return Harness(
            sandbox: sandbox, archive: archive, archivePath: path, httpClient: httpClient, gateway: gateway,
            fetcher: fetcher, logger: logger)
    }

    /// Runs `body` with a started harness and always shuts it down (an unshut `HTTPClient` traps in its deinit).
    static func with(
        _ configuration: SandboxConfiguration = SandboxConfiguration(transactionCount: 60),
        archivePath: String? = nil, jsonFallback: Bool = true, gatewayTimeout: Duration = .seconds(5),
        _ body: (Harness) async throws -> Void
    ) async throws {
        let harness = try await start(
            configuration, archivePath: archivePath, jsonFallback: jsonFallback, gatewayTimeout: gatewayTimeout)
        do {
            try await body(harness)
        } catch {
            await harness.shutdown()
            throw error
        }
        await harness.shutdown()
    }

    func engine(
        archive: SQLiteArchiveStore? = nil, concurrency: Int = 8, retryInitial: Int64 = 1, retryMax: Int64 = 2,
        deadline: Int64 = 604_800, worker: String = "test-\(UUID().uuidString.prefix(6))"
    ) -> SyncEngine {
        SyncEngine(
            archive: archive ?? self.archive, gateway: gateway, fetcher: fetcher,
            configuration: SyncConfiguration(
                concurrency: concurrency, retryInitial: retryInitial, retryMax: retryMax, receiptDeadline: deadline,
                worker: worker),
            logger: logger)
    }

    func operations(
        schedule: SettleSchedule = .standard, clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) -> MoneyOperations {
        MoneyOperations(archive: archive, gateway: gateway, logger: logger, schedule: schedule, clock: clock)
    }

    /// The settings that point the executable at this harness's sandbox, with an archive of its own.
    func commandLineEnvironment(settleChecks: String) -> [String: String] {
        [
            "FISCAL_ARCHIVE_DB": Harness.temporaryPath("cli.sqlite"),
            "FISCAL_ARCHIVE_GATEWAY_URL": sandbox.gatewayURL,
            "FISCAL_ARCHIVE_SERVICE_ID": sandbox.serviceID,
            "FISCAL_ARCHIVE_SECRET_KEY": sandbox.secretKey,
            "FISCAL_ARCHIVE_SETTLE_CHECKS": settleChecks,
        ]
    }

    /// Tracks every transaction the sandbox has.
    func trackAll() async throws -> [SandboxTransaction] {
        let transactions = await sandbox.world.allTransactions
        _ = try await archive.track(
            transactions.map { TrackRequest(id: $0.id, type: $0.type, vendorOrderID: $0.vendorUserID) },
            now: Int64(Date().timeIntervalSince1970))
        return transactions
    }

    func shutdown() async {
        try? await httpClient.shutdown()
        await sandbox.shutdown()
    }

    static func temporaryPath(_ name: String) -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("fiscal-archive-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }
}

/// Runs `body` and returns the local refusal it throws (any other outcome is recorded as an issue).
func refusal(_ body: () async throws -> Void) async -> OperationRefusal? {
    do {
        try await body()
        return nil
    } catch let refusal as OperationRefusal {
        return refusal
    } catch {
        Issue.record("expected a refusal, got \(error)")
        return nil
    }
}
