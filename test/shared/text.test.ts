import { describe, expect, it } from 'vitest';
import { DEFAULT_REASON_RULES, hasInvisibleCharacters, reasonSchema, ticketSchema } from '../../shared/index.js';

// U+200B zero-width space, U+200C/D joiners, U+200E/F and U+061C bidi marks, U+FEFF, U+2061 function
// application, U+2064 invisible plus, U+202A–E and U+2066–9 bidi controls, U+00AD soft hyphen.
const INVISIBLE = ['\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u061c', '\ufeff', '\u2061', '\u2064', '\u202a', '\u202e', '\u2066', '\u2069', '\u00ad'];

describe('reason and ticket refuse invisible and format characters (the server and the extension picker share these schemas)', () => {
  it.each(INVISIBLE.map((c) => [`U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`, c]))('%s', (_name, c) => {
    expect(hasInvisibleCharacters(`SUP-${c}1234`)).toBe(true);
    const ticket = ticketSchema.safeParse(`SUP-${c}1234`);
    expect(ticket.success).toBe(false);
    expect(ticket.error?.issues[0].message).toMatch(/invisible/);
    expect(reasonSchema(DEFAULT_REASON_RULES).safeParse(`Investigating ${c}the ticket about OKRs`).success).toBe(false);
  });

  it('keeps ordinary text in any script', () => {
    for (const s of ['SUP-1234', 'Prüfung der Ziele für Ashley', 'Ashley ne voit pas ses OKR — ticket 12', 'проверка целей пользователя', 'ตรวจสอบเป้าหมาย']) {
      expect(hasInvisibleCharacters(s), s).toBe(false);
      expect(reasonSchema(DEFAULT_REASON_RULES).safeParse(s + ' please').success, s).toBe(true);
    }
  });
});
