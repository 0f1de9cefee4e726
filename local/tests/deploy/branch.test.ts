//! The branch Supabase's GitHub integration deploys from (scripts/publish-functions.sh):
//! published in a temporary clone of this checkout's HEAD with this checkout's build, its
//! tree must be HEAD's tree plus the built pkg/ files and nothing else, byte for byte, and
//! must pass the tree check (scripts/function-files.ts): every module each function's
//! entrypoint reaches and every file its static_files names is in it, the `.wasm`
//! included. HEAD's own tree, what the integration would deploy from main, must fail it.
//! No network: clones are local.

import { assert, assertEquals } from "../../../tests/lib/assert.ts";
import { checkTree, functionFiles } from "../../../scripts/function-files.ts";
import { builtFiles, git, GIT_IDENTITY, ROOT, run, sameBytes } from "./checkout.ts";

const BRANCH = "deploy/functions";

/** A clone of this checkout's HEAD with this checkout's build copied in. */
async function cloneWithBuild(built: string[]): Promise<{ tmp: string; repo: string }> {
  const tmp = await Deno.makeTempDir({ prefix: "deploy-branch-" });
  const repo = `${tmp}/repo`;
  const head = await git(ROOT, "rev-parse", "HEAD");
  await git(tmp, "clone", "--quiet", "--no-checkout", ROOT, repo);
  await git(repo, "checkout", "--quiet", "--detach", head);
  for (const f of built) {
    await Deno.mkdir(`${repo}/${f.slice(0, f.lastIndexOf("/"))}`, { recursive: true });
    await Deno.copyFile(`${ROOT}/${f}`, `${repo}/${f}`);
  }
  return { tmp, repo };
}

function publish(repo: string) {
  return run("bash", [`${ROOT}/scripts/publish-functions.sh`], { cwd: repo, env: GIT_IDENTITY });
}

Deno.test("the deploy branch holds HEAD's tree plus the built pkg/, and every file each function needs", async () => {
  const built = await builtFiles();
  const { tmp, repo } = await cloneWithBuild(built);
  try {
    const out = await publish(repo);
    assertEquals(out.code, 0, `publish succeeds:\n${out.stdout}\n${out.stderr}`);
    const tip = await git(repo, "rev-parse", BRANCH);
    const head = await git(repo, "rev-parse", "HEAD");
    assertEquals(
      await git(repo, "rev-list", "--parents", "-n1", tip),
      `${tip} ${head}`,
      "a first publish: HEAD its parent",
    );

    // Nothing but the build was added, byte for byte.
    const added = (await git(repo, "diff", "--name-only", "--diff-filter=A", "HEAD", BRANCH)).split("\n").sort();
    assertEquals(added, built);
    assertEquals(await git(repo, "diff", "--name-only", "--diff-filter=MDRT", "HEAD", BRANCH), "");
    for (const f of built) {
      const blob = await new Deno.Command("git", { args: ["show", `${BRANCH}:${f}`], cwd: repo, stdout: "piped" })
        .output();
      assert(sameBytes(blob.stdout, await Deno.readFile(`${ROOT}/${f}`)), `${f} as built`);
    }

    // A fresh checkout of the branch, as the integration reads it, deploys every function.
    const checkout = `${tmp}/checkout`;
    await git(tmp, "clone", "--quiet", "--branch", BRANCH, repo, checkout);
    assertEquals(await checkTree(checkout), []);
    const fns = await functionFiles(checkout);
    for (const f of fns) {
      assert(f.assets.some((a) => a.endsWith(".wasm")), `${f.spec.slug} loads a .wasm`);
      assert(f.assets.every((a) => f.staticFiles.includes(a)), `${f.spec.slug}: static_files names its .wasm`);
      assert(f.modules.every((m) => built.includes(m) || !m.includes("/pkg/")), `${f.spec.slug}: its glue is built`);
    }

    // HEAD alone (main, pkg/ ignored) fails the check for every function.
    const bare = `${tmp}/head`;
    await Deno.mkdir(bare);
    await run("sh", ["-c", `git archive HEAD | tar -x -C '${bare}'`], { cwd: repo });
    const problems = await checkTree(bare);
    for (const f of fns) {
      assert(problems.some((p) => p.startsWith(`${f.spec.slug}: `)), `HEAD alone fails for ${f.spec.slug}`);
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("publishing again keeps the branch; a new source commit moves it forward", async () => {
  const { tmp, repo } = await cloneWithBuild(await builtFiles());
  try {
    assertEquals((await publish(repo)).code, 0);
    const first = await git(repo, "rev-parse", BRANCH);
    assertEquals((await publish(repo)).code, 0);
    assertEquals(await git(repo, "rev-parse", BRANCH), first, "the same build publishes nothing new");

    await Deno.writeTextFile(`${repo}/CHANGELOG-test.md`, "a source change\n");
    await git(repo, "add", "CHANGELOG-test.md");
    await git(repo, "commit", "--quiet", "-m", "a source change");
    assertEquals((await publish(repo)).code, 0);
    const second = await git(repo, "rev-parse", BRANCH);
    assert(second !== first, "a new deploy commit");
    assertEquals(await git(repo, "rev-parse", `${second}^1`), first, "the branch moves forward (a plain push)");
    assertEquals(await git(repo, "rev-parse", `${second}^2`), await git(repo, "rev-parse", "HEAD"));
    assertEquals(await git(repo, "show", `${BRANCH}:CHANGELOG-test.md`), "a source change");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("publishing refuses a tree that would not deploy: a function whose static_files misses its .wasm", async () => {
  const { tmp, repo } = await cloneWithBuild(await builtFiles());
  try {
    const config = `${repo}/supabase/config.toml`;
    const text = await Deno.readTextFile(config);
    const edited = text.replace(/(\[functions\.session-vm\][^[]*?)static_files = [^\n]*\n/, "$1");
    assert(edited !== text, "config.toml has static_files for session-vm");
    await Deno.writeTextFile(config, edited);
    await git(repo, "commit", "--quiet", "-am", "session-vm without static_files");

    const out = await publish(repo);
    assert(out.code !== 0, "publish fails");
    assert(
      /session-vm: .*_bg\.wasm is loaded at run time but static_files does not name it/.test(out.stderr),
      out.stderr,
    );
    assertEquals(
      (await run("git", ["rev-parse", "--verify", "--quiet", BRANCH], { cwd: repo })).code,
      1,
      "no branch written",
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
