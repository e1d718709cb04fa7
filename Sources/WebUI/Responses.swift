import FiscalCore
import Hummingbird

/// HTML responses.
enum HTMLResponse {
    /// A page in UTF-8.
    static func page(_ html: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// A `303 See Other` to a local path.
    static func redirect(to path: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.location] = path
        return Response(status: .seeOther, headers: fields)
    }
}

/// JSON responses.
enum JSONResponse {
    /// A JSON body.
    static func body(_ value: ExactJSON, status: HTTPResponse.Status = .ok) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(
            status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: value.encoded(escapingHTML: true) + [0x0A])))
    }

    /// `{"error": "…", "index": n}`.
    static func error(_ message: String, status: HTTPResponse.Status, index: Int? = nil) -> Response {
        var members: [(String, ExactJSON)] = [("error", .string(message))]
        if let index { members.append(("index", .integer(Int64(index)))) }
        return body(.object(members), status: status)
    }
}
