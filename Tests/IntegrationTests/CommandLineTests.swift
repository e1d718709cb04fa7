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
        return try runProgram(executable, arguments, environment: environment)
    }

    /// Runs the executable on a thread of its own, so that waiting for it never holds one of Swift's cooperative
    /// threads (an in-process sandbox it talks to needs them).
    static func runAside(_ arguments: [String], environment: [String: String] = [:]) async throws -> Run {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try runProgram(executable, arguments, environment: environment) })
            }
        }
    }

    /// Runs any program with the tests' environment (no `FISCAL_ARCHIVE_*` from outside).
    static func runProgram(_ program: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
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
        (["sandbox", "--fault", "payment_adjustments:explode"], "unknown fault \"explode\""),
        (["report", "--month", "2026-10", "--export", "--format", "csv"], "--export writes every format"),
        (["report", "--month", "2026-10"], "Give --format html, csv or xlsx (or --export)"),
        (["sandbox", "--fault", "refund:drop"], "unknown method \"refund\""),
        (["sandbox", "--fault", "payment_cancel:lag:100"], "lag applies to payment_info only"),
        (["track", "--csv", "a.csv", "--xlsx", "b.xlsx"], "one of"),
        (["track", "--xlsx", "b.xlsx", "--delimiter", ";"], "--delimiter goes with --csv"),
        (["track", "--csv", "a.csv", "--sheet", "S"], "--sheet goes with --xlsx"),
        (["track", "--csv", "a.csv", "--delimiter", "|"], "comma, semicolon or tab"),
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

    @Test("report never overwrites an export; without --out it writes a draft")
    func reportKeepsExports() throws {
        let reports = Harness.temporaryPath("reports")
        try FileManager.default.createDirectory(atPath: reports, withIntermediateDirectories: true)
        let export = reports + "/2026-10.csv"
        try Data("exported".utf8).write(to: URL(fileURLWithPath: export))
        let environment = ["FISCAL_ARCHIVE_DB": Harness.temporaryPath("r.sqlite"), "FISCAL_ARCHIVE_REPORTS_DIR": reports]
        let refused = try Self.run(["report", "--month", "2026-10", "--format", "csv", "--out", export], environment: environment)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("is an export, which is never overwritten"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: export, encoding: .utf8) == "exported")
        let draft = try Self.run(["report", "--month", "2026-10", "--format", "csv"], environment: environment)
        #expect(draft.status == 0, "\(draft.stderr)")
        #expect(FileManager.default.fileExists(atPath: reports + "/2026-10.draft.csv"))
        #expect(try String(contentsOfFile: export, encoding: .utf8) == "exported")
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

    static let importFixtures = packageRoot.appendingPathComponent("Tests/SpreadsheetTests/Fixtures")

    @Test("ru-locale Excel's CSV and the same list as .xlsx track exactly what the comma CSV tracked")
    func importsAgree() throws {
        let db = Harness.temporaryPath("imports.sqlite")
        func track(_ option: String, _ fixture: String, _ extra: [String] = []) throws -> Run {
            try Self.run(["track", option, Self.importFixtures.appendingPathComponent(fixture).path, "--db", db] + extra)
        }
        let comma = try track("--csv", "ids-comma.csv")
        #expect(comma.status == 0, "\(comma.stderr)")
        #expect(comma.stdout.contains("Tracked 6 new transaction(s); 0 already known."))
        for (option, fixture, extra) in [
            ("--csv", "ids-ru-excel.csv", []), ("--xlsx", "ids-libreoffice.xlsx", []),
            ("--xlsx", "ids-openpyxl.xlsx", ["--sheet", "Tranzaksiyalar"]), ("--csv", "ids-tab-utf16.txt", []),
        ] {
            let again = try track(option, fixture, extra)
            #expect(again.status == 0, "\(fixture): \(again.stderr)")
            #expect(again.stdout.contains("Tracked 0 new transaction(s); 6 already known."), "\(fixture): \(again.stdout)")
        }
        let guessed = try track("--csv", "ids-ru-excel.csv")
        #expect(guessed.stderr.contains("read as Windows-1251"))
        let status = try Self.run(["status", "--json", "--db", db])
        #expect(status.stdout.contains("\"tracked\":6"), "\(status.stdout)")
    }

    @Test("a zip bomb is refused with the limit it hit, and nothing is tracked")
    func bombRefused() throws {
        let db = Harness.temporaryPath("bomb.sqlite")
        let bomb = Self.importFixtures.appendingPathComponent("bomb.xlsx").path
        let result = try Self.run(["track", "--xlsx", bomb, "--db", db])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(bomb): cannot be imported: xl/worksheets/sheet1.xml: expands more than 200 times"), "\(result.stderr)")
        let status = try Self.run(["status", "--json", "--db", db])
        #expect(status.stdout.contains("\"tracked\":0"))
    }
}
