//! What `supabase functions deploy` uploads: the real CLI (node_modules/.bin/supabase,
//! bundling on the API side with `--use-api`, no Docker) deploys a copy of this project to
//! the Management API stand-in (local/management-api/server.ts), and the tests read the
//! recorded requests. For every function supabase/config.toml declares, its upload must
//! hold the entrypoint, every module Deno's module graph reaches from it (the `_shared`
//! files, the wasm-bindgen glue), every file its `static_files` names and the `.wasm` the
//! glue loads, each byte for byte the built file; the metadata must carry its name,
//! entrypoint and `verify_jwt` as config.toml says.
//!
//! No network: the CLI's only API is the stand-in (a `--profile` file), and its other
//! outbound calls (the release check, telemetry) go to a proxy address nothing listens on.

import { assert, assertEquals } from "../../../tests/lib/assert.ts";
import { cliProfile, type RecordedRequest, startManagementApi } from "../../management-api/server.ts";
import { type FunctionFiles, functionFiles } from "../../../scripts/function-files.ts";
import { copyProject, type Output, ROOT, run, sameBytes } from "./checkout.ts";

const PROJECT_REF = "abcdefghijklmnopqrst";
// The CLI accepts only tokens shaped like the dashboard's: sbp_ and 40 hex digits.
const ACCESS_TOKEN = "sbp_" + [...crypto.getRandomValues(new Uint8Array(20))]
  .map((b) => b.toString(16).padStart(2, "0")).join("");
const DEPLOY = `/v1/projects/${PROJECT_REF}/functions/deploy`;

interface Deployment {
  out: Output;
  requests: RecordedRequest[];
  api: ReturnType<typeof startManagementApi>;
  dir: string;
}

/**
 * Copies the project into a temporary directory (after `edit`, if given), then runs
 * `supabase functions deploy [names] --project-ref <ref> --use-api` there against a fresh
 * stand-in.
 */
async function deploy(
  names: string[],
  opts: { token?: string; edit?: (dir: string) => Promise<void> } = {},
): Promise<Deployment> {
  const dir = await Deno.makeTempDir({ prefix: "deploy-cli-" });
  await copyProject(dir);
  // config.toml names the local signing key file ([auth] signing_keys_path); every CLI
  // command reads it, and none deploys it.
  await Deno.writeTextFile(`${dir}/supabase/signing_keys.json`, "[]");
  await opts.edit?.(dir);
  const api = startManagementApi({ accessToken: ACCESS_TOKEN, projectRef: PROJECT_REF });
  await Deno.writeTextFile(`${dir}/profile.json`, cliProfile(api.url));
  const nowhere = "http://127.0.0.1:9";
  try {
    const out = await run(
      `${ROOT}/node_modules/.bin/supabase`,
      ["functions", "deploy", ...names, "--project-ref", PROJECT_REF, "--use-api", "--profile", `${dir}/profile.json`],
      {
        cwd: dir,
        clearEnv: true,
        env: {
          PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
          HOME: dir,
          SUPABASE_ACCESS_TOKEN: opts.token ?? ACCESS_TOKEN,
          SUPABASE_TELEMETRY_DISABLED: "1",
          DO_NOT_TRACK: "1",
          HTTPS_PROXY: nowhere,
          HTTP_PROXY: nowhere,
          https_proxy: nowhere,
          http_proxy: nowhere,
          NO_PROXY: "127.0.0.1,localhost",
          no_proxy: "127.0.0.1,localhost",
        },
      },
    );
    return { out, requests: api.requests, api, dir };
  } finally {
    await api.close();
  }
}

function uploadOf(requests: RecordedRequest[], slug: string): RecordedRequest {
  const uploads = requests.filter((r) => r.method === "POST" && r.path === DEPLOY && r.query.slug === slug);
  assertEquals(uploads.length, 1, `one upload of ${slug}`);
  return uploads[0];
}

/**
 * The files `f` needs that its upload lacks or carries with other bytes than the checkout
 * at `dir` holds: its entrypoint, modules, assets and static files.
 */
async function missingFromUpload(f: FunctionFiles, upload: RecordedRequest, dir: string): Promise<string[]> {
  const files = new Map((upload.parts ?? []).filter((p) => p.name === "file").map((p) => [p.filename!, p.bytes]));
  const needed = new Set([f.spec.entrypoint, ...f.modules, ...f.assets, ...f.staticFiles]);
  const missing: string[] = [];
  for (const path of needed) {
    if (!files.has(path)) missing.push(`${path} (not uploaded)`);
    else if (!sameBytes(files.get(path), await Deno.readFile(`${dir}/${path}`))) missing.push(`${path} (other bytes)`);
  }
  return missing.sort();
}

Deno.test("supabase functions deploy uploads every function with its entrypoint, shared modules, glue and .wasm", async () => {
  const fns = await functionFiles(ROOT);
  assert(fns.length > 0, "supabase/config.toml declares functions");
  const { out, requests, api, dir } = await deploy([]);
  try {
    assertEquals(out.code, 0, `the deploy succeeds:\n${out.stderr}`);
    assert(requests.every((r) => r.auth === "valid" && r.status < 300), "every request authenticated and answered 2xx");

    // Several functions: each uploaded with bundleOnly=true, then one bulk update makes
    // them all live. Nothing else but the project lookup the CLI may make.
    const slugs = fns.map((f) => f.spec.slug).sort();
    const deploys = requests.filter((r) => r.path === DEPLOY);
    assertEquals(deploys.map((r) => r.query.slug).sort(), slugs);
    assert(deploys.every((r) => r.method === "POST" && r.query.bundleOnly === "true"), "uploads are bundleOnly");
    const bulk = requests.filter((r) => r.method === "PUT" && r.path === `/v1/projects/${PROJECT_REF}/functions`);
    assertEquals(bulk.length, 1, "one bulk update");
    assertEquals((bulk[0].json as { slug: string }[]).map((f) => f.slug).sort(), slugs);
    const other = requests.filter((r) => !deploys.includes(r) && !bulk.includes(r));
    assert(
      other.every((r) => r.method === "GET" && r.path === `/v1/projects/${PROJECT_REF}`),
      `no other endpoint: ${other.map((r) => `${r.method} ${r.path}`)}`,
    );
    assertEquals([...api.functions.keys()].sort(), slugs, "every function is live after the bulk update");

    for (const f of fns) {
      const upload = uploadOf(requests, f.spec.slug);
      const meta = JSON.parse(upload.parts!.find((p) => p.name === "metadata")!.value!);
      assertEquals(meta.name, f.spec.slug);
      assertEquals(meta.entrypoint_path, f.spec.entrypoint);
      assertEquals(meta.verify_jwt, f.spec.verifyJwt, `${f.spec.slug}: verify_jwt as config.toml says`);
      assertEquals(meta.static_patterns, f.spec.staticPatterns);
      assertEquals(api.functions.get(f.spec.slug)?.verify_jwt, f.spec.verifyJwt);

      assert(f.modules.some((m) => m.startsWith("supabase/functions/_shared/")), `${f.spec.slug} imports _shared`);
      assert(f.assets.some((a) => a.endsWith(".wasm")), `${f.spec.slug}'s glue loads a .wasm`);
      // The copy the CLI deployed is this checkout's files; compare with the originals.
      assertEquals(await missingFromUpload(f, upload, ROOT), [], `${f.spec.slug}'s upload`);
      assertEquals(f.problems, [], `${f.spec.slug} deploys from this checkout`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a function whose static_files is removed deploys without its .wasm, and the upload check says so", async () => {
  const slug = "link-candidate-account";
  const { out, requests, dir } = await deploy([slug], {
    edit: async (dir) => {
      const path = `${dir}/supabase/config.toml`;
      const text = await Deno.readTextFile(path);
      const edited = text.replace(
        new RegExp(`(\\[functions\\.${slug}\\][^\\[]*?)static_files = [^\\n]*\\n`),
        "$1",
      );
      assert(edited !== text, `config.toml has static_files for ${slug}`);
      await Deno.writeTextFile(path, edited);
    },
  });
  try {
    assertEquals(out.code, 0, `the CLI deploys it all the same:\n${out.stderr}`);
    // One function: a single upload that goes live at once, no bulk update.
    const upload = uploadOf(requests, slug);
    assertEquals(upload.query.bundleOnly, undefined);
    assert(!requests.some((r) => r.method === "PUT"), "no bulk update for one function");

    const f = (await functionFiles(dir)).find((f) => f.spec.slug === slug)!;
    assert(f.problems.some((p) => p.includes("static_files does not name it")), "the tree check names the gap");
    const missing = await missingFromUpload(f, upload, dir);
    assert(
      missing.some((m) => /_bg\.wasm \(not uploaded\)$/.test(m)),
      `the .wasm is reported missing: ${missing}`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the CLI with a wrong access token is refused with 401 and deploys nothing", async () => {
  const wrong = "sbp_" + "0".repeat(40);
  const { out, requests, api, dir } = await deploy(["link-candidate-account"], { token: wrong });
  try {
    assert(out.code !== 0, "the deploy fails");
    assert(requests.length > 0 && requests.every((r) => r.auth === "wrong" && r.status === 401), "every request 401");
    assertEquals(api.functions.size, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the Management API stand-in answers as the API: 401 without a token, 400 for a bad upload, 404 elsewhere", async () => {
  const api = startManagementApi({ accessToken: ACCESS_TOKEN, projectRef: PROJECT_REF });
  const call = async (path: string, init: RequestInit = {}, token: string | null = ACCESS_TOKEN) => {
    const headers = new Headers(init.headers);
    if (token !== null) headers.set("Authorization", `Bearer ${token}`);
    const res = await fetch(`${api.url}${path}`, { ...init, headers });
    return { status: res.status, body: await res.json() };
  };
  try {
    assertEquals(await call(`/v1/projects/${PROJECT_REF}`, {}, null), {
      status: 401,
      body: { message: "Unauthorized" },
    });
    assertEquals((await call(`/v1/projects/${PROJECT_REF}`, {}, "sbp_wrong")).status, 401);
    assertEquals((await call(`/v1/projects/${PROJECT_REF}`)).body.ref, PROJECT_REF);
    assertEquals((await call(`/v1/projects/otherprojectref00000`)).status, 404);
    assertEquals((await call(`/v1/organizations`)).status, 404);

    const form = (parts: [string, string | File][]) => {
      const fd = new FormData();
      for (const [k, v] of parts) fd.append(k, v);
      return { method: "POST", body: fd };
    };
    const entry = new File(["export {}"], "supabase/functions/hello/index.ts");
    const bad = [
      await call(`${DEPLOY}?slug=hello`, {
        method: "POST",
        body: "{}",
        headers: { "Content-Type": "application/json" },
      }),
      await call(`${DEPLOY}?slug=hello`, form([["file", entry]])),
      await call(`${DEPLOY}?slug=hello`, form([["metadata", "{not json"], ["file", entry]])),
      await call(
        `${DEPLOY}?slug=hello`,
        form([["metadata", JSON.stringify({ entrypoint_path: "supabase/functions/hello/other.ts" })], ["file", entry]]),
      ),
      await call(
        `${DEPLOY}?slug=1bad`,
        form([["metadata", JSON.stringify({ entrypoint_path: entry.name })], ["file", entry]]),
      ),
      await call(`/v1/projects/${PROJECT_REF}/functions`, { method: "PUT", body: "{}" }),
    ];
    for (const r of bad) {
      assertEquals(r.status, 400, JSON.stringify(r.body));
      assertEquals(typeof r.body.message, "string");
    }
    const ok = await call(
      `${DEPLOY}?slug=hello`,
      form([["metadata", JSON.stringify({ entrypoint_path: entry.name, name: "hello" })], ["file", entry]]),
    );
    assertEquals(ok.status, 201);
    assertEquals([ok.body.slug, ok.body.version, ok.body.status], ["hello", 1, "ACTIVE"]);
    assertEquals((await call(`/v1/projects/${PROJECT_REF}/functions`)).body.map((f: { slug: string }) => f.slug), [
      "hello",
    ]);
    assert(api.requests.every((r) => !("authorization" in r.headers)), "the token is never recorded");
  } finally {
    await api.close();
  }
});
