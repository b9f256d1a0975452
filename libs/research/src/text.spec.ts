import { locateQuote, normalizeForMatch, numbersIn, numbersSupported, quoteAtOffsets, unsupportedNumbers } from './text';

describe('normalizeForMatch', () => {
  it('collapses every run of Unicode whitespace to one space and trims', () => {
    expect(normalizeForMatch('  a\t\tb\n\n c\u00A0\u2003d \r\n')).toBe('a b c d');
  });

  it('folds typographic quotes, apostrophes and dashes to ASCII', () => {
    expect(normalizeForMatch('“It’s ‘fine’” – really — 3−2')).toBe(`"It's 'fine'" - really - 3-2`);
  });

  it('applies NFKC and drops soft hyphens and zero-width characters', () => {
    expect(normalizeForMatch('ﬁne\u00ADtuned\u200B… ２０２４')).toBe('finetuned... 2024');
    // A decomposed é compares equal to the composed one.
    expect(normalizeForMatch('cafe\u0301')).toBe(normalizeForMatch('café'));
  });

  it('keeps case and other punctuation', () => {
    expect(normalizeForMatch('Hello, World!')).toBe('Hello, World!');
  });
});

describe('locateQuote', () => {
  const text = 'Intro.\n\nThe  river’s flow\n  rose by 12 percent in 2021.  More text. The river’s flow rose again.';

  it('finds a quote across reflowed whitespace and straightened apostrophes, with offsets into the original', () => {
    const span = locateQuote(text, "The river's flow rose by 12 percent");
    expect(span).not.toBeNull();
    expect(text.slice(span!.start, span!.end)).toBe('The  river’s flow\n  rose by 12 percent');
    expect(normalizeForMatch(text.slice(span!.start, span!.end))).toBe(normalizeForMatch("The river's flow rose by 12 percent"));
  });

  it('returns the first occurrence', () => {
    const span = locateQuote(text, 'river’s flow');
    expect(span!.start).toBe(text.indexOf('river’s flow'));
  });

  it('returns null when the quote is absent or blank', () => {
    expect(locateQuote(text, 'rose by 13 percent')).toBeNull();
    expect(locateQuote(text, '  \n ')).toBeNull();
  });

  it('ignores whitespace at the ends of the quote', () => {
    const span = locateQuote(text, '\n  More text.  ');
    expect(text.slice(span!.start, span!.end)).toBe('More text.');
  });

  it('never splits an original character: a match inside a ligature is not a match', () => {
    // `ﬁ` normalizes to `fi`; "ish" would start in the middle of it.
    const s = 'ﬁsh and fish';
    const span = locateQuote(s, 'ish');
    expect(span).toEqual({ start: s.indexOf('fish') + 1, end: s.indexOf('fish') + 4 });
    expect(locateQuote('ﬁsh', 'fish')).toEqual({ start: 0, end: 3 });
  });

  it('maps decomposed characters back whole', () => {
    const s = 'Le cafe\u0301 ouvre.';
    const span = locateQuote(s, 'café ouvre');
    expect(s.slice(span!.start, span!.end)).toBe('cafe\u0301 ouvre');
  });

  it('is fast on a 200,000-character snapshot', () => {
    const big = 'lorem ipsum dolor sit amet, ’quoted’ text\n'.repeat(5000) + 'the needle is here';
    const t0 = performance.now();
    const span = locateQuote(big, 'the needle is here');
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(big.slice(span!.start, span!.end)).toBe('the needle is here');
  });
});

describe('quoteAtOffsets', () => {
  const text = 'Alpha beta.\nGamma   delta epsilon.';
  const at = (quote: string) => {
    const start = text.indexOf(quote.split(' ')[0]!);
    return { quote, start, end: start + quote.length };
  };

  it('accepts a quote at its offsets, whitespace-normalized', () => {
    const start = text.indexOf('Gamma');
    expect(quoteAtOffsets(text, { quote: 'Gamma delta', start, end: text.indexOf('delta') + 5 })).toBe(true);
    expect(quoteAtOffsets(text, at('Alpha beta.'))).toBe(true);
  });

  it('refuses wrong offsets, even by one character', () => {
    const good = at('Alpha beta.');
    expect(quoteAtOffsets(text, { ...good, start: good.start + 1 })).toBe(false);
    expect(quoteAtOffsets(text, { ...good, end: good.end + 2 })).toBe(false);
  });

  it('refuses invalid bounds', () => {
    expect(quoteAtOffsets(text, { quote: 'Alpha', start: -1, end: 4 })).toBe(false);
    expect(quoteAtOffsets(text, { quote: 'Alpha', start: 5, end: 5 })).toBe(false);
    expect(quoteAtOffsets(text, { quote: 'Alpha', start: 0, end: text.length + 1 })).toBe(false);
    expect(quoteAtOffsets(text, { quote: 'Alpha', start: 0.5, end: 5 })).toBe(false);
  });
});

describe('numbersIn', () => {
  it.each([
    ['It cost 1,000 dollars.', ['1000']],
    ['About 1 000 people and 1\u202F500 more.', ['1000', '1500']],
    ['A price of 3.50 and 2.0 and 0.25', ['3.5', '2', '0.25']],
    ['Up 45% from -3 degrees.', ['45', '3']],
    ['Between 2019–2020, in 1998.', ['2019', '2020', '1998']],
    ['On 2024-05-01 at 10:30', ['2024', '5', '1', '10', '30']],
    ['The 3rd run covered 10km.', ['3', '10']],
    ['Water is H2O; v2 of COVID19 is a name.', []],
    ['Values 100, 200 and 007.', ['100', '200', '7']],
    ['A decimal comma 3,5 is two numbers.', ['3', '5']],
    ['Full-width ４２ digits', ['42']],
    ['Three spelled numbers.', []],
  ])('%s', (s, expected) => {
    expect(numbersIn(s)).toEqual(expected);
  });

  it('ignores citation markers, malformed markers and bare claim ids', () => {
    expect(numbersIn('Revenue rose 12% [[c3-2]] [[c7]] (see c12-4).')).toEqual(['12']);
  });
});

describe('numbersSupported', () => {
  it('holds when every number of the claim is in some quote, in any notation', () => {
    expect(numbersSupported('Sales reached 1000 units in 2021, up 45 %.', ['In 2021 sales hit 1,000 units', 'an increase of 45%'])).toBe(true);
    expect(numbersSupported('No numbers here.', [])).toBe(true);
  });

  it('fails on a number no quote states', () => {
    expect(numbersSupported('Sales reached 1200 units.', ['sales hit 1,000 units'])).toBe(false);
    expect(unsupportedNumbers('Sales of 1200 units in 2021 and 1200 again.', ['in 2021'])).toEqual(['1200']);
  });
});
