import { describe, expect, it } from 'vitest';
import {
  badge,
  code,
  context,
  date,
  errorReply,
  heading,
  list,
  paragraph,
  reply,
  table,
} from '../../src/reply/document.ts';
import { renderText } from '../../src/reply/render-text.ts';

describe('plain-text rendering', () => {
  it('renders every block kind', () => {
    const text = renderText(
      reply(
        heading('Analytics — FY2019-20 Q1'),
        context('as of ', date(new Date('2019-08-28T12:00:00Z'), 'UTC')),
        paragraph('Try ', code('status T208612'), '.'),
        list([
          {
            content: [badge('in_progress'), ' Kerberos'],
            children: [{ content: [badge(null), ' Sub-item'] }],
          },
        ]),
        table(
          ['Ref', 'Status'],
          [
            ['T1', badge('done')],
            ['G22', badge('partially_done')],
          ],
        ),
      ),
    );
    expect(text).toBe(
      [
        'Analytics — FY2019-20 Q1',
        '========================',
        '',
        '(as of 2019-08-28)',
        '',
        'Try status T208612.',
        '',
        '- [In progress] Kerberos',
        '  - [No status] Sub-item',
        '',
        'Ref  Status',
        '---  ----------------',
        'T1   [Done]',
        'G22  [Partially done]',
      ].join('\n'),
    );
  });

  it('renders an error as its sentence', () => {
    expect(renderText(errorReply('No team "x".'))).toBe('No team "x".');
  });
});
