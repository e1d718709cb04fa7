import Archive
import Foundation
import PostgresNIO

/// Where a PostgreSQL archive is, parsed from a URL:
/// `postgres://user:password@host:port/database?sslmode=disable|prefer|require|verify-ca|verify-full`
/// (`postgresql://` too). Special characters in the user or password are percent-encoded. A unix socket folder or
/// file may be given as `?host=/path` (then the URL's host is left empty: `postgres://user@/db?host=/run/postgresql`);
/// a folder gets libpq's socket name `.s.PGSQL.<port>`.
///
/// Errors name what is wrong and never carry the password. ``location`` is the URL without the password.
public struct PostgresArchiveConfiguration: Sendable, Hashable {
    /// The TLS modes of libpq's `sslmode` that this archive supports.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// No TLS.
        case disable
        /// TLS when the server offers it, without checking its certificate (libpq's default).
        case prefer
        /// TLS required, without checking the certificate (libpq's `require`).
        case require
        /// TLS required, the certificate checked against the system's trust roots, not the host name.
        case verifyCA = "verify-ca"
        /// TLS required, the certificate and the host name checked.
        case verifyFull = "verify-full"
    }

    public var host: String?
    public var port: Int
    /// The unix socket file, when connecting through one.
    public var unixSocketPath: String?
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    /// Whether `location` names a PostgreSQL database (`postgres://…` or `postgresql://…`) rather than a file.
    public static func isURL(_ location: String) -> Bool {
        let lowered = location.prefix(16).lowercased()
        return lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://")
    }

    /// Parses a `postgres://` or `postgresql://` URL.
    public init(url text: String) throws(ArchiveError) {
        func invalid(_ what: String) -> ArchiveError {
            ArchiveError(.invalid, "The PostgreSQL archive URL is not usable: \(what)")
        }
        let schemeEnd = text.range(of: "://")
        let scheme = schemeEnd.map { text[..<$0.lowerBound].lowercased() }
        guard let scheme, scheme == "postgres" || scheme == "postgresql" else {
            throw invalid("it must start with postgres:// or postgresql:// (postgres://user:password@host:port/database)")
        }
        guard !text.contains(where: { $0.isWhitespace || $0.unicodeScalars.contains { $0.properties.generalCategory == .control } })
        else {
            throw invalid("it contains a space or a control character (percent-encode it, e.g. a space as %20)")
        }
        guard let components = URLComponents(string: text) else {
            throw invalid(
                "it cannot be parsed as a URL (percent-encode special characters such as @ : / ? # in the user name "
                    + "or password)")
        }
        guard let user = components.user, !user.isEmpty else {
            throw invalid("it names no user (postgres://user:password@host:port/database)")
        }
        username = user
        password = components.password
        if let port = components.port {
            guard (1...65_535).contains(port) else { throw invalid("the port \(port) is out of range 1–65535") }
            self.port = port
        } else {
            port = 5432
        }
        let path = components.path
        let name = path.hasPrefix("/") ? String(path.dropFirst()) : path
        guard !name.contains("/") else { throw invalid("the database name \"\(name)\" contains a slash") }
        database = name.isEmpty ? user : name
        var tls = TLSMode.prefer
        var socket: String?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let mode = TLSMode(rawValue: value) else {
                    let allowed = TLSMode.allCases.map(\.rawValue).joined(separator: ", ")
                    throw invalid("sslmode \"\(item.value ?? "")\" is not one of \(allowed)")
                }
                tls = mode
            case "host":
                guard let value = item.value, value.hasPrefix("/") else {
                    throw invalid("the host parameter must be an absolute path of a unix socket folder or file")
                }
                socket = value
            default:
                throw invalid("the parameter \"\(item.name)\" is not supported (only sslmode and host are)")
            }
        }
        let host = components.host.flatMap { $0.isEmpty ? nil : $0 }
        if let socket {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: socket, isDirectory: &isDirectory), isDirectory.boolValue {
                unixSocketPath = "\(socket)/.s.PGSQL.\(port)"
            } else {
                unixSocketPath = socket
            }
            self.host = nil
        } else {
            guard let host else {
                throw invalid("it names no host (postgres://user:password@host:port/database, or ?host=/socket/folder)")
            }
            self.host = host
            unixSocketPath = nil
        }
        self.tls = tls
    }

    /// The URL without the password, for messages.
    public var location: String {
        var text = "postgres://\(percentEncoded(username))@"
        if let host {
            text += host.contains(":") ? "[\(host)]" : host
            text += ":\(port)"
        }
        text += "/\(percentEncoded(database))?sslmode=\(tls.rawValue)"
        if let unixSocketPath { text += "&host=\(unixSocketPath)" }
        return text
    }

    private func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed.subtracting(CharacterSet(charactersIn: ":@/?#")))
            ?? text
    }

    /// The same server and credentials, another database.
    public func with(database: String) -> PostgresArchiveConfiguration {
        var copy = self
        copy.database = database
        return copy
    }

    /// PostgresNIO's client configuration.
    func clientConfiguration() -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let unixSocketPath {
            configuration = .init(
                unixSocketPath: unixSocketPath, username: username, password: password, database: database)
        } else {
            configuration = .init(
                host: host ?? "localhost", port: port, username: username, password: password, database: database,
                tls: clientTLS())
        }
        configuration.options.minimumConnections = 0
        configuration.options.maximumConnections = 16
        configuration.options.connectionIdleTimeout = .seconds(60)
        return configuration
    }

    /// The configuration of one direct connection (the first one, which reports the server's own error at once).
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        if let unixSocketPath {
            return .init(unixSocketPath: unixSocketPath, username: username, password: password, database: database)
        }
        let mode: PostgresConnection.Configuration.TLS = switch tls {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: tlsConfiguration()))
        default: .require(try NIOSSLContext(configuration: tlsConfiguration()))
        }
        return .init(
            host: host ?? "localhost", port: port, username: username, password: password, database: database, tls: mode)
    }

    /// The TLS settings of `sslmode` (libpq's meanings).
    private func tlsConfiguration() -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch tls {
        case .disable, .prefer, .require: configuration.certificateVerification = .none
        case .verifyCA: configuration.certificateVerification = .noHostnameVerification
        case .verifyFull: break
        }
        return configuration
    }

    private func clientTLS() -> PostgresClient.Configuration.TLS {
        var unverified = TLSConfiguration.makeClientConfiguration()
        unverified.certificateVerification = .none
        switch tls {
        case .disable:
            return .disable
        case .prefer:
            return .prefer(unverified)
        case .require:
            return .require(unverified)
        case .verifyCA:
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .noHostnameVerification
            return .require(configuration)
        case .verifyFull:
            return .require(.makeClientConfiguration())
        }
    }
}
