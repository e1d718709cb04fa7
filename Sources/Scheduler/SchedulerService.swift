import Archive
import FiscalCore
import Foundation
import Logging
import Reports
import ServiceLifecycle
import Sync
import Synchronization

/// `fiscal-archive run`: syncs every interval and exports each finished month on its 1st, until SIGTERM.
///
/// On a graceful shutdown the sync in progress stops claiming new steps, the steps in flight are recorded, and
/// the service returns.
public struct SchedulerService: Service {
    /// How the scheduler behaves.
    public struct Configuration: Sendable {
        /// Seconds between syncs.
        public var syncInterval: Int64
        public var calendar: ExportCalendar
        public var reportsDirectory: String
        public var language: ReportLanguage
        /// How reports are written (the HTML register's row limit).
        public var generator: ReportGenerator
        /// This process's name in the export lease (`host:pid:nonce`).
        public var worker: String

        public init(
            syncInterval: Int64, calendar: ExportCalendar, reportsDirectory: String, language: ReportLanguage,
            generator: ReportGenerator = ReportGenerator(), worker: String = WorkerIdentity.make()
        ) {
            self.worker = worker
            self.syncInterval = syncInterval
            self.calendar = calendar
            self.reportsDirectory = reportsDirectory
            self.language = language
            self.generator = generator
        }
    }

    private let archive: any ArchiveStore
    private let engine: SyncEngine
    private let configuration: Configuration
    private let logger: Logger
    private let clock: @Sendable () -> Int64
    private let beforeSync: @Sendable () async -> Int64?

    /// Creates the service; `beforeSync` runs at the start of every sync round (the executable settles pending
    /// money operations there) and returns when it next needs a round (Unix seconds), if it does: the scheduler
    /// then wakes early.
    public init(
        archive: any ArchiveStore, engine: SyncEngine, configuration: Configuration, logger: Logger,
        clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) },
        beforeSync: @escaping @Sendable () async -> Int64? = { nil }
    ) {
        self.archive = archive
        self.engine = engine
        self.configuration = configuration
        self.logger = logger
        self.clock = clock
        self.beforeSync = beforeSync
    }

    public func run() async throws {
        let stop = StopFlag()
        await withGracefulShutdownHandler {
            while !stop.isSet {
                let requested = await tick(stop: stop)
                if stop.isSet { break }
                let now = clock()
                let scheduled = min(now + configuration.syncInterval, configuration.calendar.nextExportTime(after: now))
                let wake = requested.map { min(scheduled, $0) } ?? scheduled
                // The pause ends early on SIGTERM.
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(max(1, wake - now))) }
            }
            logger.info("Scheduler stopped")
        } onGracefulShutdown: {
            stop.set()
        }
    }

    /// One round: catch up on exports, then sync. Errors are logged; the next round tries again. Returns when
    /// `beforeSync` asked for the next round, if it did.
    @discardableResult
    public func tick(stop: StopFlag = StopFlag()) async -> Int64? {
        await exportDueMonths()
        guard !stop.isSet else { return nil }
        let requested = await beforeSync()
        do {
            let summary = try await engine.run(shouldStop: { stop.isSet })
            let p = summary.progress
            logger.info("Sync round done", metadata: [
                "sync.processed": "\(p.processed)", "sync.archived": "\(p.archived)", "sync.waiting": "\(p.waiting)",
                "sync.failed": "\(p.failed)", "sync.changes": "\(p.changes)",
            ])
        } catch {
            logger.error("Sync round failed", metadata: ["error": "\(error)"])
        }
        return requested
    }

    /// Writes every month whose export is due and not done yet (catching up after downtime).
    ///
    /// Several `run`s may share one archive: only the one holding the `monthly-export` lease exports (the others
    /// keep syncing), and it reads what was last exported only once it holds the lease.
    public func exportDueMonths() async {
        do {
            let now = clock()
            let exported = try await archive.meta("last_export_month").flatMap(YearMonth.init(parsing:))
            guard !configuration.calendar.monthsToExport(now: now, lastExported: exported).isEmpty else { return }
            guard try await archive.acquireLease("monthly-export", owner: configuration.worker, until: now + 3_600, now: now)
            else {
                logger.info("Another run holds the monthly export; this one only syncs")
                return
            }
            do {
                let last = try await archive.meta("last_export_month").flatMap(YearMonth.init(parsing:))
                for month in configuration.calendar.monthsToExport(now: clock(), lastExported: last) {
                    let result = try await MonthlyExport.export(
                        month: month, archive: archive, directory: configuration.reportsDirectory,
                        language: configuration.language, generator: configuration.generator)
                    try await archive.setMeta("last_export_month", month.description)
                    try await archive.setMeta("last_export_at", String(clock()))
                    logger.notice("Monthly reports written", metadata: [
                        "report.month": "\(month)", "report.html": "\(result.html.path)",
                        "report.csv": "\(result.csv.path)",
                    ])
                }
            } catch {
                try? await archive.releaseLease("monthly-export", owner: configuration.worker)
                throw error
            }
            try? await archive.releaseLease("monthly-export", owner: configuration.worker)
        } catch {
            logger.error("Monthly export failed; it is retried on the next round", metadata: ["error": "\(error)"])
        }
    }
}

/// A flag set once by a shutdown handler and read by workers.
public final class StopFlag: Sendable {
    private let value = Mutex(false)

    public init() {}

    /// Whether a stop was requested.
    public var isSet: Bool { value.withLock { $0 } }

    /// Requests the stop.
    public func set() { value.withLock { $0 = true } }
}
