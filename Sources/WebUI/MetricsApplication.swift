import Hummingbird
import Logging

/// A server with only `GET /metrics` (the Prometheus text format), for `run --metrics-port` without the web UI: an
/// operator can scrape every sync worker, on every machine, and alert on a stalled pipeline.
///
/// Bound to `host` (loopback by default); it shows counts and timings only, never a receipt.
public func buildMetricsApplication(
    host: String, port: Int, renderer: @escaping WebConfiguration.MetricsRenderer, logger: Logger
) -> some ApplicationProtocol {
    let router = Router(context: BasicRequestContext.self)
    router.get("/metrics") { _, _ -> Response in
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: try await renderer())))
    }
    return Application(
        router: router,
        configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
        logger: logger)
}
