import Archive
import PostgresArchive
import SQLiteArchive
import AsyncHTTPClient
import FiscalCore
import Foundation
import Logging
import NIOCore
import Operations
import PaySysClient
import ReceiptFetcher
import Sync

/// The shared components of one command: configuration, logger, one HTTP client, the archive. Built once per
/// process and shut down explicitly.
final class Runtime: Sendable {
    let configuration: AppConfiguration
    let logger: Logger
    let httpClient: HTTPClient

    private init(configuration: AppConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        var http = HTTPClient.Configuration()
        // The fetcher follows redirects itself, checking each hop against the receipt host allowlist.
        http.redirectConfiguration = .disallow
        http.timeout = .init(connect: .seconds(10), read: .seconds(30))
        // The default pool keeps 8 connections per host, which would cap a sync at concurrency 8.
        http.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        self.httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)
    }

    /// Runs `body` with a runtime, shutting the HTTP client down afterwards whatever happens.
    static func with<T: Sendable>(
        _ options: GlobalOptions, configuration override: AppConfiguration? = nil,
        _ body: (Runtime) async throws -> T
    ) async throws -> T {
        bootstrapLogging()
        AppMetrics.bootstrap()
        let configuration: AppConfiguration
        do {
            configuration = try override ?? options.load()
        } catch {
            throw Exit.fail("Bad configuration: \(error)")
        }
        var logger = Logger(label: "fiscal-archive")
        logger.logLevel = options.verbose ? .debug : .notice
        let runtime = Runtime(configuration: configuration, logger: logger)
        do {
            let result = try await body(runtime)
            try await runtime.httpClient.shutdown()
            return result
        } catch {
            try? await runtime.httpClient.shutdown()
            throw error
        }
    }

    private static let loggingBootstrapped: Void = {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .notice
            return handler
        }
    }()

    /// Sends logs to stderr, once per process; each logger's level (`-v`: debug) is set where it is made.
    static func bootstrapLogging() {
        _ = loggingBootstrapped
    }

    /// An archive error's sentence, or any other error as it describes itself.
    static func sentence(_ error: any Error) -> String {
        (error as? ArchiveError)?.message ?? "\(error)"
    }

    /// Opens the archive `FISCAL_ARCHIVE_DB` (`--db`) names: a `postgres://` or `postgresql://` URL is a PostgreSQL
    /// database (migrated on open); anything else is the path of a SQLite file (created if needed).
    func openArchive() async throws -> any ArchiveStore {
        let location = configuration.databasePath
        do {
            if PostgresArchiveConfiguration.isURL(location) {
                return try await PostgresArchiveStore.open(url: location, logger: logger)
            }
            return try SQLiteArchiveStore(path: location, logger: logger)
        } catch {
            // The message names the archive (without a password) and the reason; the driver's own error adds nothing.
            throw Exit.fail(Self.sentence(error))
        }
    }

    /// The PaySys client; fails with a clear message when the credentials are missing.
    func gateway() throws -> PaySysClient {
        guard let serviceID = configuration.serviceID, let secretKey = configuration.secretKey else {
            throw Exit.fail(
                "PaySys credentials are not configured: set FISCAL_ARCHIVE_SERVICE_ID and FISCAL_ARCHIVE_SECRET_KEY "
                    + "(or run `fiscal-archive demo`, which uses the embedded sandbox).")
        }
        let unit: PaySysClient.Configuration.AmountUnit = configuration.paymentInfoAmountUnit == "major" ? .major : .minor
        return PaySysClient(
            configuration: .init(
                endpoint: configuration.gatewayURL,
                credentials: PaySysCredentials(serviceID: serviceID, secretKey: secretKey),
                paymentInfoAmountUnit: unit),
            httpClient: httpClient, logger: logger)
    }

    /// The receipt fetcher over the configured allowlist and JSON fallback.
    func fetcher() throws -> ReceiptFetcher {
        let allowlist: HostAllowlist
        do {
            allowlist = try HostAllowlist(parsing: configuration.receiptHosts)
        } catch {
            throw Exit.fail("Bad configuration: \(error.reason)")
        }
        var jsonAPI: ReceiptFetcher.Configuration.JSONAPI?
        if let url = configuration.receiptAPIURL {
            guard let key = configuration.receiptAPIKey else {
                throw Exit.fail("FISCAL_ARCHIVE_RECEIPT_API_URL is set but FISCAL_ARCHIVE_RECEIPT_API_KEY is not")
            }
            jsonAPI = .init(url: url, signingKey: key)
        }
        return ReceiptFetcher(
            configuration: .init(allowlist: allowlist, requestsPerSecond: configuration.receiptRate, jsonAPI: jsonAPI),
            httpClient: httpClient, logger: logger)
    }

    /// The sync engine over this runtime's components.
    func syncEngine(archive: any ArchiveStore, concurrency: Int? = nil) throws -> SyncEngine {
        return SyncEngine(
            archive: archive, gateway: try gateway(), fetcher: try fetcher(),
            configuration: SyncConfiguration(
                concurrency: concurrency ?? configuration.concurrency, retryInitial: configuration.retryInitial,
                retryMax: configuration.retryMax, receiptDeadline: configuration.receiptDeadline,
                recheckHorizon: configuration.recheckDays * 86_400, worker: WorkerIdentity.make()),
            logger: logger)
    }

    /// The refund / cancel / invoice service.
    func operations(archive: any ArchiveStore) throws -> MoneyOperations {
        MoneyOperations(
            archive: archive, gateway: try gateway(), logger: logger,
            schedule: (try? SettleSchedule(parsing: configuration.settleChecks)) ?? .standard)
    }

    /// Now, in Unix seconds.
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }
}
