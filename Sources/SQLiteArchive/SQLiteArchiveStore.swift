import Archive
import FiscalCore
import Foundation
import GRDB
import Logging

/// The archive in one SQLite file (WAL), through GRDB: the embedded default backend of ``ArchiveStore``.
///
/// No GRDB type or SQL leaves this module. Writes are serialised by SQLite's write lock (every write transaction is
/// `BEGIN IMMEDIATE`), which is what makes claims and operation intents safe across threads and processes. Every
/// method goes through GRDB's async access, so no database wait blocks a thread of Swift's cooperative pool.
public final class SQLiteArchiveStore: ArchiveStore, MonthlyTotalsReader {
    let pool: DatabasePool
    let logger: Logger?
    /// Trips waiting for the writer (a group commit, see ``commit(_:of:lease:now:)``).
    let trips = TripCommitQueue()
    /// The archive file.
    public let path: String
    public var location: String { path }

    /// Opens (creating if needed) the archive at `path` and migrates it.
    ///
    /// A new file is created with owner-only permissions (0600) before SQLite opens it. WAL journal, foreign keys
    /// on, and `busyTimeout` seconds of waiting for another process's write lock before failing with
    /// ``ArchiveError/Code/locked``.
    public convenience init(path: String, logger: Logger? = nil, busyTimeout: TimeInterval = 10) throws(ArchiveError) {
        try self.init(path: path, logger: logger, busyTimeout: busyTimeout, traceStatements: nil)
    }

    /// Opens the archive, passing the SQL of every statement run on any connection to `traceStatements` (for the
    /// test that checks every query of the sync path seeks an index).
    init(
        path: String, logger: Logger?, busyTimeout: TimeInterval,
        traceStatements: (@Sendable (String) -> Void)?
    ) throws(ArchiveError) {
        self.path = path
        self.logger = logger
        try Self.createPrivateFile(at: path)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "fiscal-archive"
        configuration.prepareDatabase { db in
            // Bulk FTS and big originals: keep temporary b-trees in memory.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            if let traceStatements {
                db.trace(options: .statement) { event in
                    if case .statement(let statement) = event { traceStatements(statement.expandedSQL) }
                }
            }
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw Self.mapError(error, "Cannot open the archive \(path)", code: .open)
        }
        logger?.debug("archive opened", metadata: ["archive.path": "\(path)"])
    }

    /// Checkpoints the whole WAL into the file and closes it, for callers that move the file afterwards (closing
    /// alone does not always fold the WAL in: the file could be moved without its last writes).
    public func close() throws(ArchiveError) {
        do {
            _ = try pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
            try pool.close()
        } catch {
            throw Self.mapError(error, "Cannot close the archive \(path)")
        }
    }

    /// An archive in a new unique temporary file (for tests).
    public static func temporary() throws(ArchiveError) -> SQLiteArchiveStore {
        let directory = FileManager.default.temporaryDirectory.path
        let path = "\(directory)/fiscal-archive-\(UUID().uuidString).sqlite"
        return try SQLiteArchiveStore(path: path)
    }

    /// Creates the file 0600 when missing, so no other user can read the archive even for an instant.
    private static func createPrivateFile(at path: String) throws(ArchiveError) {
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw ArchiveError(.open, "Cannot create the archive \(path): \(reason)")
        }
        closeDescriptor(fd)
    }

    // MARK: - Error mapping and transaction helpers

    /// Turns any error into an ``ArchiveError``, mapping SQLite busy/locked to ``ArchiveError/Code/locked``.
    static func mapError(
        _ error: any Error, _ context: String, code: ArchiveError.Code = .database, id: TransactionID? = nil
    ) -> ArchiveError {
        if let archiveError = error as? ArchiveError { return archiveError }
        if let databaseError = error as? DatabaseError {
            switch databaseError.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                return ArchiveError(
                    .locked, "\(context): the archive is locked by another process", transactionID: id,
                    underlying: databaseError)
            default:
                return ArchiveError(code, "\(context): \(databaseError.message ?? "\(databaseError.resultCode)")",
                    transactionID: id, underlying: databaseError)
            }
        }
        return ArchiveError(code, "\(context): \(error)", transactionID: id)
    }

    /// Runs `body` in one write transaction, mapping errors, without blocking a thread of Swift's cooperative pool:
    /// GRDB's async access waits for the writer off the pool. GRDB opens a pool's write transactions with
    /// `BEGIN IMMEDIATE`: SQLite's write lock is taken before the first read, so what a claim or an operation check
    /// reads cannot change before it writes, in any process.
    func asyncWrite<T: Sendable>(
        _ context: @autoclosure () -> String, id: TransactionID? = nil,
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws(ArchiveError) -> T {
        do {
            return try await pool.write(body)
        } catch {
            throw Self.mapError(error, context(), id: id)
        }
    }

    /// Runs `body` on a read snapshot without blocking a thread of Swift's cooperative pool.
    func asyncRead<T: Sendable>(
        _ context: @autoclosure () -> String, id: TransactionID? = nil,
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws(ArchiveError) -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw Self.mapError(error, context(), id: id)
        }
    }

    // MARK: - Meta

    /// Stores a small named value (`last_sync_at`, `last_export_month`, …).
    public func setMeta(_ key: String, _ value: String) async throws(ArchiveError) {
        try await asyncWrite("Cannot store \(key)") { db in
            try db.execute(
                sql: "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                arguments: [key, value])
        }
    }

    /// A value stored with ``setMeta(_:_:)``, or `nil`.
    public func meta(_ key: String) async throws(ArchiveError) -> String? {
        try await asyncRead("Cannot read \(key)") { db in
            try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key])
        }
    }

    /// Takes a named lease for `owner` until `until` (Unix seconds) when nobody else holds it unexpired — one write
    /// transaction, so of several processes (on several machines, once the archive is a server database) exactly one
    /// gets it. The holder may renew it. Returns whether `owner` holds it now.
    public func acquireLease(_ name: String, owner: String, until: Int64, now: Int64) async throws(ArchiveError) -> Bool {
        try await asyncWrite("Cannot take the \(name) lease") { db in
            let key = "lease:\(name)"
            if let value = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) {
                let parts = value.split(separator: " ", maxSplits: 1).map(String.init)
                if parts.count == 2, let held = Int64(parts[0]), held > now, parts[1] != owner { return false }
            }
            try db.execute(
                sql: "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                arguments: [key, "\(until) \(owner)"])
            return true
        }
    }

    /// Gives a lease back early (only its holder can).
    public func releaseLease(_ name: String, owner: String) async throws(ArchiveError) {
        try await asyncWrite("Cannot give back the \(name) lease") { db in
            try db.execute(
                sql: "DELETE FROM meta WHERE key = ? AND value LIKE '% ' || ?",
                arguments: ["lease:\(name)", owner])
        }
    }
}

/// `close(2)`, out of reach of the store's own `close()`.
private func closeDescriptor(_ fd: Int32) {
    close(fd)
}
