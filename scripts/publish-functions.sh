#!/usr/bin/env bash
# Publishes the built edge functions to the branch Supabase's GitHub integration deploys
# from. The integration runs no build and pkg/ is git-ignored, so main alone deploys
# functions without their .wasm. This writes one commit: HEAD's tree plus every built
# file under supabase/functions/*/pkg/ (force-added), nothing else. Its parents are the
# branch's previous tip and HEAD, so the branch only moves forward (a plain push) and
# each commit names the source commit it was built from. Before the branch moves, the
# commit's tree must pass scripts/function-files.ts check (every module and every
# static_files file of every function config.toml declares is in it).
#
#   scripts/publish-functions.sh                  # writes the local branch deploy/functions
#   scripts/publish-functions.sh --push origin    # starts from origin's branch and pushes to it
#   scripts/publish-functions.sh --branch NAME    # another branch name
#
# Works on the repository of the current directory; needs the build (scripts/build.sh)
# in its working tree. Touches neither the working tree, the index nor HEAD.
set -euo pipefail
SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
die() { echo "publish-functions: $*" >&2; exit 1; }

branch=deploy/functions
remote=
while [ $# -gt 0 ]; do
  case "$1" in
    --branch) branch=${2:?}; shift 2;;
    --push) remote=${2:?}; shift 2;;
    *) die "unknown argument: $1";;
  esac
done
git check-ref-format "refs/heads/$branch" || die "not a branch name: $branch"
cd "$(git rev-parse --show-toplevel)"

# The build's output: the files git ignores under each function's pkg/.
mapfile -t built < <(git ls-files --others --ignored --exclude-standard -- 'supabase/functions/*/pkg/*')
[ ${#built[@]} -gt 0 ] || die "no built functions under supabase/functions/*/pkg/ (run scripts/build.sh)"

previous=
if [ -n "$remote" ]; then
  # Depth 1: only the tip is needed, as the new commit's parent.
  if git fetch --quiet --depth=1 "$remote" "refs/heads/$branch" 2>/dev/null; then
    previous=$(git rev-parse FETCH_HEAD)
  fi
else
  previous=$(git rev-parse --quiet --verify "refs/heads/$branch^{commit}" || true)
fi

index=$(mktemp)
tree_dir=$(mktemp -d)
trap 'rm -rf "$index" "$tree_dir"' EXIT
GIT_INDEX_FILE=$index git read-tree HEAD
GIT_INDEX_FILE=$index git add --force -- "${built[@]}"
tree=$(GIT_INDEX_FILE=$index git write-tree)

# The commit's tree must deploy: checked on a copy of exactly that tree.
git archive "$tree" | tar -x -C "$tree_dir"
deno=$SCRIPTS/../node_modules/.bin/deno
[ -x "$deno" ] || deno=deno
"$deno" run --quiet --config "$SCRIPTS/../deno.json" --allow-read --allow-run --allow-env \
  "$SCRIPTS/function-files.ts" check "$tree_dir" || die "the published tree would not deploy (above)"

source_commit=$(git rev-parse HEAD)
if [ -n "$previous" ] && [ "$(git rev-parse "$previous^{tree}")" = "$tree" ]; then
  echo "publish-functions: $branch already holds this build of ${source_commit:0:12}"
  commit=$previous
else
  parents=()
  [ -n "$previous" ] && parents+=(-p "$previous")
  parents+=(-p "$source_commit")
  # CI has no git identity configured; a developer's own is kept.
  export GIT_AUTHOR_NAME="${GIT_AUTHOR_NAME:-$(git config user.name || echo 'github-actions[bot]')}"
  export GIT_AUTHOR_EMAIL="${GIT_AUTHOR_EMAIL:-$(git config user.email || echo '41898282+github-actions[bot]@users.noreply.github.com')}"
  export GIT_COMMITTER_NAME="${GIT_COMMITTER_NAME:-$GIT_AUTHOR_NAME}" GIT_COMMITTER_EMAIL="${GIT_COMMITTER_EMAIL:-$GIT_AUTHOR_EMAIL}"
  commit=$(git commit-tree "$tree" "${parents[@]}" \
    -m "Functions built from ${source_commit:0:12}" \
    -m "The tree of $source_commit plus the built supabase/functions/*/pkg/ (${#built[@]} files), for Supabase's GitHub integration.")
  echo "publish-functions: $branch -> ${commit:0:12} (built from ${source_commit:0:12}, ${#built[@]} pkg files)"
fi
git update-ref "refs/heads/$branch" "$commit"
if [ -n "$remote" ]; then
  git push --quiet "$remote" "$commit:refs/heads/$branch"
  echo "publish-functions: pushed to $remote $branch"
fi
