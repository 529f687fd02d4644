// The dashboard's one stylesheet, served at /assets/okrbot.css: readable on a phone (one
// column, tables scroll sideways), and status badges in the goals pages' colours.

export const STYLESHEET = `
:root { color-scheme: light; --text: #1f2937; --muted: #6b7280; --line: #e5e7eb; --link: #1f5fbf; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 64rem; padding: 0.75rem 1rem 3rem; color: var(--text);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
a { color: var(--link); }
header.page { border-bottom: 1px solid var(--line); margin-bottom: 1rem; }
nav.crumbs { font-size: 0.9rem; color: var(--muted); }
nav.crumbs a { color: inherit; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0.3rem 0; }
h2 { font-size: 1.3rem; margin: 2rem 0 0.3rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.1rem; margin: 1.4rem 0 0.3rem; }
h4.group { font-size: 1rem; margin: 1rem 0 0.2rem; }
.sub, .people, .meta, .deps, .muted { color: var(--muted); font-size: 0.92rem; }
.sub, .people { margin: 0.1rem 0; }
ul.goals, ul.reports { padding-left: 1.2rem; margin: 0.3rem 0; }
ul.goals li { margin: 0.35rem 0; }
ul.goals ul { padding-left: 1.2rem; }
.note { font-size: 0.92rem; }
.badge { display: inline-block; padding: 0 0.45em; border-radius: 0.3em; font-size: 0.8rem;
  font-weight: 600; white-space: nowrap; border: 1px solid transparent; vertical-align: 0.05em; }
.s-done { background: #dcfce7; color: #14532d; border-color: #86efac; }
.s-in_progress { background: #dbeafe; color: #1e3a8a; border-color: #93c5fd; }
.s-partially_done { background: #fef3c7; color: #78350f; border-color: #fcd34d; }
.s-to_do, .s-none { background: #f3f4f6; color: #374151; border-color: #d1d5db; }
.s-not_done, .s-blocked, .s-stalled { background: #fee2e2; color: #7f1d1d; border-color: #fca5a5; }
.s-postponed, .s-cancelled { background: #ede9fe; color: #4c1d95; border-color: #c4b5fd; }
.tag { font-size: 0.8rem; color: var(--muted); border: 1px solid var(--line); border-radius: 0.3em;
  padding: 0 0.35em; }
.task { font-size: 0.9rem; white-space: nowrap; }
.table-wrap { overflow-x: auto; margin: 0.5rem 0 1rem; }
table { border-collapse: collapse; font-size: 0.92rem; min-width: 100%; }
th, td { border: 1px solid var(--line); padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f9fafb; }
td.num { text-align: right; white-space: nowrap; }
.toc { columns: 14rem; padding-left: 1.2rem; }
.downloads a { margin-right: 0.6rem; }
figure.chart { margin: 1rem 0; }
figure.chart svg { width: 100%; height: auto; max-width: 640px; border: 1px solid var(--line); }
details summary { cursor: pointer; color: var(--muted); font-size: 0.92rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: 0.85rem; border-top: 1px solid var(--line); }
`;
