// Integer constant expressions, as the Go compiler folds them: `128 << 10`,
// `4 * KiB`, `maxConns - 1`, `int64(defaultLimit)`. A constant the model
// cannot fold is one unknown value, which a test may then take as any
// number, a negative one among them; a buffer size of 128 KiB is not.
import type { Node } from './syntax.js';
import { foldIntConstant, iotaConstValue, unparen } from './syntax.js';
import type { PackageSemantics } from './package.js';

/** Conversions that keep an integer constant's value (`int64(n)`, `uint(n)`). */
const INTEGER_TYPES = new Set(['int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr', 'byte', 'rune']);

/** Constants referring to constants: deeper than this is a cycle or a table, left unknown. */
const MAX_DEPTH = 16;

/**
 * The value of an integer constant expression of this package: what
 * foldIntConstant folds, with the package's integer constants (iota ones
 * too) and conversions to integer types as operands. Null for anything else
 * (another package's constant, a float, a string).
 */
export function constIntValue(pkg: PackageSemantics, e: Node, depth = 0): number | null {
  if (depth > MAX_DEPTH) return null;
  return foldIntConstant(e, (x) => {
    if (x.type === 'identifier') {
      const b = pkg.resolve(x);
      if (b?.kind !== 'const') return null;
      const iota = iotaConstValue(b.ident);
      if (iota !== null) return iota;
      return b.value ? constIntValue(pkg, b.value, depth + 1) : null;
    }
    if (x.type === 'call_expression') {
      const fn = x.childForFieldName('function');
      const args = x.childForFieldName('arguments')?.namedChildren ?? [];
      if (!fn || args.length !== 1 || !INTEGER_TYPES.has(unparen(fn).text)) return null;
      // A conversion, unless the package declares a function of that name.
      if (pkg.resolve(unparen(fn))) return null;
      return constIntValue(pkg, args[0]!, depth + 1);
    }
    return null;
  });
}
