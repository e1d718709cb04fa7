import Archive
import Testing

@testable import PostgresArchive

@Suite("PostgreSQL archive URLs")
struct URLTests {
    @Test("a full URL gives every part, and its location drops the password")
    func fullURL() throws {
        let configuration = try PostgresArchiveConfiguration(
            url: "postgresql://fiscal:s3cr%40t%2Fpw@db.example.org:6543/archive_2026?sslmode=require")
        #expect(configuration.host == "db.example.org")
        #expect(configuration.port == 6543)
        #expect(configuration.username == "fiscal")
        #expect(configuration.password == "s3cr@t/pw")
        #expect(configuration.database == "archive_2026")
        #expect(configuration.tls == .require)
        #expect(configuration.unixSocketPath == nil)
        #expect(configuration.location == "postgres://fiscal@db.example.org:6543/archive_2026?sslmode=require")
        #expect(!configuration.location.contains("s3cr"))
    }

    @Test("defaults: port 5432, sslmode prefer, the database named after the user")
    func defaults() throws {
        let configuration = try PostgresArchiveConfiguration(url: "postgres://alice@localhost")
        #expect(configuration.port == 5432)
        #expect(configuration.tls == .prefer)
        #expect(configuration.database == "alice")
        #expect(configuration.password == nil)
    }

    @Test("every sslmode is read", arguments: PostgresArchiveConfiguration.TLSMode.allCases)
    func sslModes(mode: PostgresArchiveConfiguration.TLSMode) throws {
        let configuration = try PostgresArchiveConfiguration(url: "postgres://u:p@h/db?sslmode=\(mode.rawValue)")
        #expect(configuration.tls == mode)
    }

    @Test("a unix socket folder in ?host= gives libpq's socket file")
    func unixSocket() throws {
        let configuration = try PostgresArchiveConfiguration(url: "postgres://u@/db?host=/tmp")
        #expect(configuration.unixSocketPath == "/tmp/.s.PGSQL.5432")
        #expect(configuration.host == nil)
        let file = try PostgresArchiveConfiguration(url: "postgres://u@/db?host=/run/pg/socket-file")
        #expect(file.unixSocketPath == "/run/pg/socket-file")
    }

    @Test(
        "bad URLs are refused with what is wrong, never the password",
        arguments: [
            ("mysql://u:hunter2@h/db", "postgres://"),
            ("postgres://:hunter2@h/db", "no user"),
            ("postgres://u:hunter2@/db", "no host"),
            ("postgres://u:hunter2@h/db?sslmode=always", "sslmode \"always\""),
            ("postgres://u:hunter2@h/db?timeout=5", "\"timeout\" is not supported"),
            ("postgres://u:hunter2@h:70000/db", "port"),
            ("postgres://u:hunter2@h/db?host=relative/path", "absolute path"),
            ("postgres://u:hunter2@h/a/b", "slash"),
            ("postgres://u:hun ter2@h/db", "percent-encode"),
        ])
    func badURLs(url: String, expected: String) {
        do {
            _ = try PostgresArchiveConfiguration(url: url)
            Issue.record("\(expected): accepted")
        } catch {
            #expect(error.code == .invalid)
            #expect(error.message.contains(expected), "\(error.message)")
            #expect(!error.message.contains("hunter2"))
            #expect(!error.message.contains("hun ter2"))
        }
    }
}
