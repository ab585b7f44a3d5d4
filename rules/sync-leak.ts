/**
 * # sync-leak
 *
 * A goroutine waits forever on a sync primitive: `Lock` on a mutex whose
 * holder never unlocks it (it returned on an error path without `Unlock`,
 * it locks the same mutex twice, it waits on a second lock held by a
 * goroutine waiting on the first), `RLock` behind a writer that waits for
 * the reader itself, `WaitGroup.Wait` whose counter no goroutine left can
 * bring to zero, `Cond.Wait` that no goroutine left can signal, `Once.Do`
 * while the function Do runs never returns (it waits for the goroutine
 * calling Do, or it is that goroutine, calling Do again from inside).
 *
 * The rule reports what the leak checker (src/checker) proves: it runs the
 * goroutines a function starts, with the package-local code they call, and
 * interleaves them at every synchronisation. A function that starts none but
 * takes a lock and, further on, takes one again (itself or in a function it
 * calls) is run on its own: a goroutine that locks a mutex it holds waits
 * forever, whoever its caller is. So is a function that calls, on one
 * variable, code that can return holding a lock (a path of its control flow
 * from the lock to the return that never unlocks), and then code that locks
 * again, or the same call in a loop: `Stop` forgets the unlock on its first
 * call's path, and the second `Stop` waits forever. A finding is a reachable state
 * where the goroutine is blocked on a primitive of the group and no
 * goroutine still running can release it, with the schedule that leads
 * there. Locks and WaitGroups handed to code outside the package are
 * silent, and so are Conds, but for one that went out only inside other
 * objects, through unexported fields that no `Signal` or `Broadcast` of the
 * package names: other packages cannot name such a field, and this one never
 * signals through it. Off by default: the checker costs more than the other rules (see
 * the README); enable it in the config or with `--rules`.
 */
import { defineRule } from '../src/engine/rule.js';
import type { Node } from '../src/semantics/syntax.js';
import { checkPackage, leakEvidence, wantSyncLeaks } from '../src/checker/index.js';

export default defineRule({
  meta: {
    id: 'sync-leak',
    short: 'goroutine blocks forever on a mutex, WaitGroup, condition variable or Once no goroutine left can release',
    full: 'A goroutine waits in Mutex.Lock, RWMutex.RLock, WaitGroup.Wait, Cond.Wait or Once.Do, and on some schedule every goroutine that could unlock the mutex, call Done, signal the condition or finish the function Do runs has returned or is blocked itself. The waiter never wakes, and holds everything it references.',
    severity: 'error',
    precision: 'high',
    tags: ['goroutine-leak', 'deadlock', 'concurrency', 'reliability'],
    fixable: false,
    enabledByDefault: false,
    messages: {
      lock: '{who} blocks forever locking {prim}: no goroutine that can unlock it is left running',
      rlock: '{who} blocks forever read-locking {prim}: no goroutine that can unlock it is left running',
      relock: '{who} blocks forever locking {prim}, which it already holds: Go mutexes are not reentrant',
      rrelock: '{who} blocks forever read-locking {prim}, which it already holds for writing: Go mutexes are not reentrant',
      wgwait: '{who} blocks forever in {prim}.Wait(): no goroutine left running can bring its counter to zero',
      condwait: '{who} blocks forever in {prim}.Wait(): no goroutine left running can signal it',
      oncewait: '{who} blocks forever in {prim}.Do(): the goroutine running its function never returns from it',
      redo: '{who} blocks forever in {prim}.Do(), called again from the function that Do is running: Do waits for that function to return',
    },
    docs: {
      whatItFinds: 'A call to `Lock`, `RLock`, `WaitGroup.Wait`, `Cond.Wait` or `Once.Do` in a goroutine (or in the function that starts it) on a primitive of that function\'s goroutines, where some schedule leaves it waiting with nobody to release it: a lock not released on an error path (in a goroutine, or in a method that returns holding it and is called again), a mutex locked twice by the same goroutine (again in a function it calls, or in the `String` method `fmt` calls to format it, with or without a `go` statement around), two locks taken in opposite orders, a read lock taken again while a writer waits, a `WaitGroup` whose `Done` is skipped on an early return, a `sync.Once` whose `Do` is reached again from inside the function it runs (directly, or through a goroutine that function waits for).',
      whyItLeaks: 'Go\'s mutexes are not reentrant and never time out: a goroutine waiting for a lock that will not be released waits for the life of the process, and so does every goroutine that then waits for it (the request handlers queued behind a stuck cache lock). A `WaitGroup` whose counter stays above zero blocks `Wait` the same way.',
      example: [
        'func (c *Cache) Refresh(fetch func() error) {',
        '\tgo func() {',
        '\t\tc.mu.Lock()',
        '\t\tif err := fetch(); err != nil {',
        '\t\t\treturn // c.mu stays locked',
        '\t\t}',
        '\t\tc.mu.Unlock()',
        '\t}()',
        '\tgo func() {',
        '\t\tc.mu.Lock() // waits forever after a failed fetch',
        '\t\tc.hits++',
        '\t\tc.mu.Unlock()',
        '\t}()',
        '}',
      ].join('\n'),
      fix: [
        'func (c *Cache) Refresh(fetch func() error) {',
        '\tgo func() {',
        '\t\tc.mu.Lock()',
        '\t\tdefer c.mu.Unlock() // released on every path',
        '\t\tif err := fetch(); err != nil {',
        '\t\t\treturn',
        '\t\t}',
        '\t}()',
        '\tgo func() {',
        '\t\tc.mu.Lock()',
        '\t\tc.hits++',
        '\t\tc.mu.Unlock()',
        '\t}()',
        '}',
      ].join('\n'),
      options: 'None. The rule is off by default because it runs the leak checker (slower than the other rules, see the README): turn it on with `sync-leak: on` under `rules:` in the config, or `--rules sync-leak`. Release locks with `defer mu.Unlock()` right after `Lock`, call `wg.Done()` with `defer` first thing in the goroutine, take locks in one order everywhere, and never take a lock again while holding it.',
      incident: 'The GoKer kernels of real blocking bugs: double locking (etcd, moby, cockroach), AB-BA lock order (kubernetes), a WaitGroup waited on before its Add (moby).',
    },
  },
  create(ctx) {
    const { pkg } = ctx;
    // Before any rule's visitor asks, so the one exploration includes the lock-only groups.
    wantSyncLeaks(pkg);
    const report = (decl: Node) => {
      for (const leak of checkPackage(pkg).leaks) {
        if (leak.kind !== 'lock' && leak.kind !== 'rlock' && leak.kind !== 'wgwait' && leak.kind !== 'condwait' && leak.kind !== 'oncewait') continue;
        if (pkg.fileOf(leak.op) !== ctx.file || leak.op.startIndex < decl.startIndex || leak.op.endIndex > decl.endIndex) continue;
        const { who, steps, related } = leakEvidence(leak);
        const messageId = leak.self ? (leak.kind === 'lock' ? 'relock' : leak.kind === 'oncewait' ? 'redo' : 'rrelock') : leak.kind;
        ctx.report({ node: leak.op, messageId, data: { who, prim: leak.prim ?? '' }, steps, related });
      }
    };
    return { function_declaration: report, method_declaration: report };
  },
});
