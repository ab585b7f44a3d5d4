/**
 * Every fixture package compiles: `go vet` (which type-checks the package and
 * its _test.go drivers) in a temporary GOPATH whose
 * src/golint-leaks/fixtures links to fixtures/, one test per package. go121/,
 * go126/ (any go1NN/ newer than 1.19) folders are skipped (Debian's Go is
 * 1.19); fixtures/internal/ is vetted too.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { goToolchain, goVet, listGoPackages, makeGopath, type Gopath } from '../scripts/oracle.js';

const fixturesDir = fileURLToPath(new URL('../fixtures/', import.meta.url));
const go = goToolchain();
const packages = listGoPackages(fixturesDir);

describe('fixtures compile (go vet, GOPATH mode)', () => {
  if (!go.ok) {
    if (process.env.CI === 'true') {
      it('has a Go toolchain (required in CI)', () => {
        throw new Error(`CI=true but ${go.detail}`);
      });
    } else {
      it.skip(`go vet of ${packages.length} fixture packages (skipped: ${go.detail})`, () => {});
    }
    return;
  }

  let gp: Gopath;
  beforeAll(() => {
    gp = makeGopath(fixturesDir);
  });
  afterAll(() => gp?.cleanup());

  it('finds the fixture packages', () => {
    if (!packages.includes('internal/oracle')) throw new Error(`no fixtures/internal/oracle among ${packages.join(', ')}`);
  });

  for (const pkg of packages) {
    it(`go vet fixtures/${pkg}`, async () => {
      const r = await goVet(gp, pkg);
      if (!r.ok) throw new Error(`fixtures/${pkg} does not pass go vet:\n${r.output}`);
    });
  }
});
