import CLibXML2

/// One XML part of a workbook read as a stream of events through libxml2's `xmlTextReader`, so a large sheet is
/// never held as a tree.
///
/// Hostile XML is refused, not tolerated: the parser runs without `XML_PARSE_NOENT` (entities are never substituted),
/// without `XML_PARSE_DTDLOAD` (no external DTD is loaded) and with `XML_PARSE_NONET` (no network access), and any
/// document type declaration at all is an error — Office Open XML parts never have one, so a part that does is
/// either damaged or an entity-expansion attack.
final class XMLStream {
    enum Event {
        /// An element starts; attributes are keyed by local name (`r:id` is `id`).
        case start(name: String, attributes: [String: String], isEmpty: Bool)
        case end(name: String)
        case text(String)
    }

    private let reader: xmlTextReaderPtr
    private let part: String
    /// Kept alive for the reader, which reads from it without copying.
    private let bytes: UnsafeMutableBufferPointer<UInt8>
    private let deadline: ContinuousClock.Instant
    private var reads = 0
    /// The names workbook parts are made of, by the pointer the reader's dictionary interns them at: a node name
    /// equal to one of these pointers is that name, with no string built (most of a sheet is `row`, `c`, `v`).
    private var names: [UnsafePointer<xmlChar>: String] = [:]
    private static let commonNames = [
        "row", "c", "v", "t", "is", "si", "r", "rPh", "f", "r", "s", "sheet", "Relationship", "id", "Id", "Type",
        "Target", "TargetMode", "name",
    ]
    /// Elements whose attributes the caller reads; others are reported without them (most of a sheet's nodes).
    private let attributesOf: Set<String>?

    private static let initialised: Void = { xmlInitParser() }()

    /// - Parameter attributesOf: the elements whose attributes are wanted; nil for all.
    init(
        bytes source: [UInt8], part: String, deadline: ContinuousClock.Instant, attributesOf: Set<String>? = nil
    ) throws(SpreadsheetError) {
        self.attributesOf = attributesOf
        _ = Self.initialised
        clibxml2_silence_errors()
        // Refuse a declaration before libxml2 even reads its internal subset.
        if Self.prologHasDocumentType(source) {
            throw SpreadsheetError(
                .documentType, part: part,
                "has a document type declaration (where XML entities are declared); workbook parts never have one, so it is refused")
        }
        self.part = part
        self.deadline = deadline
        bytes = .allocate(capacity: max(source.count, 1))
        _ = bytes.initialize(from: source)
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let created = bytes.baseAddress.flatMap { base in
            base.withMemoryRebound(to: CChar.self, capacity: source.count) { pointer in
                xmlReaderForMemory(pointer, Int32(clamping: source.count), part, nil, options)
            }
        }
        guard let created, source.count <= Int(Int32.max) else {
            bytes.deallocate()
            throw SpreadsheetError(.malformed, part: part, "cannot be opened as XML")
        }
        reader = created
        for name in Self.commonNames {
            if let pointer = xmlTextReaderConstString(reader, name) { names[pointer] = name }
        }
    }

    deinit {
        xmlFreeTextReader(reader)
        bytes.deallocate()
    }

    /// The next element or text event, or nil at the end of the document.
    func next() throws(SpreadsheetError) -> Event? {
        while true {
            let status = xmlTextReaderRead(reader)
            if status == 0 { return nil }
            guard status == 1 else {
                let line = xmlTextReaderGetParserLineNumber(reader)
                throw SpreadsheetError(.malformed, part: part, "is not well-formed XML (near line \(line))")
            }
            reads += 1
            if reads & 0xFFF == 0, ContinuousClock.now > deadline {
                throw SpreadsheetError(.limitExceeded, part: part, "reading took longer than the time limit")
            }
            switch xmlTextReaderNodeType(reader) {
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                let name = interned(xmlTextReaderConstLocalName(reader))
                let isEmpty = xmlTextReaderIsEmptyElement(reader) == 1
                var attributes: [String: String] = [:]
                if attributesOf?.contains(name) ?? true, xmlTextReaderHasAttributes(reader) == 1 {
                    while xmlTextReaderMoveToNextAttribute(reader) == 1 {
                        attributes[interned(xmlTextReaderConstLocalName(reader))] =
                            Self.string(xmlTextReaderConstValue(reader))
                    }
                    xmlTextReaderMoveToElement(reader)
                }
                return .start(name: name, attributes: attributes, isEmpty: isEmpty)
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                return .end(name: interned(xmlTextReaderConstLocalName(reader)))
            case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue),
                 Int32(XML_READER_TYPE_WHITESPACE.rawValue), Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue):
                return .text(Self.string(xmlTextReaderConstValue(reader)))
            case Int32(XML_READER_TYPE_DOCUMENT_TYPE.rawValue), Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue),
                 Int32(XML_READER_TYPE_ENTITY.rawValue):
                throw SpreadsheetError(
                    .documentType, part: part,
                    "has a document type declaration (where XML entities are declared); workbook parts never have one, so it is refused")
            default:
                continue
            }
        }
    }

    /// Whether `<!DOCTYPE` appears before the root element (the only place it may stand).
    static func prologHasDocumentType(_ bytes: [UInt8]) -> Bool {
        let marker = Array("<!DOCTYPE".utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "<"), index + 1 < bytes.count {
                let following = bytes[index + 1]
                if following != UInt8(ascii: "?") && following != UInt8(ascii: "!") { return false }
                if bytes[index...].starts(with: marker) { return true }
            }
            index += 1
        }
        return false
    }

    private func interned(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        if let name = names[pointer] { return name }
        return String(cString: pointer)
    }

    private static func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }
}
