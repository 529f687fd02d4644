// HTML built by a tagged template that escapes every interpolated value, so user text (titles,
// notes, names) can only ever be text on a page. Markup is either literal in a template or an
// `Html` value made by another template.

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlPart = Html | string | number | null | undefined | false | readonly HtmlPart[];

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function render(part: HtmlPart): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(String(part));
}

export function html(strings: TemplateStringsArray, ...values: HtmlPart[]): Html {
  let out = strings[0] as string;
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] as string);
  });
  return new Html(out);
}

/** Markup made by okrbot's own code (an SVG chart whose text is escaped where it is built). */
export function trusted(markup: string): Html {
  return new Html(markup);
}

/** Parts joined by a separator, each escaped unless it is already `Html`. */
export function joinHtml(parts: readonly HtmlPart[], separator: HtmlPart = ', '): Html {
  return html`${parts.flatMap((part, i) => (i === 0 ? [part] : [separator, part]))}`;
}
