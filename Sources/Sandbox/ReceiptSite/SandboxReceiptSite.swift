import Crypto
import FiscalCore
import Foundation

/// The fake tax-authority viewer: legacy pages at `/epi` and `/check`, and the signed JSON API at `/api/payment`.
struct SandboxReceiptSite: Sendable {
    let configuration: SandboxConfiguration
    let world: SandboxWorld

    struct Reply: Sendable {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]
    }

    /// `GET /epi` or `/check` with `t`, `r`, `c`, `s`: the legacy page, or the legacy "not found" page when the
    /// parameters do not name a registered receipt exactly.
    func page(terminal: String?, number: String?, code: String?, sign: String?) async -> Reply {
        let html = [("Content-Type", "text/html; charset=UTF-8")]
        guard let terminal, let number else {
            return Reply(status: 200, headers: html, body: Array(SandboxReceipts.notFoundPage.utf8))
        }
        let (latency, fault, spec) = await world.admitReceiptFetch(terminal: terminal, number: number)
        if latency > .zero { try? await Task.sleep(for: latency) }
        guard let spec, code == ReceiptReference.dateTimeCode(spec.issuedAt), sign == spec.fiscalSign else {
            return Reply(status: 200, headers: html, body: Array(SandboxReceipts.notFoundPage.utf8))
        }
        let full = Array(SandboxReceipts.legacyPage(SandboxReceipts.receipt(for: spec)).utf8)
        switch fault {
        case .spaShell?: return Reply(status: 200, headers: html, body: Array(SandboxReceipts.spaShell.utf8))
        case .notYetRegistered?: return Reply(status: 200, headers: html, body: Array(SandboxReceipts.notFoundPage.utf8))
        case .truncatedPage?: return Reply(status: 200, headers: html, body: Array(full.prefix(full.count / 2)))
        case .serverError(let status)?: return Reply(status: status, headers: [], body: Array("Bad Gateway".utf8))
        case .rateLimited(let seconds)?:
            return Reply(status: 429, headers: [("Retry-After", String(seconds))], body: Array("Too Many Requests".utf8))
        case nil: return Reply(status: 200, headers: html, body: full)
        }
    }

    /// `POST /api/payment`: `{terminalId, paymentNo, paymentDate, fiscalSign, paymentType}`, signed with
    /// `x-timestamp` and `x-signature` = hex HMAC-SHA256 over `terminalId:paymentNo:timestamp`.
    func api(body: [UInt8], timestamp: String?, signature: String?) async -> Reply {
        let json = [("Content-Type", "application/json")]
        guard let request = try? ExactJSON(parsing: body), let terminal = request["terminalId"]?.scalarText,
            let number = request["paymentNo"]?.scalarText
        else {
            return Reply(status: 400, headers: json,
                body: Array("{\"data\":null,\"message\":\"Bad request\",\"success\":false}".utf8))
        }
        guard let timestamp, let signature, Self.signature(key: configuration.receiptAPIKey,
            terminalID: terminal, paymentNo: number, timestamp: timestamp) == signature.lowercased()
        else {
            return Reply(status: 401, headers: json,
                body: Array("{\"data\":null,\"message\":\"Invalid signature\",\"success\":false}".utf8))
        }
        let (latency, fault, spec) = await world.admitReceiptFetch(terminal: terminal, number: number)
        if latency > .zero { try? await Task.sleep(for: latency) }
        let sign = request["fiscalSign"]?.scalarText
        guard let spec, sign == nil || sign == spec.fiscalSign else {
            return Reply(status: 200, headers: json, body: SandboxReceipts.apiNotFoundPayload)
        }
        let full = SandboxReceipts.apiPayload(SandboxReceipts.receipt(for: spec))
        switch fault {
        case .notYetRegistered?: return Reply(status: 200, headers: json, body: SandboxReceipts.apiNotFoundPayload)
        case .truncatedPage?: return Reply(status: 200, headers: json, body: Array(full.prefix(full.count / 2)))
        case .serverError(let status)?: return Reply(status: status, headers: [], body: Array("Bad Gateway".utf8))
        case .rateLimited(let seconds)?:
            return Reply(status: 429, headers: [("Retry-After", String(seconds))], body: Array("Too Many Requests".utf8))
        case .spaShell?, nil: return Reply(status: 200, headers: json, body: full)
        }
    }

    /// The `x-signature` of a receipt API request: hex HMAC-SHA256 over `terminalId:paymentNo:timestamp`.
    static func signature(key: String, terminalID: String, paymentNo: String, timestamp: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array("\(terminalID):\(paymentNo):\(timestamp)".utf8), using: SymmetricKey(data: Array(key.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }
}
