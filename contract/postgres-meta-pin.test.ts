//! `contract/database.ts` is written by postgres-meta from npm (scripts/types.sh), where
//! `supabase gen types typescript` runs postgres-meta's Docker image. The two are the same
//! generator only at the same version: the npm devDependency must be the version the
//! installed Supabase CLI pins, so that a CLI upgrade fails here until the npm package
//! follows.

import { assert, assertEquals } from "../tests/lib/assert.ts";

const root = new URL("../", import.meta.url);

/** The `supabase/postgres-meta:vX.Y.Z` image the CLI binary names. */
async function cliPin(): Promise<string> {
  const pkg = JSON.parse(await Deno.readTextFile(new URL("node_modules/supabase/package.json", root)));
  const platform = `@supabase/cli-${Deno.build.os}-${Deno.build.arch === "x86_64" ? "x64" : "arm64"}`;
  const binary = await Deno.readFile(new URL(`node_modules/${platform}/bin/supabase`, root));
  // The image names are plain ASCII inside the binary.
  const text = new TextDecoder("latin1").decode(binary);
  const pins = new Set([...text.matchAll(/supabase\/postgres-meta:v(\d+\.\d+\.\d+)/g)].map((m) => m[1]));
  assertEquals(pins.size, 1, `the CLI ${pkg.version} names one postgres-meta image, got ${[...pins]}`);
  return [...pins][0];
}

Deno.test("the npm postgres-meta is the version the Supabase CLI runs", async () => {
  const pinned = await cliPin();
  const project = JSON.parse(await Deno.readTextFile(new URL("package.json", root)));
  const declared = project.devDependencies["@supabase/postgres-meta"];
  assertEquals(declared, pinned, "package.json's @supabase/postgres-meta (exact) vs the CLI's image");
  const installed = JSON.parse(
    await Deno.readTextFile(new URL("node_modules/@supabase/postgres-meta/package.json", root)),
  );
  assertEquals(installed.version, pinned, "the installed @supabase/postgres-meta");
  assert(/^\d+\.\d+\.\d+$/.test(declared), "an exact version, not a range");
});
