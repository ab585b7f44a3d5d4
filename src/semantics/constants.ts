// Integer constant expressions, as the Go compiler folds them: `128 << 10`,
// `4 * KiB`, `maxConns - 1`, `int64(defaultLimit)`. A constant the model
// cannot fold is one unknown value, which a test may then take as any
// number, a negative one among them; a buffer size of 128 KiB is not.
import type { Node } from './syntax.js';
import { intLiteralValue, iotaConstValue, unparen } from './syntax.js';
import type { PackageSemantics } from './package.js';

/** Conversions that keep an integer constant's value (`int64(n)`, `uint(n)`). */
const INTEGER_TYPES = new Set(['int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr', 'byte', 'rune']);

/** Constants referring to constants: deeper than this is a cycle or a table, left unknown. */
const MAX_DEPTH = 16;

/**
 * The value of an integer constant expression of this package: literals, the
 * package's integer constants (iota ones too), conversions to integer types,
 * parentheses, unary `- + ^` and binary `+ - * / % << >> & | ^ &^`. Null for
 * anything else (another package's constant, a float, a string), and for a
 * value past what a double holds exactly.
 */
export function constIntValue(pkg: PackageSemantics, e: Node, depth = 0): number | null {
  if (depth > MAX_DEPTH) return null;
  const x = unparen(e);
  const lit = intLiteralValue(x);
  if (lit !== null) return safe(lit);
  switch (x.type) {
    case 'identifier': {
      const b = pkg.resolve(x);
      if (b?.kind !== 'const') return null;
      const iota = iotaConstValue(b.ident);
      if (iota !== null) return safe(iota);
      return b.value ? constIntValue(pkg, b.value, depth + 1) : null;
    }
    case 'call_expression': {
      const fn = x.childForFieldName('function');
      const args = x.childForFieldName('arguments')?.namedChildren ?? [];
      if (!fn || args.length !== 1 || !INTEGER_TYPES.has(unparen(fn).text)) return null;
      // A conversion, unless the package declares a function of that name.
      if (pkg.resolve(unparen(fn))) return null;
      return constIntValue(pkg, args[0]!, depth + 1);
    }
    case 'unary_expression': {
      const v = constIntValue(pkg, x.childForFieldName('operand')!, depth + 1);
      if (v === null) return null;
      switch (x.childForFieldName('operator')?.type ?? x.child(0)?.type) {
        case '-': return safe(-v);
        case '+': return v;
        // ^x is -x-1 for an untyped constant (a literal); for a typed one it depends on the type
        // (`^uint(0)` is its largest value), which is not followed here.
        case '^': return intLiteralValue(unparen(x.childForFieldName('operand')!)) !== null ? safe(-v - 1) : null;
        default: return null;
      }
    }
    case 'binary_expression': {
      const l = constIntValue(pkg, x.childForFieldName('left')!, depth + 1);
      if (l === null) return null;
      const r = constIntValue(pkg, x.childForFieldName('right')!, depth + 1);
      if (r === null) return null;
      switch (x.childForFieldName('operator')?.type ?? x.child(1)?.type) {
        case '+': return safe(l + r);
        case '-': return safe(l - r);
        case '*': return safe(l * r);
        // Integer constants divide toward zero, as Go's do.
        case '/': return r === 0 ? null : safe(Math.trunc(l / r));
        case '%': return r === 0 ? null : safe(l % r);
        case '<<': return r >= 0 && r < 64 ? safe(l * 2 ** r) : null;
        case '>>': return r >= 0 ? safe(Math.floor(l / 2 ** Math.min(r, 1100))) : null;
        // Bitwise operators on values that fit 32 bits (flags, masks); wider ones are left unknown.
        case '&': return bits32(l, r) ? l & r : null;
        case '|': return bits32(l, r) ? l | r : null;
        case '^': return bits32(l, r) ? l ^ r : null;
        case '&^': return bits32(l, r) ? l & ~r : null;
        default: return null;
      }
    }
    default:
      return null;
  }
}

function safe(v: number): number | null {
  return Number.isSafeInteger(v) ? v : null;
}

function bits32(l: number, r: number): boolean {
  return l >= 0 && r >= 0 && l <= 0x7fffffff && r <= 0x7fffffff;
}
