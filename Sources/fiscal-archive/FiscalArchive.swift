import ArgumentParser
import Foundation

/// `fiscal-archive`: the executable holds argument parsing and wiring only; the work is in the modules.
@main
struct FiscalArchive: AsyncParsableCommand {
    /// The version `--version` prints.
    static let version = "0.9.0"

    static let configuration = CommandConfiguration(
        commandName: "fiscal-archive",
        abstract: "A verifiable archive of the fiscal receipts behind PaySys payments, and its monthly reports.",
        discussion: """
            Global options (--db PATH, --config PATH, -v) go before or after the command: \
            `fiscal-archive --db x.sqlite status` is `fiscal-archive status --db x.sqlite`.
            """,
        version: version,
        // Every command spells its `commandName` (as ArgumentParser would derive it from the type's name):
        // deriving it takes `String(describing:)` of each type, a reflective cast that scans the binary's
        // protocol conformances, ~3 ms of every start, which `parse` over a few hundred pages felt.
        subcommands: [
            Demo.self, SandboxCommand.self, Track.self, Sync.self, Run.self, Parse.self, Report.self, Lookup.self,
            Show.self, Verify.self, Info.self, Cancel.self, Refund.self, InvoiceCommand.self, OperationsCommand.self,
            Serve.self, Status.self, Reparse.self, Migrate.self,
        ])

    /// Runs the command line; usage errors exit with 2 (DESIGN.md), not ArgumentParser's 64.
    static func main() async {
        do {
            let arguments = GlobalOptions.hoisted(Array(CommandLine.arguments.dropFirst()), root: Self.self)
            var command = try parseAsRoot(arguments)
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
///
/// They may also come before the command, as in git and docker: ``hoisted(_:root:)`` moves them behind it.
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

    /// The global options that take a value, and the flags.
    private static let valued: Set<String> = ["--db", "--config"]
    private static let flags: Set<String> = ["-v", "--verbose"]

    /// Moves global options written before the (sub)command name to just after it, so that
    /// `--db x.sqlite status` parses as `status --db x.sqlite`; everything else keeps its order.
    ///
    /// Only the leading run of global options is moved: the first other word is the command name (or an error
    /// ArgumentParser reports as usual). A value-taking option missing its value is left in place, for
    /// ArgumentParser to name.
    static func hoisted(_ arguments: [String], root: any ParsableCommand.Type) -> [String] {
        var globals: [String] = []
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            if flags.contains(word) {
                globals.append(word)
                index += 1
            } else if valued.contains(where: { word.hasPrefix($0 + "=") }) {
                globals.append(word)
                index += 1
            } else if valued.contains(word), index + 1 < arguments.count {
                globals.append(contentsOf: [word, arguments[index + 1]])
                index += 2
            } else {
                break
            }
        }
        guard !globals.isEmpty else { return arguments }
        // Walk the command names (`invoice create`, `operations list`) to the innermost one. `_commandName` is
        // ArgumentParser's own resolution of a name (explicit, or derived from the type), so both always agree.
        var rest = Array(arguments[index...])
        var command: any ParsableCommand.Type = root
        var depth = 0
        while depth < rest.count,
            let next = command.configuration.subcommands.first(where: { $0._commandName == rest[depth] })
        {
            command = next
            depth += 1
        }
        // Nothing named after the options (`fiscal-archive --db x`): leave them for ArgumentParser to report.
        guard depth > 0 else { return arguments }
        rest.insert(contentsOf: globals, at: depth)
        return rest
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
