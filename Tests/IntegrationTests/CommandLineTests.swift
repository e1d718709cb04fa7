import Foundation
import Testing

/// The executable as a user runs it: exit codes, messages, the `parse` output.
@Suite("The fiscal-archive command line")
struct CommandLineTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let executable = packageRoot.appendingPathComponent(".build/debug/fiscal-archive").path

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        #expect(FileManager.default.isExecutableFile(atPath: executable), "build the executable first: swift build --build-tests")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FISCAL_ARCHIVE_") }
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test("usage errors exit 2 and say what is wrong", arguments: [
        (["refund", "1", "--amount", "12.345", "--yes"], "more than 2 decimals"),
        (["track"], "Give transaction ids"),
        (["track", "--type", "payment", "12a"], "not a transaction id"),
        (["lookup", "--tin", "1", "--text", "x"], "exactly one"),
        (["report", "--month", "2026-13", "--format", "csv"], "month"),
        (["no-such-command"], "Unexpected argument"),
    ])
    func usage(arguments: [String], message: String) throws {
        let result = try Self.run(arguments)
        #expect(result.status == 2, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test("parse --json prints the real page's line and names unreadable files, exiting 1")
    func parse() throws {
        let fixture = Self.packageRoot.appendingPathComponent("Tests/ReceiptParserTests/Fixtures/check-LG420230644664-84229.html").path
        let result = try Self.run(["parse", "--json", fixture, "/nonexistent/page.html"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("/nonexistent/page.html: cannot be read"))
        let line = try #require(result.stdout.split(separator: "\n").first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["state"] as? String == "receipt")
        #expect(object["terminalId"] as? String == "LG420230644664")
        #expect(object["total"] as? String == "167010.00")
        #expect(object["vatTotal"] as? String == "17893.92")
        #expect(object["error"] is NSNull)
        // A failed file still gets its line, with the reason: a script tells it from an empty page.
        let failed = try #require(result.stdout.split(separator: "\n").dropFirst().first)
        let failure = try #require(try JSONSerialization.jsonObject(with: Data(failed.utf8)) as? [String: Any])
        #expect((failure["error"] as? String)?.contains("cannot be read") == true)
        #expect(failure["items"] is NSNull)
    }

    @Test("without credentials, gateway commands fail with a clear sentence and no secret")
    func missingCredentials() throws {
        let db = Harness.temporaryPath("cli.sqlite")
        let result = try Self.run(["info", "11424156"], environment: ["FISCAL_ARCHIVE_DB": db])
        #expect(result.status == 1)
        #expect(result.stderr.contains("FISCAL_ARCHIVE_SERVICE_ID"))
    }

    @Test("a bad configuration value names the variable")
    func badConfiguration() throws {
        let result = try Self.run(["status"], environment: ["FISCAL_ARCHIVE_RETRY_INITIAL": "soon", "FISCAL_ARCHIVE_DB": Harness.temporaryPath("c.sqlite")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("FISCAL_ARCHIVE_RETRY_INITIAL"))
    }

    @Test("a CSV with a bad line is rejected with its line number and tracks nothing")
    func csvImport() throws {
        let db = Harness.temporaryPath("csv.sqlite")
        let csv = Harness.temporaryPath("ids.csv")
        try Data("transaction_id,type\n11424156,payment\n11424157,refund\n".utf8).write(to: URL(fileURLWithPath: csv))
        let bad = try Self.run(["track", "--csv", csv, "--db", db])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("\(csv):3:"))
        let status = try Self.run(["status", "--json", "--db", db])
        #expect(status.stdout.contains("\"tracked\":0"))
    }
}
