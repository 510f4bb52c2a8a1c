// A V8 heap snapshot (.heapsnapshot, as node:v8 writes it) summed by constructor: how many objects of
// each, their own (shallow) size, and the size they retain (what freeing them would free: the sum over
// their dominator subtrees, counting an object inside another of its constructor once).
import { readFile } from 'node:fs/promises';

export interface HeapSnapshotFile {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[], ...unknown[]];
      edge_fields: string[];
      edge_types: [string[], ...unknown[]];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface ConstructorSummary {
  /** The constructor's name for objects, else the node's kind in parentheses: (string), (closure), ... */
  name: string;
  count: number;
  selfSize: number;
  retainedSize: number;
}

/** Objects go by constructor; everything else by its kind, as DevTools' summary view does. */
function classOf(type: string, name: string): string {
  if (type === 'object' || type === 'native') return name === '' ? `(${type})` : name;
  if (type === 'concatenated string' || type === 'sliced string') return '(string)';
  return `(${type})`;
}

export function summarizeHeap(file: HeapSnapshotFile): Map<string, ConstructorSummary> {
  const { meta } = file.snapshot;
  const nodeFieldCount = meta.node_fields.length;
  const edgeFieldCount = meta.edge_fields.length;
  const typeAt = meta.node_fields.indexOf('type');
  const nameAt = meta.node_fields.indexOf('name');
  const sizeAt = meta.node_fields.indexOf('self_size');
  const edgeCountAt = meta.node_fields.indexOf('edge_count');
  const edgeTypeAt = meta.edge_fields.indexOf('type');
  const toAt = meta.edge_fields.indexOf('to_node');
  const weak = meta.edge_types[0].indexOf('weak');
  const nodeTypes = meta.node_types[0];
  const count = file.nodes.length / nodeFieldCount;

  const classIds = new Map<string, number>();
  const classNames: string[] = [];
  const classOfNode = new Int32Array(count);
  const selfSize = new Float64Array(count);
  const firstEdge = new Int32Array(count + 1);
  for (let n = 0; n < count; n += 1) {
    const base = n * nodeFieldCount;
    const name = classOf(
      nodeTypes[file.nodes[base + typeAt] as number] ?? '',
      file.strings[file.nodes[base + nameAt] as number] ?? '',
    );
    let id = classIds.get(name);
    if (id === undefined) {
      id = classNames.length;
      classIds.set(name, id);
      classNames.push(name);
    }
    classOfNode[n] = id;
    selfSize[n] = file.nodes[base + sizeAt] as number;
    firstEdge[n + 1] = (firstEdge[n] as number) + (file.nodes[base + edgeCountAt] as number) * edgeFieldCount;
  }
  const targets = (n: number, visit: (to: number) => void) => {
    for (let e = firstEdge[n] as number; e < (firstEdge[n + 1] as number); e += edgeFieldCount) {
      if (file.edges[e + edgeTypeAt] !== weak) visit((file.edges[e + toAt] as number) / nodeFieldCount);
    }
  };
  const idom = dominators(count, targets);

  // Retained sizes: children come before their dominator in post-order.
  const retained = Float64Array.from(selfSize);
  for (const n of idom.postOrder) {
    const parent = idom.of[n] as number;
    if (parent !== n) retained[parent] = (retained[parent] as number) + (retained[n] as number);
  }
  // A constructor's retained size counts only its outermost objects (a list node inside a list node is
  // in its parent's already): walk the dominator tree keeping how many of each class are above.
  const children = new Int32Array(count + 1);
  for (const n of idom.postOrder) if (idom.of[n] !== n) children[(idom.of[n] as number) + 1]! += 1;
  for (let n = 0; n < count; n += 1) children[n + 1]! += children[n] as number;
  const childList = new Int32Array(children[count] as number);
  const filled = children.slice(0, count);
  for (const n of idom.postOrder) {
    if (idom.of[n] === n) continue;
    const parent = idom.of[n] as number;
    childList[filled[parent] as number] = n;
    filled[parent]! += 1;
  }
  const classRetained = new Float64Array(classNames.length);
  const above = new Int32Array(classNames.length);
  const stack: number[] = [0];
  const leaving = new Uint8Array(count);
  while (stack.length > 0) {
    const n = stack.pop() as number;
    const cls = classOfNode[n] as number;
    if (leaving[n] === 1) {
      above[cls]! -= 1;
      continue;
    }
    if (above[cls] === 0) classRetained[cls]! += retained[n] as number;
    above[cls]! += 1;
    leaving[n] = 1;
    stack.push(n);
    for (let c = children[n] as number; c < (children[n + 1] as number); c += 1)
      stack.push(childList[c] as number);
  }

  const summary = new Map<string, ConstructorSummary>();
  classNames.forEach((name, id) =>
    summary.set(name, { name, count: 0, selfSize: 0, retainedSize: classRetained[id] as number }),
  );
  for (let n = 0; n < count; n += 1) {
    if (idom.of[n] === -1) continue; // unreachable from the root: not kept alive by anything
    const entry = summary.get(classNames[classOfNode[n] as number] as string) as ConstructorSummary;
    entry.count += 1;
    entry.selfSize += selfSize[n] as number;
  }
  return summary;
}

/**
 * Immediate dominators from node 0 (Cooper, Harvey and Kennedy's iterative algorithm): `of[n]` is n's,
 * the root's own is itself, -1 for nodes the root does not reach; `postOrder` lists the reached nodes.
 */
export function dominators(
  count: number,
  targets: (node: number, visit: (to: number) => void) => void,
): { of: Int32Array; postOrder: Int32Array } {
  const order = new Int32Array(count).fill(-1);
  const postOrder = new Int32Array(count);
  let reached = 0;
  // Iterative depth-first search; each node's successors are listed once, when it is first entered.
  const seen = new Uint8Array(count);
  const stack: number[] = [0];
  const pending: number[][] = [];
  seen[0] = 1;
  const successors = (n: number) => {
    const list: number[] = [];
    targets(n, (to) => list.push(to));
    return list;
  };
  pending.push(successors(0));
  while (stack.length > 0) {
    const next = (pending.at(-1) as number[]).pop();
    if (next === undefined) {
      const done = stack.pop() as number;
      pending.pop();
      order[done] = reached;
      postOrder[reached] = done;
      reached += 1;
    } else if (seen[next] === 0) {
      seen[next] = 1;
      stack.push(next);
      pending.push(successors(next));
    }
  }
  // Predecessors of the reached nodes, as compressed rows.
  const predStart = new Int32Array(count + 1);
  for (let i = 0; i < reached; i += 1) {
    targets(postOrder[i] as number, (to) => {
      predStart[to + 1]! += 1;
    });
  }
  for (let n = 0; n < count; n += 1) predStart[n + 1]! += predStart[n] as number;
  const preds = new Int32Array(predStart[count] as number);
  const fill = predStart.slice(0, count);
  for (let i = 0; i < reached; i += 1) {
    const from = postOrder[i] as number;
    targets(from, (to) => {
      preds[fill[to] as number] = from;
      fill[to]! += 1;
    });
  }
  const idom = new Int32Array(count).fill(-1);
  idom[0] = 0;
  const intersect = (a: number, b: number) => {
    while (a !== b) {
      while ((order[a] as number) < (order[b] as number)) a = idom[a] as number;
      while ((order[b] as number) < (order[a] as number)) b = idom[b] as number;
    }
    return a;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (let i = reached - 2; i >= 0; i -= 1) {
      const n = postOrder[i] as number;
      let candidate = -1;
      for (let p = predStart[n] as number; p < (predStart[n + 1] as number); p += 1) {
        const pred = preds[p] as number;
        if (idom[pred] === -1) continue;
        candidate = candidate === -1 ? pred : intersect(pred, candidate);
      }
      if (candidate !== -1 && idom[n] !== candidate) {
        idom[n] = candidate;
        changed = true;
      }
    }
  }
  return { of: idom, postOrder: postOrder.slice(0, reached) };
}

export async function readHeapSnapshot(path: string): Promise<HeapSnapshotFile> {
  return JSON.parse(await readFile(path, 'utf8')) as HeapSnapshotFile;
}

/** What `after` holds beyond `before`, per constructor, divided by `per` (e.g. sessions), largest first. */
export function summaryDifference(
  after: Map<string, ConstructorSummary>,
  before: Map<string, ConstructorSummary>,
  per: number,
): ConstructorSummary[] {
  return [...after.values()]
    .map((a) => {
      const b = before.get(a.name);
      return {
        name: a.name,
        count: (a.count - (b?.count ?? 0)) / per,
        selfSize: (a.selfSize - (b?.selfSize ?? 0)) / per,
        retainedSize: (a.retainedSize - (b?.retainedSize ?? 0)) / per,
      };
    })
    .sort((x, y) => y.selfSize - x.selfSize);
}
