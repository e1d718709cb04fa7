import ArgumentParser
import FiscalCore
import Foundation
import Logging
import Sandbox
import UnixSignals

/// `sandbox [--port N] [--write-config FILE] [--write-csv FILE]`: the embedded PaySys gateway and receipt site, in
/// the foreground, printing the settings and transaction ids that take a newcomer through track → sync → report.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox", abstract: "Run the sandbox PaySys gateway and receipt site in the foreground.",
        discussion: """
            Prints `export` lines for the settings that point fiscal-archive at it, and a few seeded transaction ids. \
            --write-config writes the settings as a config file (use it with --config FILE); --write-csv writes every \
            seeded transaction as a CSV for `track --csv FILE`.
            """)

    @Option(help: "Port on 127.0.0.1 (0: any free port).") var port = 8089
    @Option(help: "The seeded month, YYYY-MM (default: last month).") var month: YearMonth?
    @Option(help: "How many transactions to seed.") var count = 300
    @Option(help: "Seed of the generated data.") var seed: UInt64 = 20_260_301
    @Option(
        name: .customLong("fault"),
        help: ArgumentHelp(
            "A gateway fault METHOD:KIND[:N], repeatable, e.g. payment_adjustments:drop_then_apply:4000.",
            discussion: "Kinds: drop_then_apply[:MS], apply_then_error[:STATUS], error_then_apply_on_retry[:STATUS], "
                + "lag:MS (payment_info), latency:MS, server_error[:STATUS], rate_limited[:SECONDS], timeout[:MS], "
                + "drop, answer_lost, malformed_json, mismatched_id, error:CODE."))
    var faults: [String] = []
    @Option(help: "Write the settings to this config file (NAME=value lines, for --config).") var writeConfig: String?
    @Option(help: "Write the seeded transactions to this CSV file (for track --csv).") var writeCsv: String?

    func validate() throws {
        if !(0...65535).contains(port) { throw ValidationError("--port must be 0…65535.") }
        if !(1...1_000_000).contains(count) { throw ValidationError("--count must be 1…1000000.") }
        for fault in faults {
            do {
                _ = try FaultSpec(parsing: fault)
            } catch {
                throw ValidationError("--fault: \(error)")
            }
        }
    }

    func run() async throws {
        Runtime.bootstrapLogging()
        var plans: [GatewayMethod: FaultPlan] = [:]
        for fault in faults { try FaultSpec(parsing: fault).apply(to: &plans) }
        let configuration = SandboxConfiguration(
            port: port, seed: seed, month: month, transactionCount: count, gatewayFaults: plans)
        // Trap the signals before listening, so that an early Ctrl-C still stops the server cleanly.
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        let sandbox: SandboxServer
        do {
            sandbox = try await SandboxServer.start(configuration: configuration, logger: Logger(label: "sandbox"))
        } catch {
            throw Exit.fail(
                "The sandbox cannot listen on \(configuration.host):\(port) (\(error)); try another --port (0 picks a free one).")
        }
        do {
            let settings = SandboxSettings(sandbox: sandbox, transactions: await sandbox.world.allTransactions)
            var text = try settings.introduction(configFile: writeConfig, csvFile: writeCsv)
            for fault in faults { text += "# Fault injected: \(fault)\n" }
            // Written unbuffered: when stdout is a pipe, a print() would sit in the buffer while the server runs.
            FileHandle.standardOutput.write(Data(text.utf8))
        } catch {
            await sandbox.shutdown()
            throw Exit.fail("\(error)")
        }
        for await _ in signals { break }
        await sandbox.shutdown()
    }
}
