import ArgumentParser
import Foundation

/// `fiscal-archive`: the executable holds argument parsing and wiring only; the work is in the modules.
@main
struct FiscalArchive: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fiscal-archive",
        abstract: "A verifiable archive of the fiscal receipts behind PaySys payments, and its monthly reports.",
        subcommands: [
            Demo.self, SandboxCommand.self, Track.self, Sync.self, Run.self, Parse.self, Report.self, Lookup.self,
            Show.self, Verify.self, Info.self, Cancel.self, Refund.self, InvoiceCommand.self, OperationsCommand.self,
            Serve.self, Status.self, Reparse.self,
        ])

    /// Runs the command line; usage errors exit with 2 (DESIGN.md), not ArgumentParser's 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            guard code == .validationFailure else { exit(withError: error) }
            Terminal.error(fullMessage(for: error))
            Foundation.exit(Exit.usage)
        }
    }
}

/// Options every command that touches the archive or the gateway shares.
struct GlobalOptions: ParsableArguments {
    @Option(help: "The archive file (default: FISCAL_ARCHIVE_DB or fiscal-archive.sqlite).")
    var db: String?

    @Option(help: "A config file of NAME=value lines (environment variables win).")
    var config: String?

    @Flag(name: .shortAndLong, help: "Log what happens in detail (to stderr).")
    var verbose = false

    /// The configuration with `--db` applied.
    func load() throws -> AppConfiguration {
        var configuration = try AppConfiguration.load(file: config)
        if let db { configuration.databasePath = db }
        return configuration
    }
}

/// Where every front-end error becomes a message and an exit code (DESIGN.md: 0 ok, 1 failure, 2 usage,
/// 3 tampering).
enum Exit {
    static let failure: Int32 = 1
    static let usage: Int32 = 2
    static let tampering: Int32 = 3

    /// Prints `message` to stderr and ends the command with `code`.
    static func fail(_ message: String, code: Int32 = failure) -> ExitCode {
        Terminal.error(message)
        return ExitCode(code)
    }
}
