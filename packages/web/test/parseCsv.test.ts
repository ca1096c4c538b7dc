import { describe, expect, it } from 'vitest';
import { parseCsv } from '../src/ui/parseCsv.ts';

describe('parseCsv', () => {
  it('reads quoted fields with commas and doubled quotes, LF or CRLF, and ignores a trailing newline', () => {
    const { header, rows } = parseCsv('id,name,x\r\n1,"High revenue, high ""purchases""",2.5\n2,plain,\n');
    expect(header).toEqual(['id', 'name', 'x']);
    expect(rows).toEqual([
      { id: '1', name: 'High revenue, high "purchases"', x: '2.5' },
      { id: '2', name: 'plain', x: '' },
    ]);
  });

  it('an empty file or a header alone has no rows', () => {
    expect(parseCsv('')).toEqual({ header: [], rows: [] });
    expect(parseCsv('a,b\n')).toEqual({ header: ['a', 'b'], rows: [] });
  });
});
