import { paths } from '../../features/dashboard-paths.ts';
import { type Html, type HtmlPart, html } from '../html.ts';

export interface Crumb {
  label: string;
  href?: string;
}

export interface PageContent {
  title: string;
  crumbs?: readonly Crumb[];
  /** Shown under the heading: dates, counts, downloads. */
  sub?: HtmlPart;
  body: Html;
}

/** A whole page: one stylesheet, no scripts, readable without either. */
export function renderPage(page: PageContent): string {
  const crumbs = [{ label: 'okrbot', href: paths.index() }, ...(page.crumbs ?? [])];
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · okrbot</title>
<link rel="stylesheet" href="${paths.stylesheet()}">
</head>
<body>
<header class="page">
<nav class="crumbs" aria-label="breadcrumbs">${crumbs.map(
    (crumb, i) =>
      html`${i ? ' › ' : ''}${crumb.href ? html`<a href="${crumb.href}">${crumb.label}</a>` : crumb.label}`,
  )}</nav>
<h1>${page.title}</h1>
${page.sub ?? ''}
</header>
<main>
${page.body}
</main>
<footer><p>okrbot · read-only dashboard · <a href="${paths.index()}">all departments</a></p></footer>
</body>
</html>
`.value;
}
