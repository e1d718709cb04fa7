/// The one inline stylesheet of every page: no external resources, no web fonts, readable and printable.
enum Stylesheet {
    static let css = """
        :root{--ink:#1c2330;--muted:#5d6877;--line:#dde2e8;--bg:#f4f5f7;--card:#fff;--accent:#1d5fbf;
        --ok:#11652f;--okbg:#e2f3e7;--bad:#a5221a;--badbg:#fbe3e1;--warn:#7a5200;--warnbg:#fff3d3}
        *{box-sizing:border-box}
        html{-webkit-text-size-adjust:100%}
        body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif;
        color:var(--ink);background:var(--bg)}
        a{color:var(--accent)}
        .wrap{max-width:1180px;margin:0 auto;padding:0 24px}
        header.top{background:#1c2330;color:#fff;margin-bottom:28px}
        header.top .wrap{display:flex;align-items:center;gap:28px;min-height:54px}
        .brand{color:#fff;font-weight:700;text-decoration:none;letter-spacing:.02em;font-size:17px}
        header nav{display:flex;gap:20px;flex:1}
        header nav a{color:#c7d1de;text-decoration:none}
        header nav a:hover{color:#fff}
        .signout button{background:none;border:1px solid #5d6877;color:#c7d1de;border-radius:4px;padding:3px 10px;
        cursor:pointer;font:inherit;font-size:13px}
        main{min-height:60vh}
        footer{color:var(--muted);font-size:12px;padding-top:32px;padding-bottom:24px}
        h1{font-size:24px;margin:0 0 12px}
        h2{font-size:16px;margin:26px 0 10px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
        .lead{color:var(--muted);max-width:760px}
        code,.mono{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.93em}
        .muted{color:var(--muted)}
        .small{font-size:12.5px}
        .nowrap{white-space:nowrap}
        .text{overflow-wrap:anywhere;max-width:340px}
        form.search{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px;margin:16px 0 20px}
        .bar{display:flex;gap:10px}
        .bar input{flex:1;font:inherit;font-size:17px;padding:10px 12px;border:1px solid #b9c2cd;border-radius:6px;min-width:0}
        button{font:inherit;background:var(--accent);color:#fff;border:0;border-radius:6px;padding:10px 20px;cursor:pointer}
        details{margin-top:12px}
        summary{cursor:pointer;color:var(--muted)}
        .filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:12px;margin-top:12px}
        label{display:flex;flex-direction:column;font-size:12.5px;color:var(--muted);gap:4px}
        label input{font:inherit;font-size:14px;color:var(--ink);padding:7px 9px;border:1px solid #b9c2cd;border-radius:5px}
        table{width:100%;border-collapse:collapse;background:var(--card);border:1px solid var(--line);border-radius:8px}
        th,td{text-align:left;padding:9px 12px;border-bottom:1px solid var(--line);vertical-align:top}
        th{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);background:#fafbfc}
        tr:last-child td{border-bottom:0}
        table.compact td,table.compact th{padding:6px 10px;font-size:13.5px}
        .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        .scroll{overflow-x:auto}
        .tag{font-size:11px;text-transform:uppercase;letter-spacing:.05em;background:#e8ecf1;color:var(--muted);
        border-radius:3px;padding:1px 5px;vertical-align:middle}
        .pill{display:inline-block;font-size:12px;border-radius:999px;padding:2px 10px;background:#e8ecf1;color:var(--ink)}
        .pill.ok{background:var(--okbg);color:var(--ok)}
        .pill.bad{background:var(--badbg);color:var(--bad)}
        .pill.warn{background:var(--warnbg);color:var(--warn)}
        .badge{display:inline-block;font-weight:700;border-radius:6px;padding:4px 12px;font-size:14px}
        .badge.ok{background:var(--okbg);color:var(--ok);border:1px solid #9fd2ae}
        .badge.bad{background:var(--bad);color:#fff}
        .alert{border-radius:6px;padding:10px 14px;margin:12px 0;overflow-wrap:anywhere}
        .alert.ok{background:var(--okbg);color:var(--ok)}
        .alert.bad{background:var(--badbg);color:var(--bad)}
        .alert.warn{background:var(--warnbg);color:var(--warn)}
        .empty{color:var(--muted);padding:24px;text-align:center}
        .pager{display:flex;gap:20px;margin:16px 0}
        .heading{display:flex;align-items:center;gap:14px;flex-wrap:wrap;margin-bottom:8px}
        .heading h1{margin:0}
        .columns{display:grid;grid-template-columns:minmax(300px,400px) 1fr;gap:32px;align-items:start}
        @media (max-width:860px){.columns{grid-template-columns:1fr}}
        .paper{background:#fff;border:1px solid var(--line);box-shadow:0 1px 3px rgba(0,0,0,.06);padding:20px 22px;
        font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12.5px;line-height:1.55;
        overflow-wrap:anywhere}
        .paper hr{border:0;border-top:1px dashed #aab3be;margin:10px 0}
        .paper .row{display:flex;justify-content:space-between;gap:12px}
        .paper .row span:last-child{text-align:right;white-space:nowrap}
        .paper .item{margin:6px 0 10px}
        .paper .name{font-weight:600}
        .center{text-align:center}
        .strong{font-weight:700}
        .big{font-size:14.5px}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 18px;margin:0;background:var(--card);
        border:1px solid var(--line);border-radius:8px;padding:14px 16px}
        dt{color:var(--muted);font-size:13px}
        dd{margin:0;overflow-wrap:anywhere}
        dd.bad{color:var(--bad);font-weight:600}
        dd.ok{color:var(--ok);font-weight:600}
        dd.mono{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:13px}
        .original{margin-top:16px}
        .actions{margin:12px 0 6px}
        .original-frame{width:100%;height:900px;border:2px dashed #aab3be;border-radius:6px;background:#fff}
        .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));gap:12px;margin-bottom:18px}
        .card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px}
        .card .label{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
        .card .value{font-size:26px;font-weight:700;font-variant-numeric:tabular-nums}
        .card .value.bad{color:var(--bad)}
        .card .value.warn{color:var(--warn)}
        .card .value.ok{color:var(--ok)}
        .login{max-width:380px;margin:40px auto;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:24px}
        .login form{display:flex;flex-direction:column;gap:14px}
        @media print{header.top,footer,form.search,.actions,.original-frame{display:none}body{background:#fff}}
        """
}
