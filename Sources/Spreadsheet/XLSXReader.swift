/// Reads the cell texts of one sheet of an Office Open XML workbook (`.xlsx`), as written by Excel, LibreOffice,
/// openpyxl or a payment cabinet's export.
///
/// What a cell gives: shared and inline strings as their text (rich-text runs joined, phonetic hints left out);
/// numbers as their exact decimal text (`NumericText`); booleans as `TRUE`/`FALSE`; formula cells as their cached
/// value. Nothing outside the ZIP is ever read: links to other workbooks (external references) are refused, as are
/// XML document type declarations; every size is bounded by `SpreadsheetLimits`.
public enum XLSXReader {
    /// Reads the sheet named `sheet` (matched exactly, then ignoring case), or the first sheet.
    public static func read(
        _ bytes: [UInt8], sheet: String? = nil, limits: SpreadsheetLimits = .standard
    ) throws(SpreadsheetError) -> Worksheet {
        let deadline = ContinuousClock.now.advanced(by: limits.maxDuration)
        let zip = try BoundedZip(bytes: bytes, limits: limits, deadline: deadline)
        if let link = zip.paths.first(where: { $0.hasPrefix("xl/externalLinks/") }) {
            throw SpreadsheetError(
                .externalReference, part: link,
                "the workbook links to another workbook (an external reference); save a copy with values only and import that")
        }
        let workbookPath = try officeDocumentPath(zip, deadline: deadline)
        let (sheets, workbookRelations) = try workbook(zip, path: workbookPath, deadline: deadline)
        guard !sheets.isEmpty else { throw SpreadsheetError(.malformed, part: workbookPath, "lists no sheets") }
        let names = sheets.map(\.name)
        let chosen: (name: String, relation: String)
        if let sheet {
            guard let found = sheets.first(where: { $0.name == sheet })
                ?? sheets.first(where: { $0.name.lowercased() == sheet.lowercased() }) else {
                throw SpreadsheetError(
                    .noSuchSheet,
                    "the workbook has no sheet named \"\(sheet)\" (its sheets: \(names.map { "\"\($0)\"" }.joined(separator: ", ")))")
            }
            chosen = found
        } else {
            chosen = sheets[0]
        }
        guard let relation = workbookRelations[chosen.relation] else {
            throw SpreadsheetError(
                .malformed, part: workbookPath, "sheet \"\(chosen.name)\" refers to relationship \(chosen.relation), which is not listed")
        }
        let sheetPath = try relation.internalPath(from: workbookPath)
        let shared: [String]
        if let sharedRelation = workbookRelations.values.first(where: { $0.type.hasSuffix("/sharedStrings") }) {
            let path = try sharedRelation.internalPath(from: workbookPath)
            shared = try sharedStrings(zip.read(path), part: path, limits: limits, deadline: deadline) ?? []
        } else {
            shared = []
        }
        guard let sheetBytes = try zip.read(sheetPath) else {
            throw SpreadsheetError(.malformed, part: sheetPath, "is listed for sheet \"\(chosen.name)\" but missing from the archive")
        }
        let rows = try SheetDataReader(
            part: sheetPath, sharedStrings: shared, limits: limits, deadline: deadline
        ).rows(sheetBytes)
        return Worksheet(name: chosen.name, sheetNames: names, rows: rows)
    }

    // MARK: - Package structure

    struct Relationship {
        var type: String
        var target: String
        var external: Bool

        /// The ZIP path this relationship points at, resolved against the part that holds it.
        func internalPath(from source: String) throws(SpreadsheetError) -> String {
            guard !external, !target.contains("://") else {
                throw SpreadsheetError(
                    .externalReference, part: source,
                    "refers to \(target) outside the workbook (an external reference), which is never loaded")
            }
            var components: [Substring] = target.hasPrefix("/")
                ? [] : source.split(separator: "/").dropLast()
            for component in target.split(separator: "/") {
                switch component {
                case ".": continue
                case "..":
                    guard !components.isEmpty else {
                        throw SpreadsheetError(.malformed, part: source, "refers to \(target), outside the archive")
                    }
                    components.removeLast()
                default: components.append(component)
                }
            }
            return components.joined(separator: "/")
        }
    }

    static func relationships(
        _ zip: BoundedZip, of part: String, deadline: ContinuousClock.Instant
    ) throws(SpreadsheetError) -> [String: Relationship] {
        let directory = part.split(separator: "/").dropLast().joined(separator: "/")
        let name = part.split(separator: "/").last.map(String.init) ?? part
        let path = (directory.isEmpty ? "" : directory + "/") + "_rels/" + name + ".rels"
        guard let bytes = try zip.read(path) else { return [:] }
        let stream = try XMLStream(bytes: bytes, part: path, deadline: deadline)
        var result: [String: Relationship] = [:]
        while let event = try stream.next() {
            guard case .start("Relationship", let attributes, _) = event,
                  let id = attributes["Id"], let target = attributes["Target"] else { continue }
            result[id] = Relationship(
                type: attributes["Type"] ?? "", target: target, external: attributes["TargetMode"] == "External")
        }
        return result
    }

    static func officeDocumentPath(_ zip: BoundedZip, deadline: ContinuousClock.Instant) throws(SpreadsheetError) -> String {
        let root = try relationships(zip, of: "", deadline: deadline)
        if let document = root.values.first(where: { $0.type.hasSuffix("/officeDocument") }) {
            return try document.internalPath(from: "")
        }
        guard zip.contains("xl/workbook.xml") else {
            throw SpreadsheetError(
                .notAWorkbook, "the ZIP archive is not a spreadsheet workbook (no xl/workbook.xml; a .docx or .ods?)")
        }
        return "xl/workbook.xml"
    }

    static func workbook(
        _ zip: BoundedZip, path: String, deadline: ContinuousClock.Instant
    ) throws(SpreadsheetError) -> ([(name: String, relation: String)], [String: Relationship]) {
        guard let bytes = try zip.read(path) else {
            throw SpreadsheetError(.notAWorkbook, part: path, "is missing: the archive is not a spreadsheet workbook")
        }
        let relations = try relationships(zip, of: path, deadline: deadline)
        if relations.values.contains(where: { $0.type.hasSuffix("/externalLink") }) {
            throw SpreadsheetError(
                .externalReference, part: path,
                "the workbook links to another workbook (an external reference); save a copy with values only and import that")
        }
        let stream = try XMLStream(bytes: bytes, part: path, deadline: deadline)
        var sheets: [(name: String, relation: String)] = []
        while let event = try stream.next() {
            guard case .start(let name, let attributes, _) = event else { continue }
            if name == "externalReference" {
                throw SpreadsheetError(
                    .externalReference, part: path,
                    "the workbook links to another workbook (an external reference); save a copy with values only and import that")
            }
            if name == "sheet", let sheetName = attributes["name"], let relation = attributes["id"] {
                sheets.append((sheetName, relation))
            }
        }
        return (sheets, relations)
    }

    static func sharedStrings(
        _ bytes: [UInt8]?, part: String, limits: SpreadsheetLimits, deadline: ContinuousClock.Instant
    ) throws(SpreadsheetError) -> [String]? {
        guard let bytes else { return nil }
        let stream = try XMLStream(bytes: bytes, part: part, deadline: deadline)
        var strings: [String] = []
        var current = ""
        var textDepth = 0
        var phoneticDepth = 0
        func append() throws(SpreadsheetError) {
            guard strings.count < limits.maxSharedStrings else {
                throw SpreadsheetError(
                    .limitExceeded, part: part, "has more than \(limits.maxSharedStrings) shared strings (the limit)")
            }
            strings.append(current)
        }
        while let event = try stream.next() {
            switch event {
            case .start("si", _, let isEmpty):
                current = ""
                if isEmpty { try append() }
            case .start("t", _, let isEmpty):
                if !isEmpty { textDepth += 1 }
            case .start("rPh", _, let isEmpty):
                if !isEmpty { phoneticDepth += 1 }
            case .end("t"): textDepth -= 1
            case .end("rPh"): phoneticDepth -= 1
            case .end("si"): try append()
            case .text(let text) where textDepth > 0 && phoneticDepth == 0:
                current += text
            default: break
            }
        }
        return strings
    }
}
