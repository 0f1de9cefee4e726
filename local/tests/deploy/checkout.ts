//! What the deploy tests share: the repository root, running a command, the built files,
//! and comparing a file's bytes. The tests build nothing: the test command builds the
//! functions (scripts/build.sh) before it runs them.

import { assert } from "../../../tests/lib/assert.ts";

export const ROOT = new URL("../../../", import.meta.url).pathname.replace(/\/$/, "");

export interface Output {
  code: number;
  stdout: string;
  stderr: string;
}

export async function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; clearEnv?: boolean } = {},
): Promise<Output> {
  const out = await new Deno.Command(cmd, {
    args,
    cwd: opts.cwd,
    env: opts.env,
    clearEnv: opts.clearEnv,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(180_000),
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

/** Runs git, failing the test with its output when it fails. */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const out = await run("git", args, { cwd, env: GIT_IDENTITY });
  assert(out.code === 0, `git ${args.join(" ")} failed:\n${out.stderr}`);
  return out.stdout.trim();
}

/** A fixed identity for the commits the tests make in their temporary clones. */
export const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: "deploy test",
  GIT_AUTHOR_EMAIL: "deploy-test@localhost",
  GIT_COMMITTER_NAME: "deploy test",
  GIT_COMMITTER_EMAIL: "deploy-test@localhost",
};

/** The build's output in this checkout: the git-ignored files under each function's pkg/. */
export async function builtFiles(): Promise<string[]> {
  const out = await git(
    ROOT,
    "ls-files",
    "--others",
    "--ignored",
    "--exclude-standard",
    "--",
    "supabase/functions/*/pkg/*",
  );
  const files = out.split("\n").filter(Boolean).sort();
  assert(files.some((f) => f.endsWith(".wasm")), "no built functions: run scripts/build.sh first");
  return files;
}

/** `supabase/config.toml` and `supabase/functions/` (pkg/ included, `.env` left out) copied into `dir`. */
export async function copyProject(dir: string): Promise<void> {
  async function copyDir(from: string, to: string) {
    await Deno.mkdir(to, { recursive: true });
    for await (const e of Deno.readDir(from)) {
      if (e.name === ".env") continue;
      if (e.isDirectory) await copyDir(`${from}/${e.name}`, `${to}/${e.name}`);
      else if (e.isFile) await Deno.copyFile(`${from}/${e.name}`, `${to}/${e.name}`);
    }
  }
  await copyDir(`${ROOT}/supabase/functions`, `${dir}/supabase/functions`);
  await Deno.copyFile(`${ROOT}/supabase/config.toml`, `${dir}/supabase/config.toml`);
}

export function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}
