//! Assertions for the end-to-end tests, under the names Deno tests usually use.
//! Written here because `jsr:@std/assert` does not resolve on these machines and
//! `node:assert`'s types need `@types/node`, which is not installed.

export class AssertionError extends Error {
  override name = "AssertionError";
}

function show(v: unknown): string {
  try {
    return Deno.inspect(v, { depth: 6, colors: false, strAbbreviateSize: 400 });
  } catch {
    return String(v);
  }
}

/** Structural equality: primitives by `Object.is`, arrays and plain objects by content. */
export function equal(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) =>
    Object.prototype.hasOwnProperty.call(b, k) &&
    equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
  );
}

export function assert(value: unknown, message = "expected a truthy value"): asserts value {
  if (!value) throw new AssertionError(message);
}

export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  if (!equal(actual, expected)) {
    throw new AssertionError(
      `${message ? message + ": " : ""}values are not equal\n  actual:   ${show(actual)}\n  expected: ${show(expected)}`,
    );
  }
}

export function assertNotEquals<T>(actual: T, expected: T, message?: string): void {
  if (equal(actual, expected)) {
    throw new AssertionError(`${message ? message + ": " : ""}expected a value other than ${show(expected)}`);
  }
}

export function assertMatch(actual: string, expected: RegExp, message?: string): void {
  if (!expected.test(actual)) {
    throw new AssertionError(`${message ? message + ": " : ""}${show(actual)} does not match ${expected}`);
  }
}
