/**
 * Where each value of a JSON text sits, by JSON Pointer, for messages that name a line and a column.
 * JSON is YAML 1.2, so the `yaml` package's node ranges give the places; the text has already passed a strict
 * JSON check (DECISIONS 8) by then, so YAML's extra syntax never comes into play.
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';

export interface Place {
  line: number;
  column: number;
}

export interface DuplicateKey {
  /** The pointer of the member whose key repeats. */
  pointer: string;
  key: string;
  /** The repeated key, and the first one. */
  place: Place;
  first: Place;
}

interface Offsets {
  key?: number;
  value: number;
}

export class JsonPositions {
  private readonly offsets = new Map<string, Offsets>();
  private readonly lineCounter = new LineCounter();
  readonly duplicateKeys: DuplicateKey[] = [];

  constructor(text: string) {
    const doc = parseDocument(text, { lineCounter: this.lineCounter, uniqueKeys: false, strict: true });
    if (doc.contents !== null) this.walk(doc.contents, '');
  }

  /**
   * The place of a value (or of its key, for an object member); for a pointer that the text does not hold
   * (a missing key), the place of the nearest enclosing value that it does.
   */
  place(pointer: string, part: 'key' | 'value' = 'value'): Place {
    for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
      const offsets = this.offsets.get(p);
      if (offsets !== undefined) {
        const offset = p === pointer && part === 'key' ? (offsets.key ?? offsets.value) : offsets.value;
        return this.at(offset);
      }
      if (p === '') return { line: 1, column: 1 };
    }
  }

  private at(offset: number): Place {
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  private walk(node: Node, pointer: string, keyOffset?: number): void {
    const value = node.range?.[0] ?? 0;
    this.offsets.set(pointer, keyOffset === undefined ? { value } : { key: keyOffset, value });
    if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        const offset = pair.key.range?.[0] ?? value;
        const member = childPointer(pointer, key);
        const first = seen.get(key);
        if (first === undefined) seen.set(key, offset);
        else this.duplicateKeys.push({ pointer: member, key, place: this.at(offset), first: this.at(first) });
        // The last of repeated keys wins, as in JSON.parse: its value is the one validated.
        if (pair.value !== null && typeof pair.value === 'object' && 'range' in pair.value) {
          this.walk(pair.value as Node, member, offset);
        } else {
          this.offsets.set(member, { key: offset, value: offset });
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        if (item !== null && typeof item === 'object' && 'range' in item) {
          this.walk(item as Node, childPointer(pointer, index));
        }
      });
    }
  }
}

/** Appends one reference token to an RFC 6901 JSON Pointer ("~" → "~0", "/" → "~1"). */
export function childPointer(pointer: string, token: string | number): string {
  if (typeof token === 'number') return `${pointer}/${token}`;
  return `${pointer}/${token.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}
