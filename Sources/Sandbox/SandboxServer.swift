import Crypto
import FiscalCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The sandbox gateway and receipt site, served by Hummingbird on loopback.
///
/// Tests start one per test on an ephemeral port and shut it down at the end:
/// ```swift
/// let sandbox = try await SandboxServer.start(configuration: .init(now: { fixedNow }), logger: logger)
/// defer { Task { await sandbox.shutdown() } }   // or call `await sandbox.shutdown()` at the end
/// ```
/// The command line starts one the same way and shuts it down on SIGINT/SIGTERM.
public final class SandboxServer: Sendable {
    /// The configuration the server runs with.
    public let configuration: SandboxConfiguration
    /// The sandbox's state: transactions, ledger, invoices, call counts, fault plans.
    public let world: SandboxWorld
    /// The bound port.
    public let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(
        configuration: SandboxConfiguration, world: SandboxWorld, port: Int, group: ServiceGroup,
        task: Task<Void, any Error>
    ) {
        self.configuration = configuration
        self.world = world
        self.port = port
        self.group = group
        self.task = task
    }

    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { Self.baseURL(host: configuration.host, port: port) }
    /// The gateway endpoint, `http://127.0.0.1:PORT/gateway`.
    public var gatewayURL: String { baseURL + "/gateway" }
    /// The JSON receipt API, `http://127.0.0.1:PORT/api/payment`.
    public var receiptAPIURL: String { baseURL + "/api/payment" }
    /// `127.0.0.1:PORT`, the receipt host to allowlist (unless the configuration names another).
    public var receiptHost: String { configuration.receiptHost ?? "\(configuration.host):\(port)" }
    /// The service id clients sign with.
    public var serviceID: String { configuration.serviceID }
    /// The secret key clients sign with (a sandbox value, fine to print).
    public var secretKey: String { configuration.secretKey }

    /// The lines `fiscal-archive sandbox` prints once the server listens.
    public var bannerLines: [String] {
        Self.bannerLines(configuration: configuration, port: port)
    }

    /// Starts the server in the background and returns once it listens.
    public static func start(configuration: SandboxConfiguration = .init(), logger: Logger) async throws -> SandboxServer {
        let world = SandboxWorld(configuration: configuration)
        let (stream, continuation) = AsyncStream<Result<Int, any Error>>.makeStream()
        let app = makeApplication(configuration: configuration, world: world, logger: logger) { port in
            continuation.yield(.success(port))
        }
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task {
            do {
                try await group.run()
                continuation.yield(.failure(SandboxStartError(reason: "the server stopped before listening")))
            } catch {
                continuation.yield(.failure(error))
                throw error
            }
        }
        var iterator = stream.makeAsyncIterator()
        guard let first = await iterator.next() else { throw SandboxStartError(reason: "no start signal") }
        switch first {
        case .success(let port):
            return SandboxServer(configuration: configuration, world: world, port: port, group: group, task: task)
        case .failure(let error):
            task.cancel()
            throw error
        }
    }

    /// Stops the server gracefully (requests in flight finish) and waits until it has stopped.
    public func shutdown() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }

    /// A valid `Auth` header for this sandbox's credentials at a timestamp (milliseconds): for raw-HTTP tests.
    public func authHeader(timestampMilliseconds: Int64) -> String {
        let timestamp = String(timestampMilliseconds)
        let hash = Insecure.SHA1.hash(data: Array((configuration.secretKey + timestamp).utf8))
            .map { String(format: "%02x", $0) }.joined()
        return "\(configuration.serviceID)-\(hash)-\(timestamp)"
    }

    /// The HMAC-SHA256 `x-signature` the JSON receipt API expects, for clients and tests.
    public static func receiptAPISignature(key: String, terminalID: String, paymentNo: String, timestamp: String) -> String {
        SandboxReceiptSite.signature(key: key, terminalID: terminalID, paymentNo: paymentNo, timestamp: timestamp)
    }

    static func baseURL(host: String, port: Int) -> String { "http://\(host):\(port)" }

    static func bannerLines(configuration: SandboxConfiguration, port: Int) -> [String] {
        let base = baseURL(host: configuration.host, port: port)
        return [
            "PaySys sandbox listening on \(base)",
            "gateway URL:      \(base)/gateway",
            "service id:       \(configuration.serviceID)",
            "secret key:       \(configuration.secretKey)",
            "receipt host:     \(configuration.receiptHost ?? "\(configuration.host):\(port)")",
            "receipt API:      \(base)/api/payment (key \(configuration.receiptAPIKey))",
            "seeded month:     \(configuration.month)",
        ]
    }

    static func makeApplication(
        configuration: SandboxConfiguration, world: SandboxWorld, logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void
    ) -> some ApplicationProtocol {
        let router = Router(context: SandboxRequestContext.self)
        let gateway = SandboxGateway(configuration: configuration, world: world)
        let site = SandboxReceiptSite(configuration: configuration, world: world)
        router.post("gateway") { request, context -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let auth = header(request, "auth")
            switch await gateway.handle(body: Array(body.readableBytesView), auth: auth) {
            case .answer(let status, let headers, let bytes):
                return response(status: status, headers: headers, body: bytes)
            case .drop:
                try? await context.channel.close()
                throw SandboxDroppedConnection()
            }
        }
        for path in ["epi", "check"] {
            router.get(RouterPath(path)) { request, _ -> Response in
                let query = request.uri.queryParameters
                let reply = await site.page(
                    terminal: query.get("t"), number: query.get("r"), code: query.get("c"), sign: query.get("s"))
                return response(status: reply.status, headers: reply.headers, body: reply.body)
            }
        }
        router.post("api/payment") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 16)
            let reply = await site.api(
                body: Array(body.readableBytesView), timestamp: header(request, "x-timestamp"),
                signature: header(request, "x-signature"))
            return response(status: reply.status, headers: reply.headers, body: reply.body)
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "paysys-sandbox"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                if configuration.receiptHost == nil { await world.setReceiptHost("\(configuration.host):\(port)") }
                await onRunning(port)
            },
            logger: logger)
    }

    private static func header(_ request: Request, _ lowercasedName: String) -> String? {
        request.headers.first(where: { $0.name.canonicalName == lowercasedName })?.value
    }

    private static func response(status: Int, headers: [(String, String)], body: [UInt8]) -> Response {
        var fields = HTTPFields()
        for (name, value) in headers {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        return Response(
            status: HTTPResponse.Status(code: status), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// The sandbox could not start listening.
public struct SandboxStartError: Error, Sendable, CustomStringConvertible {
    /// Why.
    public var reason: String
    public var description: String { "The sandbox could not start: \(reason)" }
}

/// Thrown after closing a connection on purpose, so that Hummingbird writes nothing more.
struct SandboxDroppedConnection: Error {}

/// A request context that keeps the connection's channel, so that a fault can close it without an answer.
struct SandboxRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}
