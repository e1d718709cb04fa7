#!/usr/bin/env python3
"""Checks a `report --format xlsx` workbook against the CSV register of the same month, the way an accountant's
tools read it: openpyxl for the cell values and formats, LibreOffice Calc for opening and printing it.

    scripts/check-xlsx-report.py reports/2026-11.xlsx reports/2026-11.csv [--pdf OUTDIR]

Needs openpyxl (`pip install openpyxl`); with --pdf also LibreOffice (`apt-get install libreoffice-calc`), which
writes OUTDIR/<name>.pdf to look at. Exits 1 naming the first differences.
"""
import csv
import datetime
import os
import subprocess
import sys
import tempfile

import openpyxl

SHEETS = ["Summary", "VAT", "Register", "Exceptions"]
AMOUNTS = {"amount", "receipt_total", "vat_amount"}


def as_csv_text(value, column):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S+05:00")
    if column in AMOUNTS:
        return "%.2f" % value
    return str(value)


def main():
    args = sys.argv[1:]
    pdf = None
    if "--pdf" in args:
        index = args.index("--pdf")
        pdf = args[index + 1]
        del args[index:index + 2]
    workbook_path, csv_path = args
    problems = []
    book = openpyxl.load_workbook(workbook_path)
    if book.sheetnames != SHEETS:
        problems.append(f"sheets are {book.sheetnames}, expected {SHEETS}")
    for sheet in book:
        if sheet.freeze_panes != "A2":
            problems.append(f"{sheet.title}: header row not frozen ({sheet.freeze_panes})")
    register = book["Register"]
    with open(csv_path, encoding="utf-8-sig", newline="") as f:
        table = list(csv.reader(f))
    header, rows = table[0], table[1:]
    values = list(register.iter_rows(min_row=2, values_only=True))
    if len(values) != len(rows):
        problems.append(f"Register has {len(values)} rows, the CSV {len(rows)}")
    for number, (cells, expected) in enumerate(zip(values, rows), start=2):
        for column, value, text in zip(header, cells, expected):
            if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@", "\t", "\r"):
                text = text[1:]
            if as_csv_text(value, column) != text:
                problems.append(f"Register row {number} {column}: {value!r} in the workbook, {text!r} in the CSV")
            if column in AMOUNTS and value is not None:
                cell = register.cell(row=number, column=header.index(column) + 1)
                if cell.number_format != "#,##0.00":
                    problems.append(f"Register row {number} {column}: format {cell.number_format}")
    if pdf:
        with tempfile.TemporaryDirectory() as home:
            subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", pdf, workbook_path],
                           check=True, stdout=subprocess.DEVNULL, env={**os.environ, "HOME": home})
        name = os.path.splitext(os.path.basename(workbook_path))[0] + ".pdf"
        if not os.path.getsize(os.path.join(pdf, name)):
            problems.append("LibreOffice wrote an empty PDF")
    for problem in problems[:20]:
        print(problem)
    print(f"{len(values)} register rows compared with {csv_path}: {len(problems)} problem(s)")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
