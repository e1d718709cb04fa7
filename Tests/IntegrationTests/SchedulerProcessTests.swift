import Foundation
import Logging
import Sandbox
import Testing

/// `fiscal-archive run` as a process: it syncs, refuses a second instance, and stops cleanly on SIGTERM.
@Suite("The scheduler process")
struct SchedulerProcessTests {
    @Test("run syncs, a second run on the same archive exits with a clear message, SIGTERM ends it with 0")
    func lifecycle() async throws {
        let sandbox = try await SandboxServer.start(
            configuration: SandboxConfiguration(transactionCount: 20), logger: Logger(label: "sandbox"))
        let directory = Harness.temporaryPath("run")
        let db = directory + ".sqlite"
        let environment = [
            "FISCAL_ARCHIVE_DB": db, "FISCAL_ARCHIVE_GATEWAY_URL": sandbox.gatewayURL,
            "FISCAL_ARCHIVE_SERVICE_ID": sandbox.serviceID, "FISCAL_ARCHIVE_SECRET_KEY": sandbox.secretKey,
            "FISCAL_ARCHIVE_RECEIPT_HOSTS": "127.0.0.1:\(sandbox.port)", "FISCAL_ARCHIVE_RECEIPT_RATE": "0",
            "FISCAL_ARCHIVE_REPORTS_DIR": directory + "-reports",
        ]
        let ids = await sandbox.world.allTransactions.filter { $0.status == .completed && $0.type == .payment }.prefix(5).map { String($0.id.rawValue) }
        let tracked = try CommandLineTests.run(["track", "--type", "payment"] + ids, environment: environment)
        #expect(tracked.status == 0, "\(tracked.stderr)")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLineTests.executable)
        process.arguments = ["run"]
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FISCAL_ARCHIVE_") }
        env.merge(environment) { $1 }
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()

        // Wait (bounded) until the first round has archived the receipts.
        var archived = false
        for _ in 0..<100 where !archived {
            try await Task.sleep(for: .milliseconds(200))
            let status = try CommandLineTests.run(["status", "--json"], environment: environment)
            archived = status.stdout.contains("\"archived\":\(ids.count)")
        }
        #expect(archived)
        // Last month's reports were exported on start (catch-up).
        let reports = (try? FileManager.default.contentsOfDirectory(atPath: directory + "-reports")) ?? []
        #expect(reports.contains { $0.hasSuffix(".html") } && reports.contains { $0.hasSuffix(".csv") }, "\(reports)")

        let second = try CommandLineTests.run(["run"], environment: environment)
        #expect(second.status == 1)
        #expect(second.stderr.contains("Another scheduler is already running"), "\(second.stderr)")

        process.terminate()  // SIGTERM
        for _ in 0..<100 where process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!process.isRunning)
        if process.isRunning { process.interrupt() }
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        await sandbox.shutdown()
    }
}
