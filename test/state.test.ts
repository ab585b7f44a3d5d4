// The checker's states packed for the search's queue (src/checker/state.ts):
// what JSON cannot hold comes back as the model means it, and the key of the
// unpacked state is the key of the packed one.
import { describe, expect, it } from 'vitest';
import { behaviourJson, cloneState, compact, digest, emptyState, fieldMap, pack, setLazyField, stateKey, unpack, UNBOUNDED, UNK, type State } from '../src/checker/state.js';

function sample(): State {
  const s = emptyState();
  s.cells = [{ k: 'int', v: 3 }, { k: 'chan', id: 0 }, { k: 'str', v: 'https' }];
  s.chans = [{ cap: UNBOUNDED, buf: [{ k: 'int', v: 1 }], closed: false, esc: false, site: 4, name: 'results' }, { cap: 0, buf: [], closed: true, esc: true, site: 7, name: 'done' }];
  s.wgs = [Number.NaN, 2];
  s.procs = [
    { id: 0, name: 'Run', frames: [{ f: 1, pc: 5, env: { 3: 0, 10: 1 }, memo: {}, defers: [], ret: null, retAt: -1, site: '', exiting: 0, iters: {} }], done: 0, spin: 0, unwind: 0, need: { t: 'recv', ch: { k: 'chan', id: 0 }, key: 'k', site: 9, range: 0 }, goSite: -1 },
    { id: 1, name: 'Run.func1', rounds: { '1:2:3': 2 }, from: 0, frames: [], done: 0, spin: 0, unwind: 0, need: null, goSite: 12 },
    { id: 2, name: 'Run.func2', frames: [], done: 0, spin: 0, unwind: 0, need: { t: 'wgadd', wg: { k: 'wg', id: 0 }, n: Number.NaN, key: 'a', site: 14 }, goSite: 13 },
  ];
  return s;
}

describe('a state packed for the queue', () => {
  it('comes back with unknown capacities and counts, names and ids, and the same key', () => {
    const s = sample();
    const key = stateKey(s);
    const p = pack(s);
    expect(digest(p.json)).toBe(key);
    const u = unpack(p);
    expect(u.chans[0]!.cap).toBe(UNBOUNDED);
    expect(u.chans[1]!.cap).toBe(0);
    expect(Number.isNaN(u.wgs[0])).toBe(true);
    expect(u.wgs[1]).toBe(2);
    expect(u.procs.map((q) => [q.id, q.name, q.from, q.rounds])).toEqual([[0, 'Run', undefined, undefined], [1, 'Run.func1', 0, { '1:2:3': 2 }], [2, 'Run.func2', undefined, undefined]]);
    // wg.Add of a count the model cannot name.
    expect(Number.isNaN((u.procs[2]!.need as { n: number }).n)).toBe(true);
    expect(u.procs[0]!.frames[0]!.env).toEqual({ 3: 0, 10: 1 });
    expect(u.cells).toEqual(s.cells);
    expect(stateKey(u)).toBe(key);
    expect(behaviourJson(u)).toBe(p.json);
  });

  it('takes an integer past a double\'s range, null in the key already, for unknown', () => {
    const s = sample();
    s.cells.push({ k: 'int', v: Number.POSITIVE_INFINITY });
    s.chans[0]!.buf.push({ k: 'int', v: Number.NEGATIVE_INFINITY });
    const u = unpack(pack(s));
    expect(u.cells[3]).toEqual({ k: 'unk' });
    expect(u.chans[0]!.buf).toEqual([{ k: 'int', v: 1 }, { k: 'unk' }]);
    expect(u.cells.slice(0, 3)).toEqual(s.cells.slice(0, 3));
  });

  it('keeps an object\'s fields as its own keys only, through a clone, a compaction and the queue', () => {
    // A Go field may be named like a property every JavaScript object inherits (istio's
    // Component.constructor): a field never set must read as unset, not as Object's.
    const s = sample();
    s.objs = [{ type: 'Component', fields: fieldMap(), esc: false }];
    s.objs[0]!.fields['toString'] = 2;
    s.cells.push({ k: 'obj', id: 0 });
    s.procs[0]!.frames[0]!.env[11] = 3;
    for (const t of [cloneState(s), compact(s, false), unpack(pack(s))]) {
      const f = t.objs[0]!.fields;
      expect(f['constructor']).toBeUndefined();
      expect('hasOwnProperty' in f).toBe(false);
      expect(Object.keys(f)).toEqual(['toString']);
      f['__proto__'] = 4;
      expect(Object.keys(f)).toEqual(['toString', '__proto__']);
    }
  });
});

describe('what the witness reads and the behaviour does not', () => {
  it('keys alike two goroutines that left by different returns, and packs and unpacks the return each left by', () => {
    const at = (retAt: number): State => {
      const s = sample();
      // Goroutine 1 unwinds its function after `return` at site retAt (a goroutine's results go nowhere).
      s.procs[1]!.frames = [{ f: 2, pc: 8, env: {}, memo: {}, defers: [], ret: [], retAt, site: '', exiting: 1, iters: {} }];
      return s;
    };
    const early = at(21), late = at(-1);
    late.procs[1]!.frames[0]!.ret = null;
    expect(stateKey(early)).toBe(stateKey(late));
    const u = unpack(pack(early));
    expect(u.procs[1]!.frames[0]!.retAt).toBe(21);
    expect(u.procs[1]!.frames[0]!.ret).toEqual([]);
    // The root's results escape to its caller: they stay in the key.
    const root = (ret: State['cells']) => { const s = sample(); s.procs[0]!.frames[0]!.ret = ret; s.procs[0]!.frames[0]!.exiting = 1; return s; };
    expect(stateKey(root([{ k: 'nil' }]))).not.toBe(stateKey(root([{ k: 'chan', id: 0 }])));
  });
});

describe('fields not read yet', () => {
  it('compacts a field that holds what a first read of it gives as the field not read, and keeps one that holds anything else', () => {
    const opts = (fields: Record<string, State['cells'][number]>): State => {
      const s = emptyState();
      s.objs = [{ type: 'options', fields: fieldMap(), esc: false }];
      s.cells = [{ k: 'obj', id: 0 }];
      for (const [f, v] of Object.entries(fields)) { s.objs[0]!.fields[f] = s.cells.length; s.cells.push(v); }
      s.procs = [{ id: 0, name: 'Run', frames: [{ f: 1, pc: 5, env: { 3: 0 }, memo: {}, defers: [], ret: null, retAt: -1, site: '', exiting: 0, iters: {} }], done: 0, spin: 0, unwind: 0, need: null, goSite: -1 }];
      return s;
    };
    // A retry count (int, zero 0) and a callback (func, zero nil): one path read both, the other neither.
    setLazyField((o, f) => (o.type !== 'options' ? null : f === 'retries' ? { k: 'int', v: 0 } : f === 'onDone' ? { k: 'nil' } : null));
    try {
      expect(stateKey(compact(opts({ retries: { k: 'int', v: 0 }, onDone: { k: 'nil' } })))).toBe(stateKey(compact(opts({}))));
      expect(stateKey(compact(opts({ retries: { k: 'int', v: 2 } })))).not.toBe(stateKey(compact(opts({}))));
      // nil the search guessed for an unknown is a fact a path learnt, not the zero.
      expect(stateKey(compact(opts({ onDone: { k: 'nil', g: 1 } })))).not.toBe(stateKey(compact(opts({}))));
      expect(stateKey(compact(opts({ name: UNK })))).not.toBe(stateKey(compact(opts({}))));
    } finally {
      setLazyField(null);
    }
  });
});
