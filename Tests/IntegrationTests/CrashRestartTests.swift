import Archive
import ArchiveTestSupport
import FiscalCore
import Foundation
import Logging
import PostgresArchive
import Sandbox
import SQLiteArchive
import Testing

/// The real `fiscal-archive` executable, killed with SIGKILL in the middle of `sync` and restarted, must end with
/// the same archive as an uninterrupted sync: nothing lost, nothing duplicated, the integrity chain intact.
@Suite("Crash and restart")
struct CrashRestartTests {
    /// The package root: this file is `<root>/Tests/IntegrationTests/CrashRestartTests.swift`.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Built by `swift build --build-tests`.
    static let toolPath = packageRoot.appendingPathComponent(".build/debug/fiscal-archive").path

    @Test(
        "SIGKILL at random points and restarts give the same archive as an uninterrupted sync; verify catches an edit",
        arguments: TestBackend.available)
    func killedSyncMatchesUninterrupted(backend: TestBackend) async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: Self.toolPath),
            "The fiscal-archive executable is missing at \(Self.toolPath): run `swift build --build-tests` first")

        var configuration = SandboxConfiguration(transactionCount: 80)
        configuration.gatewayFaults = [
            .paymentInfo: FaultPlan(latency: .milliseconds(20)),
            .fiscalCheque: FaultPlan(latency: .milliseconds(20)),
        ]
        // A trip spends time downloading too, so kills also land between the download and the one commit.
        configuration.receiptFaults = ReceiptFaultPlan(latency: .milliseconds(10))
        var logger = Logger(label: "crash-test")
        logger.logLevel = .critical
        let sandbox = try await SandboxServer.start(configuration: configuration, logger: logger)
        do {
            try await exercise(sandbox, backend: backend)
        } catch {
            await sandbox.shutdown()
            throw error
        }
        await sandbox.shutdown()
    }

    /// The archive the killed syncs work on: a SQLite file, or a new PostgreSQL database (by its URL). The reference
    /// is always a SQLite file, so on PostgreSQL the two backends are also compared with each other.
    private func exercise(_ sandbox: SandboxServer, backend: TestBackend) async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("fiscal-archive-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tool = Tool(sandbox: sandbox, directory: directory)

        let transactions = await sandbox.world.allTransactions
        let csv = "transaction_id,type\n" + transactions.map { "\($0.id),\($0.type.rawValue)" }.joined(separator: "\n") + "\n"
        let csvPath = directory.appendingPathComponent("transactions.csv").path
        try csv.write(toFile: csvPath, atomically: true, encoding: .utf8)

        let killedPath = backend == .postgres
            ? try await TestServer.newDatabaseURL() : directory.appendingPathComponent("killed.sqlite").path
        let referencePath = directory.appendingPathComponent("reference.sqlite").path
        for path in [killedPath, referencePath] {
            let track = try await tool.run(["track", "--csv", csvPath], database: path)
            #expect(track.status == 0, "track failed: \(track.output)")
        }

        // The reference: one uninterrupted sync.
        let reference = try await tool.run(["sync", "--concurrency", "2"], database: referencePath)
        #expect(reference.status == 0, "the uninterrupted sync failed: \(reference.output)")

        // Five syncs killed at random points (seeded, so a failure replays), then one run to completion. At
        // concurrency 4 a claim takes jobs in batches of two, so kills also land with claimed jobs not yet started.
        var generator = SplitMix64(seed: 0x5EED_4B11)
        var killedRounds = 0
        for round in 1...5 {
            let delay = Int.random(in: 50...800, using: &generator)
            let outcome = try await tool.run(["sync", "--concurrency", "4"], database: killedPath, killAfter: .milliseconds(delay))
            if outcome.killed { killedRounds += 1 }
            #expect(outcome.killed || outcome.status == 0, "round \(round) (killed after \(delay) ms): \(outcome.output)")
        }
        #expect(killedRounds > 0, "no sync was killed mid-run: the test proves nothing (add latency)")
        // Three syncs at once on the same archive, one of them killed: the survivors and the restart share the work
        // through leases (the dead one's are taken back at once by the next start on this host, or expire).
        for round in 1...2 {
            let delay = Int.random(in: 50...400, using: &generator)
            async let victim = tool.run(["sync", "--concurrency", "4"], database: killedPath, killAfter: .milliseconds(delay))
            async let first = tool.run(["sync", "--concurrency", "4"], database: killedPath)
            async let second = tool.run(["sync", "--concurrency", "4"], database: killedPath)
            let (killed, one, two) = try await (victim, first, second)
            #expect(killed.killed || killed.status == 0, "round \(round), killed one: \(killed.output)")
            #expect(one.status == 0, "round \(round), a surviving one: \(one.output)")
            #expect(two.status == 0, "round \(round), a surviving one: \(two.output)")
        }
        let final = try await tool.run(["sync", "--concurrency", "2"], database: killedPath)
        #expect(final.status == 0, "the final sync failed: \(final.output)")

        try await compare(killed: killedPath, reference: referencePath, transactions: transactions.map(\.id))

        let verify = try await tool.run(["verify"], database: killedPath)
        #expect(verify.status == 0, "verify on the restarted archive: \(verify.output)")

        // Tamper: change one event's amount behind the triggers' back; verify must exit 3 and name the row.
        let seq = try await tamperWithAnEventAmount(at: killedPath)
        let tampered = try await tool.run(["verify"], database: killedPath)
        #expect(tampered.status == 3, "verify after an edited amount exited \(tampered.status): \(tampered.output)")
        #expect(tampered.output.contains("events row \(seq)"), "verify does not name events row \(seq): \(tampered.output)")
    }

    /// The killed-and-restarted archive holds exactly what the reference holds.
    private func compare(killed killedPath: String, reference referencePath: String, transactions: [TransactionID]) async throws {
        let killed = try await Self.open(killedPath)
        let reference = try await Self.open(referencePath)
        var archivedKilled: Set<TransactionID> = []
        var archivedReference: Set<TransactionID> = []
        for id in transactions {
            let left = try await #require(try killed.transaction(id), "transaction \(id) is not in the restarted archive")
            let right = try await #require(try reference.transaction(id), "transaction \(id) is not in the reference archive")
            if left.state == .archived { archivedKilled.insert(id) }
            if right.state == .archived { archivedReference.insert(id) }
            #expect(left.state == right.state, "transaction \(id): \(left.state) after restarts, \(right.state) uninterrupted")

            let payments = left.events.filter { $0.kind == .payment || $0.kind == .p2p }
            let referencePayments = right.events.filter { $0.kind == .payment || $0.kind == .p2p }
            #expect(payments.count == referencePayments.count, "transaction \(id): \(payments.count) payment events after restarts")
            if right.state == .archived {
                #expect(payments.count == 1, "transaction \(id): \(payments.count) payment/p2p events, expected exactly one")
            }
            #expect(payments.map(\.amount) == referencePayments.map(\.amount), "transaction \(id): payment amounts differ")
            #expect(left.events.count == right.events.count, "transaction \(id): \(left.events.count) events vs \(right.events.count)")

            let receipt = try await killed.receipt(for: id)
            let referenceReceipt = try await reference.receipt(for: id)
            #expect(receipt?.receipt.fiscalSign == referenceReceipt?.receipt.fiscalSign, "transaction \(id): fiscal sign differs")
            #expect(receipt?.receipt.total == referenceReceipt?.receipt.total, "transaction \(id): total differs")
            #expect(receipt?.receipt.items.count == referenceReceipt?.receipt.items.count, "transaction \(id): item count differs")
            await #expect(
                try killed.receipts(for: id).count == reference.receipts(for: id).count,
                "transaction \(id): a receipt is missing or duplicated")
            await #expect(
                try killed.original(for: id)?.sha256 == reference.original(for: id)?.sha256,
                "transaction \(id): the original's SHA-256 differs")
        }
        #expect(archivedKilled == archivedReference)
        #expect(archivedReference.count >= transactions.count / 2, "the reference archived only \(archivedReference.count)")
        let report = try await killed.verify()
        #expect(report.problems.isEmpty, "verify() on the restarted archive: \(report.problems)")
    }

    /// An archive by what `FISCAL_ARCHIVE_DB` would say: a PostgreSQL URL or a SQLite path.
    static func open(_ location: String) async throws -> any ArchiveStore {
        PostgresArchiveConfiguration.isURL(location)
            ? try await PostgresArchiveStore.open(url: location) : try SQLiteArchiveStore(path: location)
    }

    /// Adds 1 to the first event's amount behind the archive's back (append-only triggers off); returns its `seq`.
    private func tamperWithAnEventAmount(at location: String) async throws -> Int64 {
        let archive = try await Self.open(location)
        let first = try await Tamper.rows(archive, "SELECT MIN(seq) FROM events").first?.first ?? nil
        let seq = try #require(first.flatMap { Int64($0) }, "the archive has no events")
        try await Tamper.execute(archive, "UPDATE events SET amount = amount + 1 WHERE seq = \(seq)")
        return seq
    }
}

/// Runs the executable against the sandbox, with output captured in a file (a pipe could fill up and block it).
private struct Tool {
    let sandbox: SandboxServer
    let directory: URL

    struct Outcome {
        var status: Int32
        var killed: Bool
        var output: String
    }

    func environment(database: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FISCAL_ARCHIVE_") }
        environment["FISCAL_ARCHIVE_DB"] = database
        environment["FISCAL_ARCHIVE_GATEWAY_URL"] = sandbox.gatewayURL
        environment["FISCAL_ARCHIVE_SERVICE_ID"] = sandbox.serviceID
        environment["FISCAL_ARCHIVE_SECRET_KEY"] = sandbox.secretKey
        environment["FISCAL_ARCHIVE_RECEIPT_HOSTS"] = "127.0.0.1:\(sandbox.port)"
        environment["FISCAL_ARCHIVE_RECEIPT_RATE"] = "0"
        environment["FISCAL_ARCHIVE_RETRY_INITIAL"] = "1"
        environment["FISCAL_ARCHIVE_RETRY_MAX"] = "1"
        return environment
    }

    /// Runs `fiscal-archive arguments…`; with `killAfter`, sends SIGKILL after that delay if it still runs.
    func run(_ arguments: [String], database: String, killAfter: Duration? = nil) async throws -> Outcome {
        let logPath = directory.appendingPathComponent("run-\(UUID().uuidString).log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        defer { try? log.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CrashRestartTests.toolPath)
        process.arguments = arguments
        process.environment = environment(database: database)
        process.currentDirectoryURL = directory  // no stray fiscal-archive.conf is picked up
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var killed = false
        if let killAfter {
            try await Task.sleep(for: killAfter)
            if process.isRunning {
                killed = kill(process.processIdentifier, SIGKILL) == 0
            }
        }
        let started = ContinuousClock.now
        var timedOut = false
        while process.isRunning {
            if !timedOut && ContinuousClock.now - started > .seconds(45) {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                Issue.record("fiscal-archive \(arguments.joined(separator: " ")) did not finish in 45 s")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        killed = killed && process.terminationReason == .uncaughtSignal
        let output = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return Outcome(status: process.terminationStatus, killed: killed, output: output)
    }
}


