import Archive
import FiscalCore
import Foundation
import GRDB
import SQLiteArchive
import PostgresArchive

/// The archive backends a test runs against: SQLite always; PostgreSQL when `FISCAL_ARCHIVE_TEST_POSTGRES_URL` names
/// a server (the README's test command and CI start a private one). Tests of the archive's contract take a backend
/// as their argument (`@Test(arguments: TestBackend.available)`), so the same test proves both.
public enum TestBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    public var description: String { rawValue }

    /// The backends this run can test.
    public static var available: [TestBackend] {
        ProcessInfo.processInfo.environment["FISCAL_ARCHIVE_TEST_POSTGRES_URL"].map { !$0.isEmpty } == true
            ? [.sqlite, .postgres] : [.sqlite]
    }

    /// A new, empty, migrated archive of this backend.
    public func makeArchive() async throws -> any ArchiveStore {
        switch self {
        case .sqlite:
            return try SQLiteArchiveStore.temporary()
        case .postgres:
            return try await PostgresArchiveStore.openFresh(
                adminURL: ProcessInfo.processInfo.environment["FISCAL_ARCHIVE_TEST_POSTGRES_URL"] ?? "")
        }
    }
}

/// Changes an archive behind its back, as someone with direct access to the database could: triggers and foreign
/// keys switched off (on PostgreSQL, as a superuser). For the tests that prove `verify` catches it.
public enum Tamper {
    /// Runs `sql` on the archive's database with every protection off (with `keepingTriggers`, foreign keys
    /// only: the archive's counting triggers then still see the change).
    public static func execute(_ archive: any ArchiveStore, _ sql: String, keepingTriggers: Bool = false) async throws {
        switch archive {
        case let store as SQLiteArchiveStore:
            let queue = try DatabaseQueue(path: store.path)
            try await queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                if !keepingTriggers {
                    for trigger in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'") {
                        try db.execute(sql: "DROP TRIGGER \(trigger)")
                    }
                }
                try db.execute(sql: sql)
            }
        case let store as PostgresArchiveStore:
            try await store.tamper(sql, keepingTriggers: keepingTriggers)
        default:
            throw ArchiveError(.invalid, "No tamper path for \(type(of: archive))")
        }
    }

    /// The rows of a query run directly on the archive's database, each value as text (`nil` for NULL).
    public static func rows(_ archive: any ArchiveStore, _ sql: String) async throws -> [[String?]] {
        switch archive {
        case let store as SQLiteArchiveStore:
            let queue = try DatabaseQueue(path: store.path)
            return try await queue.read { db in
                try Row.fetchAll(db, sql: sql).map { row in
                    row.databaseValues.map { value -> String? in
                        switch value.storage {
                        case .null: nil
                        case .int64(let n): String(n)
                        case .double(let d): String(d)
                        case .string(let text): text
                        case .blob(let data): data.map { String(format: "%02x", $0) }.joined()
                        }
                    }
                }
            }
        case let store as PostgresArchiveStore:
            return try await store.rawRows(sql)
        default:
            throw ArchiveError(.invalid, "No direct query path for \(type(of: archive))")
        }
    }

    /// Runs `sql` as an ordinary client of the database would (every protection on); returns whether the
    /// database refused it.
    public static func isRefused(_ archive: any ArchiveStore, _ sql: String) async throws -> Bool {
        switch archive {
        case let store as SQLiteArchiveStore:
            let queue = try DatabaseQueue(path: store.path)
            do {
                try await queue.write { db in try db.execute(sql: sql) }
                return false
            } catch is DatabaseError {
                return true
            }
        case let store as PostgresArchiveStore:
            return try await store.isRefused(sql)
        default:
            throw ArchiveError(.invalid, "No tamper path for \(type(of: archive))")
        }
    }

    /// Flips the lowest bit of the middle byte of an original's stored (compressed) data.
    public static func flipMiddleByteOfOriginal(_ archive: any ArchiveStore, transactionID: Int64) async throws {
        switch archive {
        case let store as SQLiteArchiveStore:
            let queue = try DatabaseQueue(path: store.path)
            let data = try await queue.read { db in
                try Data.fetchOne(db, sql: "SELECT data FROM originals WHERE transaction_id = ?", arguments: [transactionID])
            }
            guard let data else { throw ArchiveError(.notFound, "No original of transaction \(transactionID)") }
            var bytes = Array(data)
            bytes[bytes.count / 2] ^= 0x01
            let changed = Data(bytes)
            try await queue.writeWithoutTransaction { db in
                for trigger in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'") {
                    try db.execute(sql: "DROP TRIGGER \(trigger)")
                }
                try db.execute(
                    sql: "UPDATE originals SET data = ? WHERE transaction_id = ?", arguments: [changed, transactionID])
            }
        case let store as PostgresArchiveStore:
            try await store.tamper("""
                UPDATE originals SET data = set_byte(data, length(data) / 2, get_byte(data, length(data) / 2) # 1)
                WHERE transaction_id = \(transactionID)
                """)
        default:
            throw ArchiveError(.invalid, "No tamper path for \(type(of: archive))")
        }
    }
}

/// The PostgreSQL server of the test run (`FISCAL_ARCHIVE_TEST_POSTGRES_URL`, a superuser's URL set by
/// `scripts/with-postgres.sh`), for tests that hand a database to a child process by its URL.
public enum TestServer {
    /// The superuser's URL, if the run has a server.
    public static var adminURL: String? {
        ProcessInfo.processInfo.environment["FISCAL_ARCHIVE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Creates a new empty database (`fa_<uuid>`) and returns its URL (with the superuser's credentials).
    public static func newDatabaseURL() async throws -> String {
        guard let adminURL else { throw ArchiveError(.open, "FISCAL_ARCHIVE_TEST_POSTGRES_URL is not set") }
        let name = "fa_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await PostgresArchiveStore.createDatabase(adminURL: adminURL, name: name)
        guard var components = URLComponents(string: adminURL) else {
            throw ArchiveError(.invalid, "FISCAL_ARCHIVE_TEST_POSTGRES_URL is not a URL")
        }
        components.path = "/" + name
        guard let url = components.string else { throw ArchiveError(.invalid, "Cannot build the URL of \(name)") }
        return url
    }
}
