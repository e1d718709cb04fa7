/// Decodes the bytes of a CSV import into text: UTF-8 (with or without a BOM), UTF-16 with a BOM (Excel's
/// "Unicode text"), or — when the bytes are not UTF-8 — Windows-1251, the code page Russian- and Uzbek-locale Excel
/// uses for "CSV (comma delimited)". The last is a guess, so it comes back with a note to show the user.
enum ImportText {
    struct Decoded {
        var text: String
        /// Set when the encoding was guessed rather than known.
        var note: String?
    }

    static func decode(_ bytes: [UInt8], file: String) throws(TransactionImportError) -> Decoded {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            guard let text = String(validating: bytes.dropFirst(3), as: UTF8.self) else {
                throw TransactionImportError(file: file, line: nil, reason: "the file starts with a UTF-8 mark but is not valid UTF-8")
            }
            return Decoded(text: text)
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let littleEndian = bytes[0] == 0xFF
            guard bytes.count % 2 == 0 else {
                throw TransactionImportError(file: file, line: nil, reason: "the file is marked UTF-16 but has an odd number of bytes")
            }
            var units: [UInt16] = []
            units.reserveCapacity(bytes.count / 2 - 1)
            var index = 2
            while index + 1 < bytes.count {
                let (low, high) = littleEndian ? (bytes[index], bytes[index + 1]) : (bytes[index + 1], bytes[index])
                units.append(UInt16(high) << 8 | UInt16(low))
                index += 2
            }
            guard let text = String(validating: units, as: UTF16.self) else {
                throw TransactionImportError(file: file, line: nil, reason: "the file is marked UTF-16 but is not valid UTF-16")
            }
            return Decoded(text: text)
        }
        if let text = String(validating: bytes, as: UTF8.self) { return Decoded(text: text) }
        var scalars = String.UnicodeScalarView()
        for (offset, byte) in bytes.enumerated() {
            if byte < 0x80 {
                scalars.append(Unicode.Scalar(byte))
            } else if let scalar = Unicode.Scalar(windows1251[Int(byte) - 0x80]), scalar != "\0" {
                scalars.append(scalar)
            } else {
                throw TransactionImportError(
                    file: file, line: nil,
                    reason: "the file is neither UTF-8 nor Windows-1251 (byte 0x\(String(byte, radix: 16, uppercase: true)) at offset \(offset)); save it as \"CSV UTF-8\"")
            }
        }
        return Decoded(
            text: String(scalars),
            note: "\(file) is not UTF-8; it was read as Windows-1251 (Cyrillic), the encoding Russian- and Uzbek-locale Excel uses. If names look wrong, save the list as \"CSV UTF-8\" and import that.")
    }

    /// Windows-1251, bytes 0x80…0xFF (0 marks 0x98, the one byte the code page leaves undefined).
    static let windows1251: [UInt32] = [
        0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021,
        0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F,
        0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x0000, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F,
        0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7,
        0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,
        0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7,
        0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,
        0x0410, 0x0411, 0x0412, 0x0413, 0x0414, 0x0415, 0x0416, 0x0417,
        0x0418, 0x0419, 0x041A, 0x041B, 0x041C, 0x041D, 0x041E, 0x041F,
        0x0420, 0x0421, 0x0422, 0x0423, 0x0424, 0x0425, 0x0426, 0x0427,
        0x0428, 0x0429, 0x042A, 0x042B, 0x042C, 0x042D, 0x042E, 0x042F,
        0x0430, 0x0431, 0x0432, 0x0433, 0x0434, 0x0435, 0x0436, 0x0437,
        0x0438, 0x0439, 0x043A, 0x043B, 0x043C, 0x043D, 0x043E, 0x043F,
        0x0440, 0x0441, 0x0442, 0x0443, 0x0444, 0x0445, 0x0446, 0x0447,
        0x0448, 0x0449, 0x044A, 0x044B, 0x044C, 0x044D, 0x044E, 0x044F,
    ]
}
