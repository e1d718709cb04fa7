import Archive
import SQLiteArchive
import FiscalCore
import Foundation
import Reports
import Testing
import WebUI

@testable import fiscal_archive

/// The command line as a newcomer meets it: global options in either place, `--version`, the sandbox's settings and
/// ids taken through track → sync → report by hand, and receipt text that cannot steer the terminal.
@Suite("The command line people expect")
struct NewcomerCommandLineTests {
    typealias CLI = CommandLineTests

    @Test("--version prints the version")
    func version() throws {
        let result = try CLI.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == FiscalArchive.version)
    }

    @Test("global options work before the command as after it", arguments: [
        ["--db", "%DB", "status", "--json"], ["--db=%DB", "status", "--json"], ["-v", "--db", "%DB", "status", "--json"],
        ["--config", "%CONF", "status", "--json"], ["status", "--json", "--db", "%DB"],
    ])
    func globalOptionsInEitherPlace(arguments: [String]) throws {
        let db = Harness.temporaryPath("global.sqlite")
        let config = Harness.temporaryPath("global.conf")
        try Data("FISCAL_ARCHIVE_DB=\(db)\n".utf8).write(to: URL(fileURLWithPath: config))
        // Another archive in the environment: the option must win, wherever it is written.
        let decoy = Harness.temporaryPath("decoy.sqlite")
        let resolved = arguments.map { $0.replacingOccurrences(of: "%DB", with: db).replacingOccurrences(of: "%CONF", with: config) }
        let environment = resolved.contains("--config") ? [:] : ["FISCAL_ARCHIVE_DB": decoy]
        let result = try CLI.run(resolved, environment: environment)
        #expect(result.status == 0, "\(resolved): \(result.stderr)")
        #expect(result.stdout.contains("\"counts\""))
        #expect(FileManager.default.fileExists(atPath: db), "the archive named by the option was opened")
        #expect(!FileManager.default.fileExists(atPath: decoy))
    }

    @Test("a PostgreSQL archive that cannot be opened is named without its password, with the reason", arguments: [
        ("postgres://fiscal:s3cr3t-pw@127.0.0.1:1/archive?sslmode=disable", "postgres://fiscal@127.0.0.1:1/archive"),
        ("postgresql://fiscal:s3cr3t-pw@db host/archive", "space"),
        ("postgres://fiscal:s3cr3t-pw@127.0.0.1:5432/archive?sslmode=sometimes", "sslmode"),
    ])
    func unreachablePostgres(url: String, named: String) throws {
        let result = try CLI.run(["--db", url, "status"], environment: [:])
        #expect(result.status != 0)
        #expect(result.stderr.contains(named), "\(result.stderr)")
        #expect(!result.stderr.contains("s3cr3t-pw") && !result.stdout.contains("s3cr3t-pw"), "\(result.stderr)")
        #expect(!result.stderr.contains("PSQLError"), "\(result.stderr)")
    }

    @Test("options before nested commands move behind the innermost command name")
    func hoisting() {
        let root = FiscalArchive.self
        #expect(GlobalOptions.hoisted(["--db", "a", "status"], root: root) == ["status", "--db", "a"])
        #expect(
            GlobalOptions.hoisted(["-v", "--config", "c", "operations", "list"], root: root)
                == ["operations", "list", "-v", "--config", "c"])
        #expect(
            GlobalOptions.hoisted(["--db=a", "invoice", "create", "--amount", "1"], root: root)
                == ["invoice", "create", "--db=a", "--amount", "1"])
        // A value that looks like a command stays the option's value.
        #expect(GlobalOptions.hoisted(["--db", "status", "verify"], root: root) == ["verify", "--db", "status"])
        // Nothing to move, or no command after the options: left for ArgumentParser.
        #expect(GlobalOptions.hoisted(["status", "--db", "a"], root: root) == ["status", "--db", "a"])
        #expect(GlobalOptions.hoisted(["--db", "a"], root: root) == ["--db", "a"])
        #expect(GlobalOptions.hoisted(["--db"], root: root) == ["--db"])
    }

    @Test("a missing value or an unknown command after global options is still a usage error")
    func usageErrors() throws {
        for arguments in [["--db"], ["--db", "x.sqlite"], ["--db", "x.sqlite", "no-such-command"]] {
            let result = try CLI.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
        }
    }

    /// Runs `fiscal-archive sandbox` until it has printed its introduction; returns the process and the text.
    static func startSandbox(_ extra: [String]) throws -> (Process, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.executable)
        process.arguments = ["sandbox", "--port", "0", "--count", "40"] + extra
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FISCAL_ARCHIVE_") }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        while !text.contains("Ctrl-C") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        return (process, text)
    }

    @Test("sandbox → track → sync → report by hand, with only what the sandbox prints")
    func sandboxToReport() throws {
        let configPath = Harness.temporaryPath("sandbox.conf")
        let csvPath = Harness.temporaryPath("sandbox.csv")
        let (sandbox, text) = try Self.startSandbox(["--write-config", configPath, "--write-csv", csvPath])
        defer {
            if sandbox.isRunning { sandbox.terminate() }
            sandbox.waitUntilExit()
        }
        #expect(text.contains("Ctrl-C"), "the sandbox did not start: \(text)")

        // 1. The export lines, pasted into a shell: here, turned into the environment of the next commands.
        var environment: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("export ") {
            let assignment = line.dropFirst("export ".count)
            guard let equals = assignment.firstIndex(of: "=") else { continue }
            environment[String(assignment[..<equals])] = String(assignment[assignment.index(after: equals)...])
        }
        for name in ["FISCAL_ARCHIVE_GATEWAY_URL", "FISCAL_ARCHIVE_SERVICE_ID", "FISCAL_ARCHIVE_SECRET_KEY", "FISCAL_ARCHIVE_RECEIPT_HOSTS"] {
            #expect(environment[name] != nil, "no export line for \(name)")
        }
        let db = Harness.temporaryPath("newcomer.sqlite")
        environment["FISCAL_ARCHIVE_DB"] = db

        // 2. The printed `track --type payment …` line, as printed.
        let trackLine = try #require(text.split(separator: "\n").first { $0.hasPrefix("fiscal-archive track --type payment ") })
        let trackArguments = trackLine.split(separator: " ").dropFirst().map(String.init)
        let ids = trackArguments.dropFirst(3)
        #expect(!ids.isEmpty)
        let track = try CLI.run(trackArguments, environment: environment)
        #expect(track.status == 0, "\(track.stderr)")
        #expect(track.stdout.contains("Tracked \(ids.count) new transaction(s)"))

        // 3. The whole seeded month through the CSV and the config file, instead of the environment.
        let seeded = try String(contentsOfFile: csvPath, encoding: .utf8).split(separator: "\n").count - 1
        #expect(text.contains("\(seeded) transactions seeded"))
        let csvTrack = try CLI.run(["--config", configPath, "--db", db, "track", "--csv", csvPath])
        #expect(csvTrack.status == 0, "\(csvTrack.stderr)")
        #expect(csvTrack.stdout.contains("Tracked \(seeded - ids.count) new transaction(s); \(ids.count) already known."))

        let sync = try CLI.run(["--config", configPath, "--db", db, "sync"])
        #expect(sync.status == 0, "\(sync.stderr)")
        let status = try CLI.run(["status", "--json", "--db", db])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        let counts = try #require(object["counts"] as? [String: Int])
        #expect(counts["tracked"] == 0, "\(counts)")
        #expect((counts["archived"] ?? 0) > 0, "\(counts)")

        // 4. The report command printed for the seeded month.
        let reportLine = try #require(text.split(separator: "\n").first { $0.hasPrefix("fiscal-archive report --month ") })
        let month = reportLine.split(separator: " ")[3]
        let out = Harness.temporaryPath("newcomer.csv")
        let report = try CLI.run(["report", "--month", String(month), "--format", "csv", "--out", out], environment: environment)
        #expect(report.status == 0, "\(report.stderr)")
        let register = try String(contentsOfFile: out, encoding: .utf8)
        for id in ids { #expect(register.contains(",\(id),"), "transaction \(id) is not in the register") }

        sandbox.terminate()
        sandbox.waitUntilExit()
        #expect(sandbox.terminationStatus == 0, "SIGTERM stops the sandbox cleanly")
    }

    @Test("the written config file is the tool's own format, and export values survive a POSIX shell")
    func writtenSettings() throws {
        let configPath = Harness.temporaryPath("settings.conf")
        let (sandbox, text) = try Self.startSandbox(["--write-config", configPath])
        defer {
            sandbox.terminate()
            sandbox.waitUntilExit()
        }
        let values = try AppConfiguration.parseFile(configPath)
        #expect(values["FISCAL_ARCHIVE_SERVICE_ID"] == "sandbox-service")
        #expect(values["FISCAL_ARCHIVE_GATEWAY_URL"]?.hasPrefix("http://127.0.0.1:") == true)
        #expect(text.contains("export FISCAL_ARCHIVE_GATEWAY_URL=\(values["FISCAL_ARCHIVE_GATEWAY_URL"] ?? "?")"))
        #expect(SandboxSettings.shellQuoted("plain-value_1.2:3/x") == "plain-value_1.2:3/x")
        #expect(SandboxSettings.shellQuoted("it's $HOME") == #"'it'\''s $HOME'"#)
        #expect(SandboxSettings.shellQuoted("") == "''")
    }

    // MARK: - Untrusted text on the terminal

    /// A receipt page can say anything: an escape sequence that retitles the window and clears the screen, a bell,
    /// a carriage return that overwrites the line, a newline that forges one, a C1 CSI, a bidi override.
    static let hostile = "Shop\u{1B}]0;pwned\u{07}\u{1B}[2J\rFAKE\nOriginal intact\u{9B}31m\u{202E}txt.exe"

    static func hostileReceipt() -> FiscalReceipt {
        let uzs = { (minor: Int64) in Money(minorUnits: minor, currency: .uzs) }
        return FiscalReceipt(
            kind: .sale, source: .html, terminalID: "EP\u{1B}[31m000058", receiptNumber: "1020387", fiscalSign: "088681055845",
            issuedAt: Date(timeIntervalSince1970: 1_790_000_000), seller: .init(name: hostile, tin: "307578794", address: hostile),
            marketplace: hostile, cashRegister: nil,
            items: [ReceiptItem(
                name: hostile, quantity: ExactDecimal(1), lineTotal: uzs(100_00), discount: uzs(0), other: uzs(0),
                vatRate: ExactDecimal(12), vatAmount: uzs(10_71), commissionerTIN: hostile)],
            payment: .init(cash: uzs(0), card: uzs(100_00), cardType: hostile, rrn: hostile), total: uzs(100_00),
            vatTotal: uzs(10_71))
    }

    /// No scalar that steers a terminal: only printable text and the newlines between our own lines.
    static func expectTerminalSafe(_ text: String, lines expected: Int? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        let steering = text.unicodeScalars.filter { scalar in
            scalar != "\n" && (scalar.properties.generalCategory == .control || [0x2028, 0x2029, 0x202E].contains(scalar.value))
        }
        #expect(steering.isEmpty, "raw control characters: \(steering.map { String($0.value, radix: 16) })", sourceLocation: sourceLocation)
        #expect(text.contains(#"\u{1B}]0;pwned\u{7}\u{1B}[2J\u{D}FAKE\u{A}Original intact\u{9B}31m\u{202E}txt.exe"#), sourceLocation: sourceLocation)
        if let expected {
            #expect(text.split(separator: "\n", omittingEmptySubsequences: false).count == expected, sourceLocation: sourceLocation)
        }
    }

    @Test("show prints hostile receipt text with its control characters made visible, one line per field")
    func showIsTerminalSafe() {
        let receipt = Self.hostileReceipt()
        let record = TransactionRecord(
            id: 11_424_156, type: .payment, state: .archived, step: nil, attempts: 1, nextAttemptAt: nil,
            firstWaitingAt: nil, lastError: Self.hostile, vendorOrderID: nil, trackedAt: 1_790_000_000,
            updatedAt: 1_790_000_000, payment: nil, receiptURL: "https://ofd.soliq.uz/epi?t=\u{1B}[2J", refundURLs: [],
            lastRecheckAt: nil, statusHistory: [], events: [], operations: [])
        let archived = ArchivedReceipt(
            transactionID: 11_424_156, receipt: receipt, warnings: [Self.hostile], originalID: 1, originalSHA256: "ab",
            originalURL: "https://ofd.soliq.uz/epi", fetchedAt: 1_790_000_000, archivedAt: 1_790_000_000)
        let text = ShowText.render(record: record, receipt: archived, original: nil)
        Self.expectTerminalSafe(text)
        // The forged "Original intact" never starts a line of its own.
        #expect(!text.split(separator: "\n").contains { $0.hasPrefix("Original intact") })
        let plain = ShowText.render(record: record, receipt: nil, original: nil)
        func lineCount(_ text: String) -> Int { text.split(separator: "\n", omittingEmptySubsequences: false).count }
        #expect(lineCount(text) == lineCount(plain) + 1 + ReceiptText.lines(receipt).count + 1)
    }

    @Test("lookup prints hostile seller names with their control characters made visible, on one line")
    func lookupIsTerminalSafe() {
        let hit = LookupHit(
            transactionID: 11_424_156, type: .payment, state: .archived, paidAt: 1_790_000_000, amount: nil, status: nil,
            vendorOrderID: nil, receiptKind: .sale, fiscalSign: "088681055845", terminalID: "EP\u{1B}[2J",
            receiptNumber: "1\r2", sellerName: Self.hostile, sellerTIN: nil, receiptTotal: nil, issuedAt: nil,
            receiptURL: nil)
        Self.expectTerminalSafe(LookupText.line(hit), lines: 1)
        Self.expectTerminalSafe(ReceiptText.render(Self.hostileReceipt()))
        // Ordinary text, Cyrillic and apostrophes included, is left alone.
        #expect(Terminal.visible("MCHJ «Тест Савдо» O‘zbekiston 12 %") == "MCHJ «Тест Савдо» O‘zbekiston 12 %")
    }

    @Test(
        "show --original writes raw page bytes to a file or pipe, never to a terminal",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func originalRefusesATerminal() throws {
        let db = Harness.temporaryPath("tty.sqlite")
        // Through a pipe: the command goes on (and says there is no original for this id).
        let piped = try CLI.run(["show", "1", "--original", "--db", db])
        #expect(piped.status == 1)
        #expect(piped.stderr.contains("No original is archived"), "\(piped.stderr)")
        // On a terminal (util-linux `script` gives the command a pseudo-terminal): refused before anything is read.
        let command = [CLI.executable, "show", "1", "--original", "--db", db].map { SandboxSettings.shellQuoted($0) }
            .joined(separator: " ")
        let onTTY = try CLI.runProgram("/usr/bin/script", ["-qec", command, "/dev/null"])
        #expect(onTTY.status == 1)
        #expect(onTTY.stdout.contains("redirect them to a file"), "\(onTTY.stdout)")
    }

    // MARK: - The web UI's reports

    @Test("the web UI's reports are rendered without leaving a file behind")
    func webReportsWriteNothing() async throws {
        let archive = try SQLiteArchiveStore(path: Harness.temporaryPath("web-reports.sqlite"))
        let temporary = FileManager.default.temporaryDirectory
        func leftovers() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: temporary.path).filter { $0.hasPrefix("fiscal-archive-web-") }
        }
        let before = try leftovers()
        let month = YearMonth(year: 2026, month: 3)
        let csv = try await WebReports.render(month: month, format: .csv, archive: archive, language: .en)
        #expect(csv.starts(with: RegisterCSV.byteOrderMark + Array(RegisterCSV.headerLine.utf8)))
        let html = try await WebReports.render(month: month, format: .html, archive: archive, language: .en)
        #expect(String(decoding: html, as: UTF8.self).contains("2026-03"))
        #expect(try leftovers() == before, "a temporary report directory was left behind")
    }
}
