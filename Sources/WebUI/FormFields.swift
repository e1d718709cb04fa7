import Foundation
import Hummingbird

/// Query strings and `application/x-www-form-urlencoded` bodies: read with Hummingbird's `URLEncodedFormDecoder`
/// into the typed forms below, written with ``encode(_:)`` and ``query(_:)`` for links.
enum FormFields {
    /// Decodes a query string or form body (`nil`: empty) into `Form`; a malformed one is a 400 naming no value.
    ///
    /// The decoder turns `+` into a space (browsers send spaces in GET forms that way) and refuses a repeated name.
    static func decode<Form: Decodable>(_ type: Form.Type, from encoded: String?) throws(WebError) -> Form {
        do {
            return try URLEncodedFormDecoder().decode(Form.self, from: encoded ?? "")
        } catch {
            throw WebError(.badRequest, "The form or query string is malformed")
        }
    }

    /// `value` with surrounding whitespace removed; `nil` when absent or blank.
    static func text(_ value: String?) -> String? {
        guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// Percent-encodes a value for a query string (everything but unreserved characters).
    static func encode(_ value: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// Builds `?a=1&b=2` from the non-empty pairs, in order.
    static func query(_ pairs: [(String, String?)]) -> String {
        let parts = pairs.compactMap { name, value -> String? in
            guard let value, !value.isEmpty else { return nil }
            return "\(encode(name))=\(encode(value))"
        }
        return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
    }
}

/// The fields of `/search` and `/api/search`.
struct SearchFields: Decodable, Sendable {
    var q: String?
    var terminal: String?
    var receipt: String?
    var from: String?
    var to: String?
    var min: String?
    var max: String?
    var page: String?
}

/// The sign-in form (`POST /login`) and the `next` of `GET /login`.
struct LoginFields: Decodable, Sendable {
    var token: String?
    var next: String?
}

/// The variants of `/receipts/{id}/original`.
struct OriginalFields: Decodable, Sendable {
    var download: String?
    var `as`: String?
}
