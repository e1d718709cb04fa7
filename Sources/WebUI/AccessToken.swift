import Crypto
import Foundation

/// The configured access token, and the checks of what clients present: a bearer token or the login cookie.
///
/// Both sides are reduced to SHA-256 digests before comparing, and the digests are compared without an early exit,
/// so neither the length nor a matching prefix of the token shows in the response time. The login cookie carries
/// an HMAC derived from the token, not the token itself: a leaked cookie does not reveal the token, and the cookie
/// stops working when the token is changed.
struct AccessToken: Sendable {
    /// The name of the login cookie.
    static let cookieName = "fiscal_archive_session"

    private let digest: [UInt8]
    private let sessionValue: String

    init(_ token: String) {
        digest = Array(SHA256.hash(data: Array(token.utf8)))
        let key = SymmetricKey(data: Array(token.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Array("fiscal-archive web session v1".utf8), using: key)
        sessionValue = mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `candidate` is the token.
    func matches(_ candidate: String) -> Bool {
        Self.constantTimeEqual(Array(SHA256.hash(data: Array(candidate.utf8))), digest)
    }

    /// The value the login cookie carries.
    var cookieValue: String { sessionValue }

    /// Whether a cookie value is the current session value.
    func matchesCookie(_ candidate: String) -> Bool {
        Self.constantTimeEqual(
            Array(SHA256.hash(data: Array(candidate.utf8))), Array(SHA256.hash(data: Array(sessionValue.utf8))))
    }

    /// The token of an `Authorization: Bearer …` header value, if that is what it is.
    static func bearer(from header: String?) -> String? {
        guard let header else { return nil }
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.count > 7, trimmed.prefix(7).lowercased() == "bearer " else { return nil }
        return String(trimmed.dropFirst(7)).trimmingCharacters(in: .whitespaces)
    }

    /// Compares two byte arrays of equal length without returning early.
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
