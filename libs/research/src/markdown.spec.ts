import { applyEdits, citationMarkers, citedClaimIds, codeSpans, markerGroups } from './markdown';

describe('citationMarkers', () => {
  it('finds well-formed and malformed markers with their offsets, in document order', () => {
    const md = 'A [[c1-2]] b [[c7]] c [[x]] d [[ c2-1 ]] e [[c12-10]].';
    const markers = citationMarkers(md);
    expect(markers.map((m) => [m.claim_id, m.well_formed, md.slice(m.start, m.end)])).toEqual([
      ['c1-2', true, '[[c1-2]]'],
      ['c7', false, '[[c7]]'],
      ['x', false, '[[x]]'],
      ['c2-1', false, '[[ c2-1 ]]'],
      ['c12-10', true, '[[c12-10]]'],
    ]);
  });

  it('does not take a link with bracketed text for a marker', () => {
    expect(citedClaimIds('See [[PDF]](https://example.org/a.pdf) [[c1-1]].')).toEqual(['c1-1']);
  });

  it('gives the same answer on every call (no shared lastIndex)', () => {
    const md = 'A [[c1-1]] and [[c1-2]].';
    expect(citationMarkers(md)).toEqual(citationMarkers(md));
    expect(citationMarkers(md)).toHaveLength(2);
  });

  it('skips markers in fenced code (``` and ~~~, longer closing fences) and inline code', () => {
    const md = [
      'Real [[c1-1]].',
      '````ts',
      '```',
      '[[c2-1]] still code',
      '````',
      '~~~',
      '[[c3-1]]',
      '~~~',
      'Inline ``a ` [[c4-1]]`` and `[[c5-1]]`, real [[c6-1]].',
    ].join('\n');
    expect(citedClaimIds(md)).toEqual(['c1-1', 'c6-1']);
  });

  it('does not let an inline code span cross a blank line', () => {
    expect(citedClaimIds('A stray ` backtick [[c1-1]].\n\nThen ` another [[c2-1]].')).toEqual(['c1-1', 'c2-1']);
  });
});

describe('codeSpans', () => {
  it('spans whole fenced blocks, to the end when unclosed', () => {
    const md = 'x\n```\ncode\n```\ny\n~~~\nopen';
    expect(codeSpans(md).map((s) => md.slice(s.start, s.end))).toEqual(['```\ncode\n```\n', '~~~\nopen']);
  });
});

describe('markerGroups', () => {
  it('groups markers separated only by spaces or tabs', () => {
    const md = 'A [[c1-1]] [[c1-2]]\t[[c2-1]]. B [[c3-1]], [[c3-2]]';
    const groups = markerGroups(md, citationMarkers(md)).map((g) => g.map((m) => m.claim_id));
    expect(groups).toEqual([['c1-1', 'c1-2', 'c2-1'], ['c3-1'], ['c3-2']]);
  });
});

describe('applyEdits', () => {
  it('applies edits in any order', () => {
    expect(
      applyEdits('abcdef', [
        { start: 0, end: 1, text: 'A' },
        { start: 4, end: 6, text: '' },
      ]),
    ).toBe('Abcd');
  });
});
