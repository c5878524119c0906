// "Any string", for the generated checks: a fast-check unit drawing code points from classes that
// together cover every plane of Unicode and the characters servers stumble on (controls, combining
// marks, zero-width and bidirectional format characters, private use, noncharacters, astral
// characters, lone surrogates), and the classes of names where the document is silent (a server may
// refuse them with 422). A class shrinks towards its first code point, so a shrunk counterexample
// shows the class that matters with its simplest member.
import fc, { type Arbitrary } from 'fast-check';

export interface CharacterClass {
  name: string;
  /** Inclusive code point ranges. */
  ranges: [number, number][];
  /** How often the class is drawn, relative to the others. */
  weight: number;
}

export const CHARACTER_CLASSES: readonly CharacterClass[] = [
  {
    name: 'ASCII letters and digits',
    ranges: [
      [0x61, 0x7a],
      [0x41, 0x5a],
      [0x30, 0x39],
    ],
    weight: 6,
  },
  {
    name: 'ASCII space, punctuation and markup',
    ranges: [
      [0x20, 0x2f],
      [0x3a, 0x40],
      [0x5b, 0x60],
      [0x7b, 0x7e],
    ],
    weight: 3,
  },
  {
    name: 'C0 and C1 control characters, DEL',
    ranges: [
      [0x00, 0x1f],
      [0x7f, 0x9f],
    ],
    weight: 1,
  },
  { name: 'Latin-1 and Latin Extended', ranges: [[0xa0, 0x24f]], weight: 2 },
  {
    name: 'combining marks',
    ranges: [
      [0x300, 0x36f],
      [0x1ab0, 0x1aff],
      [0x1dc0, 0x1dff],
      [0x20d0, 0x20ff],
      [0xfe20, 0xfe2f],
    ],
    weight: 2,
  },
  {
    name: 'other scripts of the BMP (Greek to Hangul, CJK)',
    ranges: [
      [0x370, 0x1fff],
      [0x3040, 0x9fff],
      [0xac00, 0xd7a3],
    ],
    weight: 3,
  },
  {
    name: 'spaces, zero-width and bidirectional format characters, BOM',
    ranges: [
      [0x2000, 0x206f],
      [0x3000, 0x3000],
      [0xfeff, 0xfeff],
      [0xfff9, 0xfffb],
    ],
    weight: 1,
  },
  { name: 'private use (BMP)', ranges: [[0xe000, 0xf8ff]], weight: 1 },
  {
    name: 'noncharacters',
    ranges: [
      [0xfdd0, 0xfdef],
      [0xfffe, 0xffff],
    ],
    weight: 1,
  },
  { name: 'emoji and symbols (plane 1)', ranges: [[0x1f000, 0x1faff]], weight: 2 },
  { name: 'supplementary planes 1 to 16 (private use planes included)', ranges: [[0x10000, 0x10ffff]], weight: 1 },
  { name: 'lone surrogates', ranges: [[0xd800, 0xdfff]], weight: 1 },
];

const sizeOf = (ranges: [number, number][]) => ranges.reduce((sum, [from, to]) => sum + to - from + 1, 0);

/** The code point at `index` of the class's ranges, in order. */
function codePointAt(ranges: [number, number][], index: number): number {
  for (const [from, to] of ranges) {
    if (index <= to - from) return from + index;
    index -= to - from + 1;
  }
  throw new RangeError(`index past the class's ranges`);
}

/** One character of the class: a code point, or a single UTF-16 unit for a lone surrogate. */
export function characterOf(characterClass: CharacterClass): Arbitrary<string> {
  return fc.integer({ min: 0, max: sizeOf(characterClass.ranges) - 1 }).map(index => {
    const codePoint = codePointAt(characterClass.ranges, index);
    return codePoint >= 0xd800 && codePoint <= 0xdfff ? String.fromCharCode(codePoint) : String.fromCodePoint(codePoint);
  });
}

/** A character of any class, drawn by the classes' weights. */
export const anyCharacter: Arbitrary<string> = fc.oneof(
  ...CHARACTER_CLASSES.map(characterClass => ({ arbitrary: characterOf(characterClass), weight: characterClass.weight })),
);

/**
 * Any string: mostly short (up to 40 characters), a third of the time long (up to 3000, mostly past
 * 100). Both shrink to the shortest string their bounds allow, a long one too (no floor of its own).
 */
export function anyString(bounds: { minLength?: number; maxLength?: number } = {}): Arbitrary<string> {
  const { minLength = 0, maxLength } = bounds;
  const fits = (text: string) => text.length >= minLength && (maxLength === undefined || text.length <= maxLength);
  const short = fc.string({ unit: anyCharacter, minLength, maxLength: Math.max(minLength, Math.min(maxLength ?? 40, 40)) });
  if (maxLength !== undefined && maxLength <= 40) return short.filter(fits);
  const long = fc.string({ unit: anyCharacter, minLength, maxLength: maxLength ?? 3000, size: 'large' });
  return fc.oneof({ arbitrary: short, weight: 2 }, { arbitrary: long, weight: 1 }).filter(fits);
}

/** Short strings for property names (keys of unknown properties and of nested objects). */
export const keyString: Arbitrary<string> = fc.string({ unit: anyCharacter, maxLength: 12 }).filter(key => key !== '__proto__');

/** The UTF-16 length past which the document's silence on length lets a server refuse a name. */
export const LONG_NAME = 255;

/**
 * Why a server may refuse a name with 422 where the document is silent: it says only "String", and
 * refusing blank names, very long ones, or characters that are not text (controls, format characters,
 * lone surrogates, noncharacters, unassigned code points) or are markup is a choice the document
 * leaves open (the fixed boundary checks accept 200 or 422 for each). Empty: the name is ordinary text
 * in any script (letters, marks, digits, punctuation, symbols, spaces, private use), which an update
 * must accept.
 */
export function silentNameReasons(name: string): string[] {
  const reasons: string[] = [];
  if (name.trim() === '') reasons.push('a blank name');
  if (name.length > LONG_NAME) reasons.push(`a name longer than ${LONG_NAME} UTF-16 units`);
  if (/\p{Cc}/u.test(name)) reasons.push('control characters');
  if (/\p{Cs}/u.test(name)) reasons.push('lone surrogates');
  if (/\p{Cf}/u.test(name)) reasons.push('format characters (zero-width, bidirectional, BOM)');
  if (/\p{Noncharacter_Code_Point}/u.test(name)) reasons.push('noncharacters');
  else if (/\p{Cn}/u.test(name)) reasons.push('unassigned code points');
  if (/[<>&]/.test(name)) reasons.push('markup characters (< > &)');
  return reasons;
}

/** Text (say, a body's JSON) with every character outside printable ASCII written as \u{...}: invisible ones made visible. */
export function visible(text: string): string {
  return text.replace(/[^\x20-\x7e]/gu, char => `\\u{${char.codePointAt(0)!.toString(16)}}`);
}
