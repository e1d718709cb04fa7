import Foundation

/// The hosts receipt links may be downloaded from (DESIGN.md rule 5).
///
/// An entry is a host name (`ofd.soliq.uz`: https only, on the default port) or a host with a port
/// (`127.0.0.1:9000`: plain http is allowed to that exact host and port, as for the embedded sandbox).
public struct HostAllowlist: Sendable, Hashable, CustomStringConvertible {
    /// One allowed host.
    public struct Entry: Sendable, Hashable, CustomStringConvertible {
        /// Lowercased host name or address.
        public var host: String
        /// When set, only this port, over http or https.
        public var port: Int?

        public init(host: String, port: Int? = nil) {
            self.host = host.lowercased()
            self.port = port
        }

        /// Reads `host` or `host:port`; `nil` for anything else.
        public init?(parsing text: String) {
            let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
            guard !trimmed.isEmpty, !trimmed.contains("/"), !trimmed.contains("@") else { return nil }
            if let colon = trimmed.lastIndex(of: ":") {
                guard let port = Int(trimmed[trimmed.index(after: colon)...]), (1...65535).contains(port) else { return nil }
                let host = String(trimmed[..<colon])
                guard !host.isEmpty else { return nil }
                self.init(host: host, port: port)
            } else {
                self.init(host: trimmed)
            }
        }

        public var description: String { port.map { "\(host):\($0)" } ?? host }
    }

    /// The entries, in configuration order.
    public var entries: [Entry]

    public init(_ entries: [Entry]) { self.entries = entries }

    /// Reads a comma-separated list (`FISCAL_ARCHIVE_RECEIPT_HOSTS`); malformed entries throw.
    public init(parsing list: String) throws(FetchError) {
        var entries: [Entry] = []
        for part in list.split(separator: ",") where !part.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let entry = Entry(parsing: String(part)) else {
                throw FetchError(.configuration, url: nil, reason: "receipt host \"\(part)\" is not host or host:port")
            }
            entries.append(entry)
        }
        self.init(entries)
    }

    /// The tax authority's viewer only.
    public static let official = HostAllowlist([Entry(host: "ofd.soliq.uz")])

    /// Whether a URL may be fetched: scheme, host and port must match an entry.
    public func allows(_ url: URL) -> Bool {
        guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(), !host.isEmpty,
            url.user == nil, url.password == nil
        else { return false }
        return entries.contains { entry in
            guard entry.host == host else { return false }
            if let port = entry.port {
                return (scheme == "http" || scheme == "https") && url.port == port
            }
            return scheme == "https" && (url.port == nil || url.port == 443)
        }
    }

    public var description: String { entries.map(\.description).joined(separator: ",") }
}
