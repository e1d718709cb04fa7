import ArgumentParser
import Archive
import ServiceLifecycle

struct Serve: AsyncParsableCommand {
    func run() async throws {}
}

enum WebServerFactory {
    static func service(runtime: Runtime, archive: ArchiveStore, host: String, port: Int) throws -> any Service {
        throw Exit.fail("pending")
    }
}
