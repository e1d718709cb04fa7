import Archive
import SQLiteArchive
import Testing

@testable import WebUI

@Suite("Web configuration")
struct ConfigurationTests {
    @Test("A non-loopback host without a token is refused", arguments: ["0.0.0.0", "192.168.1.10", "example.org", "::"])
    func nonLoopbackWithoutToken(host: String) throws {
        let archive = try SQLiteArchiveStore.temporary()
        let configuration = WebConfiguration(host: host, port: 0)
        #expect(throws: WebConfigurationError.self) {
            _ = try buildWebApplication(archive: archive, configuration: configuration, logger: Fixture.logger)
        }
        do {
            try configuration.validate()
            Issue.record("validate() accepted \(host) without a token")
        } catch {
            #expect(error.code == .tokenRequired)
        }
    }

    @Test("An empty token counts as none")
    func emptyToken() {
        let configuration = WebConfiguration(host: "0.0.0.0", port: 0, token: "")
        #expect(configuration.effectiveToken == nil)
        #expect(throws: WebConfigurationError.self) { try configuration.validate() }
    }

    @Test("A non-loopback host with a token is accepted; a short token is not")
    func nonLoopbackWithToken() throws {
        try WebConfiguration(host: "0.0.0.0", port: 0, token: Fixture.token).validate()
        do {
            try WebConfiguration(host: "0.0.0.0", port: 0, token: "abc12").validate()
            Issue.record("a 5-character token was accepted")
        } catch {
            #expect(error.code == .weakToken)
            #expect(!error.message.contains("abc12"), "the message must not echo the token")
        }
    }

    @Test("Loopback hosts", arguments: [
        ("127.0.0.1", true), ("localhost", true), ("::1", true), ("[::1]", true), ("127.1.2.3", true),
        ("0.0.0.0", false), ("127.0.0.1.example.org", false), ("10.0.0.1", false), ("", false), ("127.0.0.256", false),
    ])
    func loopback(host: String, expected: Bool) {
        #expect(WebConfiguration.isLoopback(host) == expected)
    }

    @Test("Defaults are the safe ones")
    func defaults() throws {
        let configuration = WebConfiguration()
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.effectiveToken == nil)
        #expect(configuration.maxBodyBytes == 64 * 1024)
        try configuration.validate()
    }
}
