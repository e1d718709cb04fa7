import Archive
import FiscalCore
import Foundation
import HTTPTypes
import Hummingbird

extension WebRoutes {
    /// The policy of an original: a sandbox (opaque origin, no scripts, no forms, no popups, no top navigation)
    /// that may load nothing but `data:` images and its own inline styles, framed only by our own receipt page.
    static var originalPolicy: String {
        "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; form-action 'none'; "
            + "frame-ancestors 'self'; base-uri 'none'"
    }

    /// `GET /receipts/{id}/original`: the original bytes exactly as downloaded.
    ///
    /// - default: rendered in the sandbox above (`Content-Security-Policy: sandbox …`), which is also what the
    ///   receipt page's `<iframe sandbox>` shows; the page can be looked at as the auditor would have seen it but
    ///   nothing in it runs, submits or loads;
    /// - `?as=text`: `text/plain; charset=utf-8`, the source;
    /// - `?download=1`: `application/octet-stream` as an attachment, byte-exact, to hash independently.
    ///
    /// Every variant carries `X-Original-SHA256` (recorded at download) and `X-Original-Intact` (re-checked now).
    func original(_ request: Request, context: some RequestContext) async throws -> Response {
        let id = try Self.transactionID(context)
        guard let original = try await archive.original(for: id) else {
            throw WebError(.notFound, "No original is stored for transaction \(id)")
        }
        let fields = try FormFields.decode(OriginalFields.self, from: request.uri.query)
        var headers = HTTPFields()
        headers[.contentSecurityPolicy] = Self.originalPolicy
        headers[.xOriginalSHA256] = original.sha256
        headers[.xOriginalIntact] = original.hashMatches ? "true" : "false"
        let ext = original.format == .html ? "html" : "json"
        if fields.download != nil {
            headers[.contentType] = "application/octet-stream"
            headers[.contentDisposition] = "attachment; filename=\"receipt-\(id.rawValue)-original.\(ext)\""
        } else if fields.as == "text" || original.format != .html {
            headers[.contentType] = "text/plain; charset=utf-8"
            headers[.contentDisposition] = "inline; filename=\"receipt-\(id.rawValue)-original.\(ext).txt\""
            headers[HTTPField.Name.xFrameOptions] = "SAMEORIGIN"
        } else {
            headers[.contentType] = "text/html; charset=\(Self.charset(of: original.contentType))"
            headers[HTTPField.Name.xFrameOptions] = "SAMEORIGIN"
        }
        var buffer = ByteBuffer()
        buffer.writeBytes(original.bytes)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: buffer))
    }

    /// The charset the original was served with when it is a plain token, else UTF-8 (what OFD pages use).
    static func charset(of contentType: String?) -> String {
        guard let contentType else { return "utf-8" }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map {
                $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
            guard pair.count == 2, pair[0].lowercased() == "charset" else { continue }
            let value = pair[1]
            let safe = !value.isEmpty && value.count <= 32
                && value.unicodeScalars.allSatisfy {
                    ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) || "-_.:".unicodeScalars.contains($0)
                }
            return safe ? value.lowercased() : "utf-8"
        }
        return "utf-8"
    }
}
