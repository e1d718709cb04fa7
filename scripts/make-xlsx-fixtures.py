#!/usr/bin/env python3
"""Writes the import fixtures under Tests/SpreadsheetTests/Fixtures (run once; the outputs are committed, so tests
need neither LibreOffice nor openpyxl).

Needs: python3 with openpyxl (`pip install openpyxl`) and LibreOffice Calc (`apt-get install libreoffice-calc`).

Every list fixture holds the same six transactions as ids-comma.csv, written the way a given tool writes them:
ru-locale Excel's CSV (semicolons, Windows-1251), CSV UTF-8 with a BOM, Excel's "Unicode text" (UTF-16, tabs),
a LibreOffice workbook, an openpyxl workbook (title rows, two sheets, Uzbek headers), and a hand-written workbook
with inline strings, rich-text shared strings and numbers in exponent form. The hostile ones are hand-written too.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "SpreadsheetTests", "Fixtures")

# (id, type, vendor order id)
ROWS = [
    (11424156, "payment", "A-1"),
    (11424157, "p2p", ""),
    (11424158, "payment", "B;2, b"),
    (987654321012, "payment", "ORD-0012"),
    (11424160, "p2p", "Заказ №5"),
    (11424161, "payment", ""),
]
RU_TYPE = {"payment": "Платёж", "p2p": "Перевод"}
UZ_TYPE = {"payment": "to‘lov", "p2p": "o‘tkazma"}

# A fixed timestamp for every ZIP entry, so the hand-written workbooks are byte-identical on every run.
STAMP = (2026, 11, 1, 0, 0, 0)


def path(name):
    return os.path.join(OUT, name)


def csv_field(text, delimiter):
    text = str(text)
    if any(c in text for c in (delimiter, '"', "\n", "\r")):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(name, header, rows, delimiter, encoding, bom=False):
    lines = [delimiter.join(csv_field(h, delimiter) for h in header)]
    lines += [delimiter.join(csv_field(v, delimiter) for v in row) for row in rows]
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    with open(path(name), "wb") as f:
        f.write(data)


def write_zip(name, parts):
    with zipfile.ZipFile(path(name), "w", zipfile.ZIP_DEFLATED) as z:
        for part_name, content in parts:
            info = zipfile.ZipInfo(part_name, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, content.encode("utf-8") if isinstance(content, str) else content)


CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"""
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets>{extra}</workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="{sheet}"{mode}/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>{extra}</Relationships>"""
SHEET = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"""


def workbook(name, sheet_xml, shared_xml, workbook_extra="", rels_extra="", sheet_target="worksheets/sheet1.xml",
             mode="", extra_parts=()):
    write_zip(name, [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", WORKBOOK.format(extra=workbook_extra)),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.format(sheet=sheet_target, mode=mode, extra=rels_extra)),
        ("xl/sharedStrings.xml", shared_xml),
        ("xl/worksheets/sheet1.xml", sheet_xml),
        *extra_parts,
    ])


def shared(strings):
    items = "".join(s if s.startswith("<") else f"<si><t>{s}</t></si>" for s in strings)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{items}</sst>')


def write_lying_sizes(source, target, entry, declared):
    data = bytearray(open(path(source), "rb").read())
    name = entry.encode()
    # Local file header: signature PK\3\4, uncompressed size at offset 22; central directory: PK\1\2, at 24.
    for signature, size_offset, name_offset in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            if data[start + name_offset:start + name_offset + len(name)] == name:
                data[start + size_offset:start + size_offset + 4] = declared.to_bytes(4, "little")
            start += 4
    with open(path(target), "wb") as f:
        f.write(data)


def handwritten():
    """Inline strings, rich-text shared strings with a phonetic run, ids as 1.1424156E7 and 11424157.0, a cell
    with no `r`, a row with no `r`, and a blank row."""
    strings = [
        "<si><r><t>transaction</t></r><r><rPr><b/></rPr><t>_id</t></r><rPh sb=\"0\" eb=\"1\"><t>ignored</t></rPh></si>",
        "type",
        "vendor_order_id",
        "payment",
        "p2p",
        "<si><t xml:space=\"preserve\">B;2, b</t></si>",
    ]
    rows = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'
        '<row r="2"><c r="A2"><v>1.1424156E7</v></c><c r="B2" t="inlineStr"><is><t>payment</t></is></c>'
        '<c r="C2" t="inlineStr"><is><r><t>A</t></r><r><t>-1</t></r></is></c></row>'
        '<row r="3"><c r="A3" t="n"><v>11424157.0</v></c><c r="B3" t="s"><v>4</v></c></row>'
        '<row r="5"><c r="A5"><v>11424158</v></c><c t="s"><v>3</v></c><c t="s"><v>5</v></c></row>'
        '<row><c r="A6" t="str"><v>987654321012</v></c><c r="B6" t="s"><v>3</v></c>'
        '<c r="C6" t="inlineStr"><is><t>ORD-0012</t></is></c></row>'
        '<row r="7"><c r="A7" t="inlineStr"><is><t>11424160</t></is></c><c r="B7" t="s"><v>4</v></c>'
        '<c r="C7" t="inlineStr"><is><t>Заказ №5</t></is></c></row>'
        '<row r="8"><c r="A8"><v>1.1424161E+7</v></c><c r="B8" t="s"><v>3</v></c></row>'
    )
    workbook("handwritten.xlsx", SHEET.format(rows=rows), shared(strings))


def hostile():
    header = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    strings = shared(["transaction_id", "type"])
    # A zip bomb: 60 MB of spaces in the sheet compress to ~60 KB.
    bomb = SHEET.format(rows=header + " " * 60_000_000)
    workbook("bomb.xlsx", bomb, strings)
    # The same bomb declaring a sheet of 100 bytes (in its local header and central directory): sizes a ZIP declares
    # must not be trusted.
    write_lying_sizes("bomb.xlsx", "lying-bomb.xlsx", "xl/worksheets/sheet1.xml", 100)
    # A huge sheet, small on disk: one cell in column XFD on each of 400 rows stands for 6.5 million cells.
    wide = header + "".join(f'<row r="{n}"><c r="XFD{n}"><v>1</v></c></row>' for n in range(2, 402))
    workbook("wide.xlsx", SHEET.format(rows=wide), strings)
    # Rows past Excel's last row.
    tall = header + '<row r="2000000"><c r="A2000000"><v>1</v></c></row>'
    workbook("tall.xlsx", SHEET.format(rows=tall), strings)
    # Entity expansion ("billion laughs") in the shared strings.
    laughs = ('<?xml version="1.0"?>\n<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
              + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
              + ']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              '<si><t>transaction_id</t></si><si><t>&j;</t></si></sst>')
    workbook("entities.xlsx", SHEET.format(rows=header), laughs)
    # An external entity that would read a local file.
    xxe = ('<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           '<row r="1"><c r="A1" t="inlineStr"><is><t>&x;</t></is></c></row></sheetData></worksheet>')
    workbook("xxe.xlsx", xxe, strings)
    # A link to another workbook (formulas whose cached values come from outside).
    link = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<externalBook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/>'
            '</externalLink>')
    workbook("external-link.xlsx", SHEET.format(rows=header), strings,
             workbook_extra='<externalReferences><externalReference r:id="rId3"/></externalReferences>',
             rels_extra='<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLink" Target="externalLinks/externalLink1.xml"/>',
             extra_parts=[("xl/externalLinks/externalLink1.xml", link)])
    # The sheet itself is "outside": a relationship with TargetMode="External".
    workbook("external-sheet.xlsx", SHEET.format(rows=header), strings,
             sheet_target="http://example.invalid/sheet1.xml", mode=' TargetMode="External"')
    # Not well-formed XML.
    workbook("malformed.xlsx", SHEET.format(rows=header + "<row r=\"2\"><c>"), strings)


def libreoffice():
    """ru-locale style: semicolon CSV with Russian headers, converted by LibreOffice Calc (numbers become numeric
    cells, text becomes shared strings)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        sys.exit("LibreOffice (soffice) is needed: apt-get install -y libreoffice-calc")
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, "ids-libreoffice.csv")
        lines = ["ID транзакции;Тип;Номер заказа"]
        lines += [";".join(csv_field(v, ";") for v in (i, RU_TYPE[t], o)) for i, t, o in ROWS]
        with open(source, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        # Filter options: separator 59 (;), text delimiter 34 ("), character set 76 (UTF-8), from line 1.
        subprocess.run([soffice, "--headless", "--infilter=CSV:59,34,76,1", "--convert-to", "xlsx", "--outdir", tmp,
                        source], check=True, stdout=subprocess.DEVNULL, env={**os.environ, "HOME": tmp})
        shutil.copy(os.path.join(tmp, "ids-libreoffice.xlsx"), path("ids-libreoffice.xlsx"))


def openpyxl_workbook():
    """Uzbek headers below two title rows, on the second of two sheets; ids as integers except one stored as text."""
    import openpyxl
    book = openpyxl.Workbook()
    summary = book.active
    summary.title = "Сводка"
    summary.append(["Hisobot", "2026-11"])
    sheet = book.create_sheet("Tranzaksiyalar")
    sheet.append(["PaySys kabinet eksporti"])
    sheet.append([])
    sheet.append(["Tranzaksiya ID", "Summa", "Turi", "Buyurtma raqami"])
    for index, (i, t, o) in enumerate(ROWS):
        sheet.append([str(i) if index == 2 else i, 1000.5 * (index + 1), UZ_TYPE[t], o or None])
    book.save(path("ids-openpyxl.xlsx"))
    # Normalise the ZIP timestamps openpyxl takes from the clock, so re-running changes nothing.
    rewrite_with_fixed_stamps(path("ids-openpyxl.xlsx"))


def rewrite_with_fixed_stamps(file):
    with zipfile.ZipFile(file) as z:
        parts = [(info.filename, z.read(info.filename)) for info in z.infolist()]
    fixed = []
    for name, content in parts:
        if name == "docProps/core.xml":
            content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>2026-11-01T00:00:00Z", content)
        fixed.append((name, content))
    write_zip(os.path.basename(file), fixed)


def csvs():
    header = ["transaction_id", "type", "vendor_order_id"]
    write_csv("ids-comma.csv", header, ROWS, ",", "utf-8")
    # What "CSV (разделители — запятые)" of ru-locale Excel writes: semicolons, Windows-1251, Russian headers.
    write_csv("ids-ru-excel.csv", ["ID транзакции", "Тип", "Номер заказа"],
              [(i, RU_TYPE[t], o) for i, t, o in ROWS], ";", "cp1251")
    # "CSV UTF-8": a BOM, semicolons in ru locale.
    write_csv("ids-semicolon-bom.csv", header, ROWS, ";", "utf-8", bom=True)
    # "Unicode text": UTF-16 little-endian with a BOM, tabs.
    write_csv("ids-tab-utf16.txt", header, ROWS, "\t", "utf-16")


def main():
    os.makedirs(OUT, exist_ok=True)
    csvs()
    handwritten()
    hostile()
    openpyxl_workbook()
    libreoffice()
    for name in sorted(os.listdir(OUT)):
        print(f"{os.path.getsize(path(name)):>9}  {name}")


if __name__ == "__main__":
    main()
