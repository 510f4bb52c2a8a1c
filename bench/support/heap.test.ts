import { describe, expect, it } from 'vitest';
import { dominators, summarizeHeap, summaryDifference, type HeapSnapshotFile } from './heap.ts';

describe('dominators', () => {
  it('finds the immediate dominators of a graph with a join and a cycle', () => {
    // 0 → 1, 0 → 2, 1 → 3, 2 → 3, 3 → 4, 4 → 3; 5 is not reached.
    const edges = [[1, 2], [3], [3], [4], [3], [0]];
    const result = dominators(6, (n, visit) => {
      for (const to of edges[n] ?? []) visit(to);
    });
    expect([...result.of]).toEqual([0, 0, 0, 0, 3, -1]);
    expect(result.postOrder.at(-1)).toBe(0);
    expect(result.postOrder).toHaveLength(5);
  });
});

/** A snapshot of nodes [type, name, selfSize, edges (to node numbers; a negative one is weak)]. */
function snapshot(nodes: [string, string, number, number[]][]): HeapSnapshotFile {
  const types = ['hidden', 'array', 'string', 'object', 'code', 'closure', 'synthetic'];
  const strings: string[] = [];
  const string = (s: string) => {
    if (!strings.includes(s)) strings.push(s);
    return strings.indexOf(s);
  };
  return {
    snapshot: {
      meta: {
        node_fields: ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'],
        node_types: [types, 'string', 'number', 'number', 'number', 'number', 'number'],
        edge_fields: ['type', 'name_or_index', 'to_node'],
        edge_types: [['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak']],
      },
    },
    nodes: nodes.flatMap(([type, name, size, to], i) => [
      types.indexOf(type),
      string(name),
      i,
      size,
      to.length,
      0,
      0,
    ]),
    edges: nodes.flatMap(([, , , to]) => to.flatMap((t) => [t < 0 ? 6 : 2, string('x'), Math.abs(t) * 7])),
    strings,
  };
}

describe('summarizeHeap', () => {
  const heap = snapshot([
    ['synthetic', '(root)', 0, [1, 4]],
    ['object', 'Session', 100, [2, 3]],
    ['object', 'Session', 50, [5]], // inside the first Session: counted once in its retained size
    ['string', 'a login', 20, []],
    ['object', 'Map', 10, [3, -1]], // shares the string, holds the Session weakly
    ['closure', 'onPing', 30, []],
    ['object', 'Garbage', 999, []], // unreachable
  ]);

  it('sums objects by constructor with their shallow and retained sizes', () => {
    const summary = summarizeHeap(heap);
    expect(summary.get('Session')).toEqual({ name: 'Session', count: 2, selfSize: 150, retainedSize: 180 });
    expect(summary.get('Map')).toEqual({ name: 'Map', count: 1, selfSize: 10, retainedSize: 10 });
    expect(summary.get('(string)')).toMatchObject({ count: 1, selfSize: 20, retainedSize: 20 });
    expect(summary.get('(closure)')).toMatchObject({ count: 1, retainedSize: 30 });
    expect(summary.get('Garbage')).toMatchObject({ count: 0, selfSize: 0 });
  });

  it('says what one snapshot holds beyond another, per unit', () => {
    const empty = summarizeHeap(snapshot([['synthetic', '(root)', 0, []]]));
    const [first] = summaryDifference(summarizeHeap(heap), empty, 2);
    expect(first).toEqual({ name: 'Session', count: 1, selfSize: 75, retainedSize: 90 });
  });
});
