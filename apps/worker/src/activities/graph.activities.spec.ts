import { jsonFromReply } from './graph.activities';

describe('jsonFromReply', () => {
  it('reads a reply that is JSON, or JSON in one ```json fence', () => {
    expect(jsonFromReply('{"a":1}')).toEqual({ a: 1 });
    expect(jsonFromReply('```json\n{"a":[1,2]}\n```')).toEqual({ a: [1, 2] });
    expect(jsonFromReply(' ```\n"x"\n``` ')).toBe('x');
  });

  it('refuses prose around JSON', () => {
    expect(() => jsonFromReply('Here it is: {"a":1}')).toThrow();
    expect(() => jsonFromReply('```json\n{"a":1}\n``` and more')).toThrow();
  });
});
