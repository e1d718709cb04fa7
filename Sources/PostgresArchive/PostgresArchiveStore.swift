import Archive
import FiscalCore
import Foundation
import Logging
import PostgresNIO

/// The archive in a PostgreSQL database, shared by sync workers on several machines.
///
/// Same semantics as `SQLiteArchiveStore` (both pass the same suite); what differs is how the guarantees are kept:
/// - claims select due rows `FOR UPDATE SKIP LOCKED`, so concurrent claimers never wait for, nor get, each other's
///   rows; every pipeline write re-reads the row `FOR UPDATE` and checks the fencing token;
/// - chain appends take a transaction-scoped advisory lock (`pg_advisory_xact_lock`) and move the head row in the
///   same transaction; every write transaction that may append takes that lock first, so locks are always taken in
///   the same order (chain, then rows, then counters) and appends never deadlock;
/// - `beginOperation` locks the transaction's row (`SELECT … FOR UPDATE`) before reading the context, so two
///   processes can never both pass `check` on the same state;
/// - a register snapshot is a `REPEATABLE READ, READ ONLY` transaction held on one connection for its life.
///
/// Write transactions run at `READ COMMITTED` and are retried (up to 4 times) on a deadlock or serialisation failure.
/// The connection pool runs in a task the store owns: call ``close()`` when done (it drains and closes connections).
public final class PostgresArchiveStore: ArchiveStore, Sendable {
    let client: PostgresClient
    let runTask: Task<Void, Never>
    let logger: Logger
    /// Sees every statement run in a transaction (for the test that checks the sync path seeks indexes).
    let traceStatements: (@Sendable (PostgresQuery) -> Void)?
    /// The server and database, without the password.
    public let location: String
    public let configuration: PostgresArchiveConfiguration

    /// Connects to the archive at `url` (`postgres://user:password@host:port/database?sslmode=…`), migrating it.
    public static func open(url: String, logger: Logger? = nil) async throws(ArchiveError) -> PostgresArchiveStore {
        try await open(PostgresArchiveConfiguration(url: url), logger: logger)
    }

    /// Connects to the archive `configuration` names, migrating it (two processes migrating at once are serialised
    /// by an advisory lock). Fails with ``ArchiveError/Code/open`` when the server cannot be reached within
    /// `connectTimeout`.
    public static func open(
        _ configuration: PostgresArchiveConfiguration, logger: Logger? = nil, connectTimeout: Duration = .seconds(20)
    ) async throws(ArchiveError) -> PostgresArchiveStore {
        try await open(configuration, logger: logger, connectTimeout: connectTimeout, traceStatements: nil)
    }

    static func open(
        _ configuration: PostgresArchiveConfiguration, logger: Logger?, connectTimeout: Duration,
        traceStatements: (@Sendable (PostgresQuery) -> Void)?
    ) async throws(ArchiveError) -> PostgresArchiveStore {
        let store = PostgresArchiveStore(configuration, logger: logger, traceStatements: traceStatements)
        do {
            try await store.migrate(timeout: connectTimeout)
        } catch {
            await store.close()
            throw error
        }
        store.logger.debug("archive opened", metadata: ["archive.location": "\(store.location)"])
        return store
    }

    private init(
        _ configuration: PostgresArchiveConfiguration, logger: Logger?,
        traceStatements: (@Sendable (PostgresQuery) -> Void)?
    ) {
        self.configuration = configuration
        self.traceStatements = traceStatements
        location = configuration.location
        var logger = logger ?? Logger(label: "fiscal-archive.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        logger[metadataKey: "archive.location"] = "\(configuration.location)"
        self.logger = logger
        let client = PostgresClient(configuration: configuration.clientConfiguration(), backgroundLogger: logger)
        self.client = client
        runTask = Task { await client.run() }
    }

    /// Closes every connection and stops the pool. The store cannot be used afterwards. A register snapshot still
    /// alive holds its connection: release snapshots first, or this waits for them.
    public func close() async {
        runTask.cancel()
        await runTask.value
    }

    /// A store dropped without ``close()`` still stops its pool (its connections close in the background).
    deinit {
        runTask.cancel()
    }

    // MARK: - Migrations

    /// Connects once directly (a wrong password or a missing database fails at once with the server's message; the
    /// pool would keep retrying), within `timeout`, then migrates on that connection (no time limit: migrating a
    /// large archive, or waiting for another process's migration, may take long).
    private func migrate(timeout: Duration) async throws(ArchiveError) {
        let context = "Cannot open the archive \(location)"
        let connection: PostgresConnection
        do {
            let configuration = try self.configuration.connectionConfiguration()
            let logger = self.logger
            connection = try await withThrowingTaskGroup(of: PostgresConnection.self) { group in
                group.addTask {
                    try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw ArchiveError(
                        .open, "\(context): the server did not answer within \(timeout.components.seconds) seconds")
                }
                defer { group.cancelAll() }
                guard let first = try await group.next() else { throw CancellationError() }
                return first
            }
        } catch {
            throw Self.mapError(error, context, code: .open)
        }
        do {
            try await Self.migrate(Conn(connection, logger))
            try? await connection.close()
        } catch {
            try? await connection.close()
            throw Self.mapError(error, context, code: .open)
        }
    }

    /// Applies missing migrations, each in its own transaction, under a session advisory lock.
    static func migrate(_ c: Conn) async throws {
        try await c.exec("SELECT pg_advisory_lock(\(PostgresMigrations.lockKey))")
        do {
            try await c.exec("""
                CREATE TABLE IF NOT EXISTS schema_migrations(version text PRIMARY KEY, applied_at timestamptz NOT NULL
                    DEFAULT now())
                """)
            let applied = Set(try await c.rows("SELECT version FROM schema_migrations").map { try $0("version", String.self) })
            for migration in PostgresMigrations.all where !applied.contains(migration.version) {
                try await c.exec("BEGIN")
                do {
                    try await c.script(migration.sql)
                    try await c.exec("INSERT INTO schema_migrations(version) VALUES (\(migration.version))")
                    try await c.exec("COMMIT")
                } catch {
                    try? await c.exec("ROLLBACK")
                    throw error
                }
            }
            try await c.exec("SELECT pg_advisory_unlock(\(PostgresMigrations.lockKey))")
        } catch {
            try? await c.exec("SELECT pg_advisory_unlock(\(PostgresMigrations.lockKey))")
            throw error
        }
    }

    // MARK: - Transactions and errors

    /// Runs `body` in one `READ COMMITTED` transaction on one pooled connection, mapping errors; retried on a
    /// deadlock or a serialisation failure.
    func write<T: Sendable>(
        _ context: @autoclosure () -> String, id: TransactionID? = nil, _ body: (Conn) async throws -> T
    ) async throws(ArchiveError) -> T {
        do {
            return try await transaction("BEGIN ISOLATION LEVEL READ COMMITTED", body)
        } catch {
            throw Self.mapError(error, context(), id: id)
        }
    }

    /// Runs `body` in one read-only `REPEATABLE READ` transaction: every statement sees the same moment.
    func read<T: Sendable>(
        _ context: @autoclosure () -> String, id: TransactionID? = nil, _ body: (Conn) async throws -> T
    ) async throws(ArchiveError) -> T {
        do {
            return try await transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
        } catch {
            throw Self.mapError(error, context(), id: id)
        }
    }

    /// Runs `body` in one transaction opened with `begin`; the body's errors pass through unchanged.
    func transaction<T: Sendable>(_ begin: String, _ body: (Conn) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await client.withConnection { connection in
                    let c = Conn(connection, logger, trace: traceStatements)
                    try await c.simple(begin)
                    do {
                        let value = try await body(c)
                        try await c.simple("COMMIT")
                        return value
                    } catch {
                        try? await c.simple("ROLLBACK")
                        throw error
                    }
                }
            } catch let error as PSQLError where attempt < 4 && Self.isRetryable(error) {
                logger.debug("retrying a transaction", metadata: ["error": "\(Self.serverMessage(error) ?? "")"])
                try await Task.sleep(for: .milliseconds(5 * attempt))
                continue
            }
        }
    }

    static func isRetryable(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40P01" || state == "40001"
    }

    static func serverMessage(_ error: PSQLError) -> String? {
        error.serverInfo?[.message]
    }

    /// Turns any error into an ``ArchiveError``: server errors keep their message (never a password: the server
    /// does not echo it), connection failures say the server cannot be reached.
    static func mapError(
        _ error: any Error, _ context: String, code: ArchiveError.Code = .database, id: TransactionID? = nil
    ) -> ArchiveError {
        if let archiveError = error as? ArchiveError { return archiveError }
        if let error = error as? PSQLError {
            if let message = serverMessage(error) {
                let state = error.serverInfo?[.sqlState] ?? ""
                let mapped: ArchiveError.Code = switch state {
                case "40P01", "40001", "55P03", "57014": .locked
                case "28P01", "28000", "3D000": .open
                default: code
                }
                return ArchiveError(mapped, "\(context): \(message)", transactionID: id, underlying: error)
            }
            return ArchiveError(
                code == .database ? .open : code,
                "\(context): the database server cannot be reached (\(error.code))", transactionID: id,
                underlying: error)
        }
        if error is CancellationError { return ArchiveError(code, "\(context): cancelled", transactionID: id) }
        return ArchiveError(code, "\(context): \(error)", transactionID: id)
    }
}

// MARK: - A connection in a transaction, and its rows

/// A pooled connection inside a transaction, with small typed helpers.
struct Conn {
    let connection: PostgresConnection
    let logger: Logger
    let trace: (@Sendable (PostgresQuery) -> Void)?
    /// What this transaction knows of the chain once it holds the chain lock.
    let chain = ChainCursor()

    init(_ connection: PostgresConnection, _ logger: Logger, trace: (@Sendable (PostgresQuery) -> Void)? = nil) {
        self.connection = connection
        self.logger = logger
        self.trace = trace
    }

    /// All rows of a query.
    func rows(_ query: PostgresQuery) async throws -> [Row] {
        trace?(query)
        var rows: [Row] = []
        for try await row in try await connection.query(query, logger: logger) {
            rows.append(Row(row.makeRandomAccess()))
        }
        return rows
    }

    /// The first row of a query, or `nil`.
    func row(_ query: PostgresQuery) async throws -> Row? {
        try await rows(query).first
    }

    /// The first column of the first row (`nil` for no row or NULL).
    func value<T: PostgresDecodable>(_ query: PostgresQuery, _ type: T.Type) async throws -> T?
    where T._DecodableType == T {
        guard let row = try await rows(query).first else { return nil }
        return try row.row[0].decode(T?.self)
    }

    /// Runs a statement, ignoring its rows.
    func exec(_ query: PostgresQuery) async throws {
        _ = try await rows(query)
    }

    /// Runs one statement without parameters.
    func simple(_ sql: String) async throws {
        _ = try await rows(PostgresQuery(unsafeSQL: sql))
    }

    /// Runs a script of statements, each ending with `;` at the end of a line (a `$$` body may hold more).
    func script(_ sql: String) async throws {
        for statement in Self.statements(sql) { try await simple(statement) }
    }

    static func statements(_ sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var inBody = false
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            current += line + "\n"
            if line.components(separatedBy: "$$").count % 2 == 0 { inBody.toggle() }
            if !inBody, line.trimmingCharacters(in: .whitespaces).hasSuffix(";") {
                statements.append(current)
                current = ""
            }
        }
        if !current.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { statements.append(current) }
        return statements
    }

    /// How many rows a statement with `RETURNING 1` touched.
    func count(_ query: PostgresQuery) async throws -> Int {
        try await rows(query).count
    }
}

/// A row, read by column name.
struct Row {
    let row: PostgresRandomAccessRow

    init(_ row: PostgresRandomAccessRow) {
        self.row = row
    }

    func callAsFunction<T: PostgresDecodable>(_ column: String, _ type: T.Type = T.self) throws -> T {
        try row[column].decode(T.self)
    }

    func has(_ column: String) -> Bool { row.contains(column) }
}

/// The chain head as this transaction left it, once it holds the chain lock: later appends in the same transaction
/// need neither the lock nor the head row again (no other transaction can append meanwhile).
final class ChainCursor: @unchecked Sendable {
    var locked = false
    var head: (seq: Int64, hash: String)?
}
