/// A JSON value that keeps every number exactly as written.
///
/// `JSONSerialization` and `JSONDecoder` read `1000.22` through `Double`; PaySys sends amounts as bare JSON
/// numbers, so this parser keeps the literal text (`"1000.22"`) and lets ``Money`` read its digits. Objects keep
/// their members in order, which also makes encoding deterministic.
public enum ExactJSON: Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    /// A number, as its literal text (`"-12"`, `"1000.22"`, `"1e3"`).
    case number(String)
    case string(String)
    case array([ExactJSON])
    /// An object's members, in order.
    case object([Member])

    /// One `"key": value` member of an object.
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: ExactJSON

        public init(_ key: String, _ value: ExactJSON) {
            self.key = key
            self.value = value
        }
    }

    /// An integer number.
    public static func integer(_ value: Int64) -> ExactJSON { .number(String(value)) }

    /// Builds an object from ordered pairs.
    public static func object(_ pairs: KeyValuePairs<String, ExactJSON>) -> ExactJSON {
        .object(pairs.map { Member($0.key, $0.value) })
    }

    /// Builds an object from ordered `(key, value)` tuples (for members assembled in a variable).
    public static func object(_ pairs: [(String, ExactJSON)]) -> ExactJSON {
        .object(pairs.map { Member($0.0, $0.1) })
    }

    /// The value of the first member named `key`, when this is an object that has one.
    public subscript(key: String) -> ExactJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first(where: { $0.key == key })?.value
    }

    /// Whether this is `null`.
    public var isNull: Bool { self == .null }

    /// The string of a string value.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The text of a number, or of a string, without surrounding whitespace: what amounts and ids are read from
    /// when a gateway may send either `1000` or `"1000"`.
    public var scalarText: String? {
        switch self {
        case .number(let text): text
        case .string(let text): text.trimmingASCIIWhitespace()
        default: nil
        }
    }

    /// An integer sent as a number (`42`, `-1`) or as a numeric string (`"42"`); decimals and exponents are rejected.
    public var int64Value: Int64? {
        guard var text = scalarText, !text.isEmpty else { return nil }
        let negative = text.hasPrefix("-")
        if negative { text.removeFirst() }
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int64(negative ? "-" + text : text)
    }

    /// The members of an object.
    public var members: [Member]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The elements of an array.
    public var elements: [ExactJSON]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// Compact JSON text.
    public var description: String { String(decoding: encoded(), as: UTF8.self) }

    /// Compact UTF-8 JSON; numbers are written exactly as held. With `escapingHTML`, `<`, `>` and `&` in strings
    /// are written as `\u003c`, `\u003e`, `\u0026`, so the text stays inert even if a browser sniffs it as HTML
    /// (the web UI's API answers).
    public func encoded(escapingHTML: Bool = false) -> [UInt8] {
        var output: [UInt8] = []
        write(into: &output, escapingHTML: escapingHTML)
        return output
    }

    private func write(into output: inout [UInt8], escapingHTML: Bool) {
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let value): output.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let text): output.append(contentsOf: text.utf8)
        case .string(let text): Self.writeString(text, into: &output, escapingHTML: escapingHTML)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                element.write(into: &output, escapingHTML: escapingHTML)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                Self.writeString(member.key, into: &output, escapingHTML: escapingHTML)
                output.append(UInt8(ascii: ":"))
                member.value.write(into: &output, escapingHTML: escapingHTML)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Writes `text` as a JSON string literal (``quoted(_:)``), with `<`, `>` and `&` as `\u003c`, `\u003e`,
    /// `\u0026` when `escapingHTML`.
    ///
    /// It works on the UTF-8 bytes: every character it escapes is ASCII except U+2028 and U+2029 (`E2 80 A8`,
    /// `E2 80 A9`), and a `String` is always valid UTF-8, so no byte of a longer character is mistaken for one.
    /// Runs of bytes that need no escape are copied whole.
    private static func writeString(_ text: String, into output: inout [UInt8], escapingHTML: Bool) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var copied = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                var length = 1
                let escape: StaticString?
                switch byte {
                case 0x22: escape = "\\\""
                case 0x5C: escape = "\\\\"
                case 0x0A: escape = "\\n"
                case 0x0D: escape = "\\r"
                case 0x09: escape = "\\t"
                case 0x3C where escapingHTML: escape = "\\u003c"
                case 0x3E where escapingHTML: escape = "\\u003e"
                case 0x26 where escapingHTML: escape = "\\u0026"
                case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && bytes[index + 2] == 0xA8:
                    escape = "\\u2028"
                    length = 3
                case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && bytes[index + 2] == 0xA9:
                    escape = "\\u2029"
                    length = 3
                case 0x00..<0x20, 0x7F: escape = nil  // written below as \u00XX
                default:
                    index += 1
                    continue
                }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<index]))
                if let escape {
                    output.append(contentsOf: UnsafeBufferPointer(start: escape.utf8Start, count: escape.utf8CodeUnitCount))
                } else {
                    output.append(contentsOf: "\\u00".utf8)
                    output.append(hexDigits[Int(byte >> 4)])
                    output.append(hexDigits[Int(byte & 0x0F)])
                }
                index += length
                copied = index
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied...]))
        }
        output.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A JSON string literal: quotes, backslashes and control characters escaped (also DEL, U+2028 and U+2029,
    /// which break JavaScript embedding), everything else as UTF-8. The one string writer of the project.
    public static func quoted(_ text: String) -> String {
        var output: [UInt8] = []
        writeString(text, into: &output, escapingHTML: false)
        return String(decoding: output, as: UTF8.self)
    }
}

/// Why a JSON text could not be read, and where.
public struct ExactJSONError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Byte offset of the problem.
    public var offset: Int
    /// What is wrong there.
    public var reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "Invalid JSON at byte \(offset): \(reason)" }
}

extension ExactJSON {
    /// A string, or `null` when absent.
    public static func optional(_ text: String?) -> ExactJSON { text.map { .string($0) } ?? .null }
}
