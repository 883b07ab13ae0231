namespace LinxianWorkflow.Server.Pages;

/// <summary>The pages' one stylesheet (served from /static/site.css; the Content-Security-Policy allows no inline style): readable on a 360 px phone, printable on A4.</summary>
public static class SiteCss
{
    public const string Text = """
        *, *::before, *::after { box-sizing: border-box; }
        body { margin: 0; font-family: "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; font-size: 16px; line-height: 1.6; color: #1a1a1a; background: #fafaf7; }
        a { color: #0b4f9c; }
        a:focus, button:focus, input:focus, select:focus, textarea:focus { outline: 3px solid #e0a100; outline-offset: 1px; }
        .skip { position: absolute; left: -999px; }
        .skip:focus { left: 0.5rem; top: 0.5rem; background: #fff; padding: 0.3rem; z-index: 2; }
        header.top { background: #9b1c1c; color: #fff; padding: 0.6rem 1rem; display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: center; justify-content: space-between; }
        header.top a, header.top .who { color: #fff; }
        .brand { font-weight: bold; text-decoration: none; font-size: 1.1rem; }
        .brand small { font-weight: normal; margin-left: 0.3rem; }
        nav { display: flex; flex-wrap: wrap; gap: 0.4rem 0.9rem; align-items: center; }
        nav button { background: transparent; color: #fff; border: 1px solid #fff; padding: 0.1rem 0.6rem; }
        main { padding: 1rem; max-width: 70rem; margin: 0 auto; }
        h1 { font-size: 1.5rem; margin: 0.4rem 0 1rem; }
        h2 { font-size: 1.2rem; margin-top: 1.6rem; border-bottom: 1px solid #ccc; }
        h3 { font-size: 1.05rem; margin: 0 0 0.4rem; }
        table { border-collapse: collapse; width: 100%; display: block; overflow-x: auto; }
        th, td { border-bottom: 1px solid #ddd; padding: 0.4rem; text-align: left; vertical-align: top; }
        td.num { text-align: right; }
        tr.overdue td { background: #fff1f0; }
        form.narrow, form.action { max-width: 34rem; display: grid; gap: 0.3rem; }
        form.action { border: 1px solid #ccc; background: #fff; padding: 0.8rem; margin: 0 0 1rem; }
        form.inline { display: inline; }
        form.filters, form.inline-form { display: flex; flex-wrap: wrap; gap: 0.3rem 0.6rem; align-items: end; margin-bottom: 0.8rem; }
        label { font-weight: bold; margin-top: 0.4rem; }
        label.check { font-weight: normal; }
        input, select, textarea, button { font: inherit; padding: 0.45rem; border: 1px solid #767676; border-radius: 4px; max-width: 100%; }
        button, .button { background: #9b1c1c; color: #fff; border: none; padding: 0.5rem 1.1rem; cursor: pointer; text-decoration: none; border-radius: 4px; display: inline-block; }
        fieldset { border: 1px solid #ccc; }
        .error { color: #8a1111; background: #fff1f0; border-left: 4px solid #8a1111; padding: 0.5rem 0.8rem; }
        .done, .intact { color: #0d5e1f; background: #effaf1; border-left: 4px solid #0d5e1f; padding: 0.5rem 0.8rem; }
        .rule { color: #444; font-size: 0.9rem; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
        dl.facts dt { font-weight: bold; }
        dl.facts dd { margin: 0; }
        svg.diagram { width: 100%; max-width: 42rem; height: auto; }
        svg.diagram rect { stroke: #555; stroke-width: 1.5; fill: #fff; }
        svg.diagram .done rect { fill: #dff3e3; stroke: #0d5e1f; }
        svg.diagram .current rect { fill: #fff3cd; stroke: #8a5a00; stroke-width: 3; }
        svg.diagram text { font-size: 13px; fill: #1a1a1a; }
        svg.diagram text.state { font-size: 12px; fill: #333; }
        ol.timeline { padding-left: 1.2rem; }
        ol.timeline li { margin-bottom: 0.3rem; }
        ol.timeline .what { font-weight: bold; }
        code { font-size: 0.85rem; word-break: break-all; }
        .notice, .notice-card { background: #fff; border: 1px solid #ccc; padding: 1rem; margin-bottom: 1rem; }
        .notice-text { white-space: pre-wrap; font-size: 1.1rem; }
        .badge { color: #444; font-size: 0.9rem; }
        .proof, .notice-text, td, dd { overflow-wrap: anywhere; }
        pre.key { white-space: pre-wrap; overflow-wrap: anywhere; background: #fff; border: 1px solid #ccc; padding: 0.5rem; font-size: 0.85rem; }
        .qr-code { width: 9rem; }
        .qr-code svg { width: 100%; height: auto; }
        figure.qr { margin: 0.5rem 0; }
        @media (max-width: 480px) { main { padding: 0.6rem; } dl.facts { grid-template-columns: 1fr; } }
        @page { size: A4; margin: 15mm; }
        @media print {
          header.top, .no-print, .skip, nav { display: none; }
          body { background: #fff; font-size: 12pt; }
          .notice { border: none; }
          a { color: #000; text-decoration: none; }
        }
        """;
}
