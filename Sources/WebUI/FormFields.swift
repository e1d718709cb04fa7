import Foundation

/// The fields of a query string or an `application/x-www-form-urlencoded` body.
///
/// Hummingbird's own query parser leaves `+` as is; browsers send spaces in GET forms as `+`, so this one decodes
/// both. The first occurrence of a name wins.
struct FormFields: Sendable {
    private var values: [String: String] = [:]

    /// Parses `a=1&b=two+words`; undecodable percent escapes keep their raw text.
    init(_ encoded: String?) {
        guard let encoded else { return }
        for pair in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            if values[name] == nil { values[name] = value }
        }
    }

    /// The field's value with surrounding whitespace removed; `nil` when absent or blank.
    subscript(_ name: String) -> String? {
        guard let value = values[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }

    /// The field's value exactly as sent (for the login token), `nil` when absent.
    func raw(_ name: String) -> String? { values[name] }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
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
