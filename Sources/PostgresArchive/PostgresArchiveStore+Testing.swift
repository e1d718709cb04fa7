import Archive
import Foundation
import Logging
import PostgresNIO

/// What the package's tests need beyond the archive's contract (`package` access: not part of the public API):
/// a fresh database per test, and direct access to the database to tamper with it as a superuser could.
extension PostgresArchiveStore {
    /// Creates the database `name` (letters, digits and `_` only) on the server of `adminURL`, a role allowed to.
    package static func createDatabase(adminURL: String, name: String) async throws {
        let admin = try PostgresArchiveConfiguration(url: adminURL)
        try await runDirect(admin, "CREATE DATABASE \(try checkedName(name))")
    }

    /// Drops the database `name`, ending its sessions first.
    package static func dropDatabase(adminURL: String, name: String) async throws {
        let admin = try PostgresArchiveConfiguration(url: adminURL)
        try await runDirect(admin, "DROP DATABASE IF EXISTS \(try checkedName(name)) WITH (FORCE)")
    }

    /// A new database named `fa_<uuid>` on the server of `adminURL`, migrated and opened; the URL of that database
    /// is the store's configuration with the admin's credentials.
    package static func openFresh(adminURL: String, logger: Logger? = nil) async throws -> PostgresArchiveStore {
        let name = "fa_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await createDatabase(adminURL: adminURL, name: name)
        return try await open(PostgresArchiveConfiguration(url: adminURL).with(database: name), logger: logger)
    }

    /// Runs `sql` (data-changing statements) on the archive's database outside the archive: with triggers and foreign keys
    /// switched off (`session_replication_role = replica`, which needs a superuser) unless `keepingTriggers`.
    /// Several statements separated by `;` may be given (they run as one `DO` block).
    package func tamper(_ sql: String, keepingTriggers: Bool = false) async throws {
        try await Self.runDirect(
            configuration, keepingTriggers ? nil : "SET session_replication_role = replica",
            "DO $fiscal_tamper$ BEGIN \(sql); END $fiscal_tamper$")
    }

    /// The rows of a query run directly on the archive's database, each value as text (`nil` for NULL), columns in
    /// the query's order.
    package func rawRows(_ sql: String) async throws -> [[String?]] {
        let wrapped = """
            SELECT COALESCE((SELECT json_agg(v ORDER BY n)::text FROM json_each_text(row_to_json(q))
                WITH ORDINALITY AS e(k, v, n)), '[]') AS r FROM (\(sql)) q
            """
        var rows: [[String?]] = []
        let connection = try await PostgresConnection.connect(
            configuration: try configuration.connectionConfiguration(), id: 0, logger: logger)
        do {
            for row in try await Conn(connection, logger).rows(PostgresQuery(unsafeSQL: wrapped)) {
                let text = try row("r", String.self)
                let values = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any] ?? []
                rows.append(values.map { $0 as? String })
            }
            try? await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
        return rows
    }

    /// Runs `sql` as an ordinary client would (every protection on); returns whether the server refused it.
    package func isRefused(_ sql: String) async throws -> Bool {
        do {
            try await Self.runDirect(configuration, sql)
            return false
        } catch let error as PSQLError where error.serverInfo != nil {
            return true
        }
    }

    private static func checkedName(_ name: String) throws(ArchiveError) -> String {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw ArchiveError(.invalid, "A database name must be ASCII letters, digits and _, not \"\(name)\"")
        }
        return name
    }

    /// Runs statements on one direct connection.
    private static func runDirect(_ configuration: PostgresArchiveConfiguration, _ statements: String?...) async throws {
        let logger = Logger(label: "fiscal-archive.postgres.direct", factory: { _ in SwiftLogNoOpLogHandler() })
        let connection = try await PostgresConnection.connect(
            configuration: try configuration.connectionConfiguration(), id: 0, logger: logger)
        do {
            for statement in statements.compactMap({ $0 }) {
                try await Conn(connection, logger).simple(statement)
            }
            try? await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
