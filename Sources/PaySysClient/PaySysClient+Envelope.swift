import AsyncHTTPClient
import FiscalCore
import NIOCore

/// Why an answer envelope was not a successful result.
enum EnvelopeProblem: Error {
    case gateway(code: PaySysError.GatewayCode, message: String, data: ExactJSON?, mxID: String?)
    case protocolViolation(String)
    case malformed(String)
}

extension PaySysClient {
    /// Reads `{"id", "error", "result", "mx_id"}`.
    ///
    /// The `id` must equal the request's. An error object whose `id` is `null` is still accepted as the gateway's
    /// answer: JSON-RPC servers send `null` when they could not read the request's id (a parse error).
    static func readEnvelope(_ json: ExactJSON, requestID: String) throws(EnvelopeProblem) -> Answer {
        guard json.members != nil else { throw .malformed("the answer is not a JSON object") }
        let result = json["result"]
        let mxID = (json["mx_id"]?.scalarText).flatMap { $0.isEmpty ? nil : $0 }
            ?? (result?["mx_id"]?.scalarText).flatMap { $0.isEmpty ? nil : $0 }
        let error = json["error"].flatMap { $0.isNull ? nil : $0 }
        let id = json["id"].flatMap { $0.isNull ? nil : $0 }

        if let id {
            guard id.scalarText == requestID else {
                throw .protocolViolation("answer id \(id) does not match request id \(requestID)")
            }
        } else if error == nil {
            throw .protocolViolation("the answer has no id")
        }
        if let error {
            guard let code = error["code"]?.int64Value, let small = Int(exactly: code) else {
                throw .malformed("error object without an integer code: \(error)")
            }
            let message = error["message"]?.stringValue ?? error["message"]?.description ?? ""
            let data = error["data"].flatMap { $0.isNull ? nil : $0 }
            throw .gateway(code: PaySysError.GatewayCode(rawValue: small), message: message, data: data, mxID: mxID)
        }
        guard let result, result.members != nil else { throw .malformed("the answer has neither error nor a result object") }
        return Answer(result: result, mxID: mxID)
    }

    /// Maps an AsyncHTTPClient / NIO error to a ``PaySysError``.
    static func transportError(_ error: any Error, method: String, transactionID: TransactionID?, limit: Int) -> PaySysError {
        func make(_ kind: PaySysError.Kind, sent: Bool = true) -> PaySysError {
            PaySysError(kind: kind, method: method, transactionID: transactionID, requestMayHaveBeenSent: sent)
        }
        if error is NIOTooManyBytesError { return make(.responseTooLarge(limit: limit)) }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout: return make(.timeout)
            case .connectTimeout, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout:
                return make(.connection(reason: "could not connect (\(error))"), sent: false)
            case .remoteConnectionClosed: return make(.connection(reason: "the server closed the connection"))
            case .invalidURL, .emptyHost, .emptyScheme: return make(.connection(reason: "invalid endpoint URL"), sent: false)
            default: return make(.connection(reason: "\(error)"))
            }
        }
        if error is CancellationError { return make(.connection(reason: "cancelled")) }
        let text = String(describing: error)
        // NIO reports a refused connection as NIOConnectionError / connection refused: nothing was sent.
        if text.contains("NIOConnectionError") || text.lowercased().contains("connection refused") {
            return make(.connection(reason: "connection refused"), sent: false)
        }
        return make(.connection(reason: text))
    }
}
