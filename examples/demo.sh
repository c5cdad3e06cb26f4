#!/usr/bin/env bash
# The main job on the bundled example site: Neovim on the example post with
# mdpost loaded from this checkout. Without a terminal it prints what the
# editor shows (the post's diagnostics, as Neovim holds them) and exits 0.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
nvim=${NVIM:-nvim}
post=$root/examples/site/content/posts/paris-ai-summit/index.md
init=$root/examples/demo_init.lua
if [ -t 0 ] && [ -t 1 ]; then
	exec "$nvim" -u "$init" -i NONE "$post"
fi
"$nvim" --headless -u "$init" -i NONE -c "lua require('mdpost_demo').report()" "$post" 2>&1
