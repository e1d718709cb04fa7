import ArgumentParser
import FiscalCore
import Foundation
import Logging
import Sandbox

/// `sandbox [--port N]`: the embedded PaySys gateway and receipt site, in the foreground.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox", abstract: "Run the sandbox PaySys gateway and receipt site in the foreground.")

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
        try await SandboxServer.runForeground(configuration: configuration, logger: Logger(label: "sandbox")) { lines in
            var text = lines.joined(separator: "\n") + "\n"
            for fault in faults { text += "Fault: \(fault)\n" }
            text += "Try: FISCAL_ARCHIVE_GATEWAY_URL=<gateway URL> FISCAL_ARCHIVE_SERVICE_ID=<service id> "
                + "FISCAL_ARCHIVE_SECRET_KEY=<secret key> FISCAL_ARCHIVE_RECEIPT_HOSTS=<receipt host> fiscal-archive info <id>\n"
            text += "Stop with Ctrl-C.\n"
            // Written unbuffered: when stdout is a pipe, a print() would sit in the buffer while the server runs.
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
