/// The report's inline stylesheet: screen and print. No web fonts, no external resources.
enum HTMLStyle {
    static let css = """
        :root{--ink:#1c2330;--muted:#5d6777;--line:#dde2ea;--soft:#f5f7fa;--accent:#1d5b86;--neg:#b42318;\
        --warn:#9a4a06;--warnbg:#fff7ea;--warnchip:#fde6c4}
        *{box-sizing:border-box}
        html{-webkit-text-size-adjust:100%}
        body{margin:0;color:var(--ink);background:#fff;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,\
        "Noto Sans","Helvetica Neue",Arial,sans-serif}
        .wrap{max-width:1280px;margin:0 auto;padding:0 28px}
        header.top{border-bottom:3px solid var(--accent);padding:28px 0 18px}
        .kicker{font-size:12px;letter-spacing:.08em;text-transform:uppercase;color:var(--muted)}
        h1{font-size:28px;line-height:1.2;margin:4px 0 18px;font-weight:650}
        h1 .period{color:var(--accent)}
        dl.meta{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:10px 28px;margin:0}
        dl.meta div.wide{grid-column:1/-1}
        dl.meta dt{font-size:12px;color:var(--muted)}
        dl.meta dd{margin:0;font-weight:600}
        p.tz{margin:12px 0 0;font-size:12px;color:var(--muted)}
        code{font:12px/1.4 ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;\
        word-break:break-all;font-weight:400}
        section{padding:26px 0 6px}
        h2{font-size:19px;margin:0 0 14px;padding-bottom:6px;border-bottom:1px solid var(--line);font-weight:650}
        h2 .count{display:inline-block;margin-left:8px;padding:1px 9px;border-radius:10px;font-size:13px;\
        background:var(--soft);color:var(--muted);vertical-align:2px}
        h2 .count.warn{background:var(--warnchip);color:var(--warn)}
        h3{font-size:15px;margin:18px 0 8px}
        .cards{display:flex;flex-wrap:wrap;gap:14px;margin:0 0 18px}
        .card{flex:1 1 260px;border:1px solid var(--line);border-left:4px solid var(--accent);border-radius:6px;\
        padding:12px 16px;background:var(--soft)}
        .card .label{font-size:12px;color:var(--muted)}
        .card .value{font-size:24px;font-weight:650;font-variant-numeric:tabular-nums;white-space:nowrap}
        .card .value small{font-size:14px;font-weight:500;color:var(--muted);margin-left:4px}
        .card .sub{font-size:12px;color:var(--muted);font-variant-numeric:tabular-nums}
        .cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:22px 40px;align-items:start}
        .cols .full{grid-column:1/-1}
        table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
        caption{caption-side:top;text-align:left;font-weight:650;padding:0 0 6px}
        th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
        thead th{font-size:11px;letter-spacing:.04em;text-transform:uppercase;color:var(--muted);font-weight:600;\
        background:var(--soft);border-bottom:1px solid #c9d0db;vertical-align:bottom}
        tbody th{font-weight:500}
        .num{text-align:right;white-space:nowrap}
        .neg{color:var(--neg)}
        .muted{color:var(--muted)}
        tfoot th,tfoot td{font-weight:650;border-bottom:none}
        tfoot tr:first-child th,tfoot tr:first-child td{border-top:2px solid var(--ink)}
        tfoot tr.sub th,tfoot tr.sub td{font-weight:400;color:var(--muted);padding-top:2px;padding-bottom:2px}
        tfoot tr.net th,tfoot tr.net td{font-size:15px;border-top:1px solid var(--line)}
        p.empty{color:var(--muted);font-style:italic}
        figure{margin:0 0 20px}
        figure svg{display:block;width:100%;height:auto}
        figcaption{font-size:12px;color:var(--muted);margin-top:4px}
        .legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 5px 0 14px;vertical-align:-1px}
        .legend i.in{background:#2d6a99;margin-left:0}.legend i.out{background:#cf4a3f}
        svg .in{fill:#2d6a99}svg .out{fill:#cf4a3f}svg .we{fill:#f1f3f7}
        svg .axis{stroke:#8a94a3;stroke-width:1}svg .grid{stroke:#e3e7ee;stroke-width:1;stroke-dasharray:3 3}
        svg text{font:10px system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;fill:#5d6777}
        svg text.val{font-size:11px}
        ul.kinds{list-style:none;padding:0;margin:0 0 14px;display:flex;flex-wrap:wrap;gap:8px}
        ul.kinds li{background:var(--warnbg);border:1px solid var(--warnchip);border-radius:6px;padding:4px 10px;\
        font-size:13px}
        ul.kinds li b{color:var(--warn);margin-left:6px;font-variant-numeric:tabular-nums}
        p.notice{background:var(--warnbg);border-left:4px solid #e8a33d;padding:8px 12px;font-size:13px}
        table.list{font-size:12.5px}
        table.list td,table.list th{padding:5px 8px}
        table.list tr.group th{text-align:left;background:#f3f4f6;font-weight:600}
        table.register{font-size:11.5px}
        table.register td,table.register th{padding:4px 5px}
        table.register tbody tr:nth-child(even){background:#fafbfc}
        table.register tbody tr.x{background:var(--warnbg)}
        td.id{white-space:nowrap}
        td small,td .small{display:block;color:var(--muted);font-size:11px}
        td.wrap{overflow-wrap:anywhere;min-width:84px;max-width:200px}
        .chip{display:inline-block;padding:0 7px;border-radius:9px;background:var(--warnchip);color:var(--warn);\
        font-size:11px;margin:1px 2px 1px 0}
        .chip.late{background:#fbd5d0;color:var(--neg)}
        a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
        footer{border-top:1px solid var(--line);margin-top:26px;padding:14px 0 36px;font-size:12px;color:var(--muted)}
        @media print{
        @page{size:A4 landscape;margin:12mm}
        body{font-size:10.5px}
        .wrap{max-width:none;padding:0}
        header.top{padding-top:0}
        section{break-before:page;page-break-before:always;padding-top:0}
        section#summary{break-before:auto;page-break-before:auto;padding-top:16px}
        thead{display:table-header-group}
        tr,figure,.card{break-inside:avoid;page-break-inside:avoid}
        a{color:inherit}
        .card,table.register tbody tr.x,.chip,thead th,svg{-webkit-print-color-adjust:exact;print-color-adjust:exact}
        }
        """
}
