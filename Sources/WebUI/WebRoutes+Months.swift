import Archive
import FiscalCore
import Foundation
import Hummingbird

extension WebRoutes {
    /// `GET /months`: the months with events, newest first, with their reports.
    func monthsPage(_ request: Request) async throws -> Response {
        let months = try await archive.monthsWithEvents().sorted(by: >)
        let enabled = reports.isEnabled
        let rows = months.map { month in
            MonthRow(
                label: Display.monthName(month), value: month.description,
                htmlLink: enabled ? "/months/\(month).html" : nil, csvLink: enabled ? "/months/\(month).csv" : nil)
        }
        let page = MonthsPage(chrome: chrome(request), months: rows, reportsEnabled: enabled)
        return HTMLResponse.page(renderer.render("months", page))
    }

    /// `GET /months/{YYYY-MM}.html|.csv`: renders the report now and serves it (writing no file).
    func monthReport(_ request: Request, context: some RequestContext) async throws -> Response {
        let name = context.parameters.get("file") ?? ""
        guard let format = WebConfiguration.ReportFormat.allCases.first(where: { name.hasSuffix(".\($0.rawValue)") }) else {
            throw WebError(.notFound, "Reports are YYYY-MM.html or YYYY-MM.csv")
        }
        guard let month = YearMonth(parsing: String(name.dropLast(format.rawValue.count + 1))) else {
            throw WebError(.notFound, "Reports are YYYY-MM.html or YYYY-MM.csv")
        }
        guard reports.isEnabled else { throw WebError(.notFound, "Report generation is not configured") }
        guard try await archive.monthsWithEvents().contains(month) else {
            throw WebError(.notFound, "No events are archived for \(month)")
        }
        let bytes: [UInt8]
        do {
            guard let rendered = try await reports.render(month, format: format) else {
                throw WebError(.notFound, "Report generation is not configured")
            }
            bytes = rendered
        } catch let error as WebError {
            throw error
        } catch {
            logger.error(
                "report generation failed", metadata: ["report.month": "\(month)", "report.format": "\(format)", "error": "\(error)"])
            throw WebError(.internalServerError, "The \(format.rawValue.uppercased()) report for \(month) could not be generated")
        }
        var headers = HTTPFields()
        if format == .html {
            headers[.contentType] = "text/html; charset=utf-8"
        } else {
            headers[.contentType] = "text/csv; charset=utf-8"
            headers[.contentDisposition] = "attachment; filename=\"\(month).csv\""
        }
        var buffer = ByteBuffer()
        buffer.writeBytes(bytes)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: buffer))
    }

    /// `GET /metrics`: the Prometheus text format (jobs by state, gateway latency and errors, last export …), under
    /// the same access rules as every page.
    func metrics() async throws -> Response {
        guard let render = configuration.metricsRenderer else { throw WebError(.notFound, "Metrics are not configured") }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: try await render())))
    }

    /// `GET /status`: counts by state, failures and waits with reasons, last sync and export.
    func statusPage(_ request: Request) async throws -> Response {
        let status = try await archive.status(now: configuration.now())
        let states = PipelineState.allCases.map { state in
            let count = status.countsByState[state] ?? 0
            let style: String =
                switch state {
                case .failed where count > 0: "bad"
                case .waiting where count > 0: "warn"
                case .archived: "ok"
                default: ""
                }
            return Fact(label: Display.state(state), value: String(count), style: style)
        }
        let totals = [
            Fact(label: "Tracked transactions", value: String(status.total)),
            Fact(label: "Due now", value: String(status.dueNow)),
            Fact(label: "Originals", value: String(status.originals)),
            Fact(label: "Receipts", value: String(status.receipts)),
            Fact(label: "Events", value: String(status.events)),
            Fact(
                label: "Pending operations", value: String(status.pendingOperations),
                style: status.pendingOperations > 0 ? "bad" : ""),
            Fact(label: "Last sync", value: status.lastSyncAt.map { Display.time($0) } ?? "never"),
            Fact(label: "Last export", value: status.lastExportMonth ?? "never"),
            Fact(label: "Integrity chain head", value: status.chainHead.isEmpty ? "—" : status.chainHead, style: "mono"),
        ]
        func row(_ line: ArchiveStatus.Line) -> AttentionRow {
            AttentionRow(
                id: line.id.description, link: Display.receiptPath(line.id), step: line.step?.rawValue ?? "—",
                reason: line.reason ?? "—", attempts: String(line.attempts), nextAttempt: Display.time(line.nextAttemptAt))
        }
        let page = StatusPage(
            chrome: chrome(request), states: states, totals: totals, failures: status.failures.map(row),
            waiting: status.waiting.map(row))
        return HTMLResponse.page(renderer.render("status", page))
    }
}
