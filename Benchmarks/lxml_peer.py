#!/usr/bin/env python3
"""The peer a user would write: a Python + lxml extractor of legacy receipt pages.

Reads each file named on the command line and prints one JSON object per line with the fields `parse --json`
prints for a legacy page (terminal, receipt number, time, seller, items, payments, totals), amounts as exact
decimals. Used by scripts/compare-parse-speed.sh to compare whole-process speed on the same files in the same run.
"""
import json
import re
import sys
from decimal import Decimal

from lxml import html as lxml_html

APOSTROPHES = str.maketrans({"`": "'", "\u02bb": "'", "\u02bc": "'", "\u2018": "'", "\u2019": "'"})


def key(text):
    k = " ".join(text.split()).translate(APOSTROPHES).lower()
    return k.rstrip(": ")


def amount(text):
    return str(Decimal(text.strip().replace(",", "").replace("\u00a0", "").replace(" ", "")).quantize(Decimal("0.01")))


def parse(path):
    with open(path, "rb") as handle:
        tree = lxml_html.fromstring(handle.read(), parser=lxml_html.HTMLParser(encoding="utf-8"))
    rows = tree.xpath("//tr[not(.//tr)]")
    header, items = {}, []
    terminal = number = issued = None
    for row in rows:
        cells = row.xpath("./td")
        in_items = bool(row.xpath("ancestor::table[contains(concat(' ', @class, ' '), ' products-tables ')]"))
        if in_items:
            if "products-row" in (row.get("class") or "").split():
                items.append({"name": cells[0].text_content().strip(), "quantity": cells[1].text_content().strip(),
                              "lineTotal": amount(cells[-1].text_content()), "values": {}})
            elif items and len(cells) >= 2:
                items[-1]["values"].setdefault(key(cells[0].text_content()), cells[-1].text_content().strip())
            continue
        if len(cells) >= 2:
            header.setdefault(key(cells[0].text_content()), cells[-1].text_content().strip())
        for cell in cells:
            for span in cell.xpath(".//span[contains(concat(' ', @class, ' '), ' left ')]"):
                label, _, value = span.text_content().partition(":")
                header.setdefault(key(label), value.strip())
            elements = list(cell)
            if terminal is None and len(elements) == 1 and elements[0].tag == "b":
                candidate = elements[0].text_content().strip()
                if candidate.isalnum() and any(c.isdigit() for c in candidate):
                    terminal = candidate
            for italic in cell.xpath("./i"):
                match = re.fullmatch(r"(\d\d)\.(\d\d)\.(\d{4}),? (\d\d):(\d\d)", italic.text_content().strip())
                if issued is None and match:
                    d, m, y, hh, mm = match.groups()
                    issued = f"{y}-{m}-{d}T{hh}:{mm}:00+05:00"
    number = header.get("chek raqami")
    seller = tree.xpath("//h3[contains(@style, 'bold')]")
    seller_cell = seller[0].getparent() if seller else None
    out_items = []
    for item in items:
        values = item["values"]
        rate = values.get("qqs foizi", "").replace("%", "").strip() or None
        discount, _, other = values.get("chegirma/boshqa", "0/0").partition("/")
        out_items.append({
            "name": item["name"], "quantity": item["quantity"], "lineTotal": item["lineTotal"],
            "discount": amount(discount or "0"), "other": amount(other or "0"), "vatRate": rate,
            "vatAmount": amount(values.get("qqs qiymati", "0")), "barcode": values.get("shtrix kodi") or None,
            "mxikCode": values.get("mxik kodi") or None, "mxikName": values.get("mxik nomi") or None,
            "unit": values.get("o'lchov birligi") or None, "markingCode": values.get("markirovka kodi") or None,
            "commissionerTin": values.get("komitent stir/jshshir") or None,
        })
    return {
        "file": path, "state": "receipt", "source": "html", "terminalId": terminal, "receiptNumber": number,
        "fiscalSign": header.get("fiskal belgi") or None, "issuedAt": issued,
        "seller": {"name": seller[0].text_content().strip() if seller else None,
                   "tin": (seller_cell.findtext("i") or "").strip() if seller_cell is not None else None,
                   "address": " ".join(t.strip() for t in seller_cell.xpath("./text()") if t.strip())
                   if seller_cell is not None else None},
        "items": out_items,
        "payment": {"cash": amount(header["naqd pul"]) if "naqd pul" in header else None,
                    "card": amount(header["bank kartalari"]) if "bank kartalari" in header else None},
        "total": amount(header["jami to'lov"]), "vatTotal": amount(header.get("umumiy qqs qiymati", "0")),
    }


def main():
    out = sys.stdout
    for path in sys.argv[1:]:
        out.write(json.dumps(parse(path), ensure_ascii=False))
        out.write("\n")


if __name__ == "__main__":
    main()
