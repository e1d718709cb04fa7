import Crypto
import Foundation

/// The configured access token, and the checks of what clients present: a bearer token or the login cookie.
///
/// Both sides are reduced to SHA-256 digests before comparing, and the digests are compared without an early exit,
/// so neither the length nor a matching prefix of the token shows in the response time.
///
/// The login cookie is `<expiry>.<mac>`: the Unix second at which the session ends and an HMAC-SHA256 of it keyed
/// with the token. The server checks both, so a copied cookie stops working at its expiry whatever the browser
/// does with `Max-Age`; it never reveals the token; and changing the token ends every session.
struct AccessToken: Sendable {
    /// The name of the login cookie.
    static let cookieName = "fiscal_archive_session"
    /// How long a sign-in lasts, in seconds.
    static let sessionLifetime: Int64 = 12 * 3600

    private let digest: [UInt8]
    private let key: SymmetricKey

    init(_ token: String) {
        digest = Array(SHA256.hash(data: Array(token.utf8)))
        key = SymmetricKey(data: Array(token.utf8))
    }

    /// Whether `candidate` is the token.
    func matches(_ candidate: String) -> Bool {
        Self.constantTimeEqual(Array(SHA256.hash(data: Array(candidate.utf8))), digest)
    }

    /// The value of a login cookie issued at `now` (Unix seconds), valid for ``sessionLifetime``.
    func cookieValue(now: Int64) -> String {
        let expiry = now + Self.sessionLifetime
        return "\(expiry).\(mac(expiry: expiry))"
    }

    /// Whether a cookie value is one this token issued and it has not expired at `now`.
    ///
    /// An expiry further ahead than a fresh session's is refused too: no cookie we issue has one.
    func matchesCookie(_ candidate: String, now: Int64) -> Bool {
        let parts = candidate.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].utf8.count <= 19, parts[0].utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let expiry = Int64(parts[0])
        else { return false }
        let authentic = Self.constantTimeEqual(
            Array(SHA256.hash(data: Array(parts[1].utf8))), Array(SHA256.hash(data: Array(mac(expiry: expiry).utf8))))
        return authentic && now < expiry && expiry <= now + Self.sessionLifetime
    }

    private func mac(expiry: Int64) -> String {
        let message = Array("fiscal-archive web session v2|\(expiry)".utf8)
        return HMAC<SHA256>.authenticationCode(for: message, using: key).map { String(format: "%02x", $0) }.joined()
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
