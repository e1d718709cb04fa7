import Archive
import ArgumentParser
import Foundation
import PostgresArchive
import SQLiteArchive

/// `migrate --to URL|PATH`: copy this archive into a new, empty one in either backend, checked.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy this archive into a new, empty archive (PostgreSQL URL or SQLite path), checked.",
        discussion: """
            Every row is copied with its ids and the integrity chain in its order; the target then rebuilds its \
            search index and sequences. The copy is checked: the source must verify before, the target after, and \
            both must end at the same chain head. A non-empty target is refused. Stop syncs on the source first: \
            the copy is of one moment, and what the source records afterwards is not in it.
            """)

    @OptionGroup var options: GlobalOptions
    @Option(help: "The target: postgres://user:password@host:port/database[?sslmode=…], or a new SQLite file.")
    var to: String

    func validate() throws {
        if to.isEmpty { throw ValidationError("--to needs a postgres:// URL or a SQLite file path.") }
    }

    func run() async throws {
        try await Runtime.with(options) { runtime in
            let source = try await runtime.openArchive()
            let progress = Self.progress()
            let summary: ArchiveCopySummary
            let targetLocation: String
            do {
                if PostgresArchiveConfiguration.isURL(to) {
                    let target = try await PostgresArchiveStore.open(url: to, logger: runtime.logger)
                    targetLocation = target.location
                    if targetLocation == source.location {
                        await target.close()
                        throw Exit.fail("The target is the archive itself (\(targetLocation)).")
                    }
                    do {
                        summary = try await target.copy(from: source, progress: progress)
                        await target.close()
                    } catch {
                        await target.close()
                        throw error
                    }
                } else {
                    targetLocation = to
                    summary = try await Self.copyToNewFile(at: to, from: source, progress: progress)
                }
            } catch let error as ArchiveError {
                throw Exit.fail("Migration refused or failed, nothing changed in the target: \(error.message)")
            }
            print("Copied \(source.location) to \(targetLocation):")
            for (table, count) in summary.rows {
                print("  \(table.padding(toLength: 18, withPad: " ", startingAt: 0)) \(count)")
            }
            print(
                "The copy verifies: \(summary.verification.originalsChecked) originals and "
                    + "\(summary.verification.linksChecked) chain links checked, no problems.")
            print("Chain head in both: \(summary.chainHead)")
        }
    }

    /// A SQLite target is filled under a temporary name and renamed into place once the copy has been checked, so
    /// an interrupted or refused copy leaves no half-filled archive where the user asked for one.
    static func copyToNewFile(
        at path: String, from source: any ArchiveStore,
        progress: @escaping @Sendable (ArchiveTable, Int) -> Void
    ) async throws -> ArchiveCopySummary {
        let fileManager = FileManager.default
        let resolved = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        let sourcePath = URL(fileURLWithPath: source.location).standardizedFileURL.resolvingSymlinksInPath().path
        if resolved == sourcePath { throw Exit.fail("The target is the archive itself (\(path)).") }
        if fileManager.fileExists(atPath: path) {
            let existing = try SQLiteArchiveStore(path: path)
            let empty = try await existing.isEmpty()
            try existing.close()
            guard empty else {
                throw ArchiveError(
                    .refused, "The target archive \(path) is not empty: migrate copies into a new, empty archive only")
            }
        }
        let temporary = path + ".migrating"
        for suffix in ["", "-wal", "-shm"] { try? fileManager.removeItem(atPath: temporary + suffix) }
        let target = try SQLiteArchiveStore(path: temporary)
        let summary: ArchiveCopySummary
        do {
            summary = try await target.copy(from: source, progress: progress)
            try target.close()
        } catch {
            try? target.close()
            for suffix in ["", "-wal", "-shm"] { try? fileManager.removeItem(atPath: temporary + suffix) }
            throw error
        }
        // The WAL was checkpointed into the file by close(): what is left beside it is empty.
        for suffix in ["-wal", "-shm"] {
            try? fileManager.removeItem(atPath: path + suffix)
            try? fileManager.removeItem(atPath: temporary + suffix)
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            throw Exit.fail("The copy is complete in \(temporary) but cannot be renamed to \(path): \(reason)")
        }
        return summary
    }

    /// A line on stderr every 50,000 rows of a table (the summary gives the totals).
    static func progress() -> @Sendable (ArchiveTable, Int) -> Void {
        { table, copied in
            if copied % 50_000 < table.pageSize { Terminal.error("migrate: \(table.name): \(copied) rows") }
        }
    }
}
