# mdpost — one Makefile for the C core, the CLI, tests and tools.
# `make` builds build/libmdpost.so (loaded by the Neovim plugin) and the
# CLI build/mdpost from the same objects. Dependencies come from Debian's
# packages through pkg-config; every flag below can be overridden.

CC ?= cc
PKG_CONFIG ?= pkg-config
NVIM ?= nvim
CFLAGS ?= -O2 -g
BUILD ?= build
# The project's shared/ (gen_site.py for tests and benchmarks).
SHARED ?= ../shared

YAML_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags yaml-0.1 2>/dev/null)
YAML_LIBS ?= $(shell $(PKG_CONFIG) --libs yaml-0.1 2>/dev/null)
CMARK_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags libcmark-gfm 2>/dev/null)
CMARK_LIBS ?= $(shell $(PKG_CONFIG) --libs libcmark-gfm 2>/dev/null)
MSGPACK_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags msgpack 2>/dev/null)
# Static too when Debian ships the archive: Neovim itself links msgpack-c
# (another soname on newer releases), and the two must never interpose.
MSGPACK_A := $(filter /%,$(shell $(CC) -print-file-name=libmsgpackc.a 2>/dev/null))
MSGPACK_LIBS ?= $(if $(MSGPACK_A),$(MSGPACK_A),$(shell $(PKG_CONFIG) --libs msgpack 2>/dev/null))
CURL_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags libcurl 2>/dev/null)
CURL_LIBS ?= $(shell $(PKG_CONFIG) --libs libcurl 2>/dev/null)
TS_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags tree-sitter 2>/dev/null)
# The static archive, hidden with --exclude-libs: our tree-sitter never
# interposes on the one inside Neovim.
TS_LIBS ?= $(shell $(PKG_CONFIG) --variable=libdir tree-sitter 2>/dev/null)/libtree-sitter.a

PKG_MODULES := yaml-0.1 libcmark-gfm msgpack libcurl tree-sitter

# Grammars: pinned npm packages, verified by SHA-256, unpacked into build/.
TS_MARKDOWN_PKG := @tree-sitter-grammars/tree-sitter-markdown
TS_MARKDOWN_VERSION := 0.3.2
TS_MARKDOWN_SHA256 := f582346e65479e1d6d025e9b785421f623eb549390c550899005fd6f7f37d739
TS_MARKDOWN_TGZ ?=
TS_TOML_PKG := @tree-sitter-grammars/tree-sitter-toml
TS_TOML_VERSION := 0.7.0
TS_TOML_SHA256 := b3a7834caf2e5266d09fc5df0b166a665412b9688b86ac02ab172c48bdab7e13
TS_TOML_TGZ ?=
GRAMMARS := build/grammars

# Paths are bounded by PATH_MAX: truncation warnings on them are noise.
WARN := -Wall -Wextra -Wshadow -Wno-unused-parameter $(if $(findstring clang,$(CC)),,-Wno-format-truncation)
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -fPIC -fvisibility=hidden $(WARN)
DEP_CFLAGS = $(YAML_CFLAGS) $(CMARK_CFLAGS) $(MSGPACK_CFLAGS) $(CURL_CFLAGS) $(TS_CFLAGS)
LIBS = $(YAML_LIBS) $(CMARK_LIBS) $(MSGPACK_LIBS) $(CURL_LIBS) -lpthread -lm

CORE := util frontmatter yaml toml json schema dates markdown anchors links index render pack api site http vimcall
CORE_OBJS = $(CORE:%=$(BUILD)/obj/%.o)
GRAMMAR_OBJS = $(BUILD)/obj/ts-inline-parser.o $(BUILD)/obj/ts-inline-scanner.o \
               $(BUILD)/obj/ts-toml-parser.o $(BUILD)/obj/ts-toml-scanner.o
ALL_OBJS = $(CORE_OBJS) $(BUILD)/obj/presets.o $(GRAMMAR_OBJS)
PRESETS := $(sort $(wildcard csrc/presets/*.yaml))
C_TESTS := $(patsubst tests/c/%.c,%,$(wildcard tests/c/test_*.c))

.PHONY: all check-deps deps test test-c test-cli test-nvim test-nvim-current test-vim \
        nvim-current asan demo clean bench fuzz fuzz-build leakcheck ensure-deps test-browser
.DEFAULT_GOAL := all
SHELL := /bin/bash

all: check-deps $(BUILD)/libmdpost.so $(BUILD)/mdpost

check-deps:
	@missing=""; for m in $(PKG_MODULES); do \
	  $(PKG_CONFIG) --exists $$m 2>/dev/null || missing="$$missing $$m"; done; \
	if [ -n "$$missing" ]; then \
	  echo "error: missing libraries:$$missing — run 'make deps' (or set the *_CFLAGS/*_LIBS variables)" >&2; \
	  exit 1; fi

deps:
	@bash .ci/deps

$(GRAMMARS)/markdown/.stamp:
	@mkdir -p $(GRAMMARS)
	bash csrc/fetch-grammar.sh $(TS_MARKDOWN_PKG) $(TS_MARKDOWN_VERSION) $(TS_MARKDOWN_SHA256) $(GRAMMARS)/markdown $(TS_MARKDOWN_TGZ)
	@touch $@

$(GRAMMARS)/toml/.stamp:
	@mkdir -p $(GRAMMARS)
	bash csrc/fetch-grammar.sh $(TS_TOML_PKG) $(TS_TOML_VERSION) $(TS_TOML_SHA256) $(GRAMMARS)/toml $(TS_TOML_TGZ)
	@touch $@

# Generated grammar code: its own warnings are not ours; symbols hidden.
GRAMMAR_CFLAGS = -std=c11 -O2 -g -fPIC -fvisibility=hidden -DTREE_SITTER_HIDE_SYMBOLS -w

$(BUILD)/obj/ts-markdown-%.o: $(GRAMMARS)/markdown/.stamp
	@mkdir -p $(@D)
	$(CC) $(GRAMMAR_CFLAGS) $(EXTRA_CFLAGS) -I$(GRAMMARS)/markdown/tree-sitter-markdown/src \
	  -c $(GRAMMARS)/markdown/tree-sitter-markdown/src/$*.c -o $@

$(BUILD)/obj/ts-inline-%.o: $(GRAMMARS)/markdown/.stamp
	@mkdir -p $(@D)
	$(CC) $(GRAMMAR_CFLAGS) $(EXTRA_CFLAGS) -I$(GRAMMARS)/markdown/tree-sitter-markdown-inline/src \
	  -c $(GRAMMARS)/markdown/tree-sitter-markdown-inline/src/$*.c -o $@

$(BUILD)/obj/ts-toml-%.o: $(GRAMMARS)/toml/.stamp
	@mkdir -p $(@D)
	$(CC) $(GRAMMAR_CFLAGS) $(EXTRA_CFLAGS) -I$(GRAMMARS)/toml/src -c $(GRAMMARS)/toml/src/$*.c -o $@

# The preset schemas are compiled in: the library needs no data files.
$(BUILD)/gen/presets.c: csrc/embed.sh $(PRESETS)
	@mkdir -p $(@D)
	bash csrc/embed.sh $@ $(PRESETS)

$(BUILD)/obj/presets.o: $(BUILD)/gen/presets.c
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS) -c $< -o $@

$(BUILD)/obj/%.o: csrc/%.c $(wildcard csrc/*.h)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS) $(DEP_CFLAGS) -c $< -o $@

# -z nodelete: Vim's libcall() dlcloses the library after every call; the
# sites cached for it and their index threads must stay mapped.
$(BUILD)/libmdpost.so: $(ALL_OBJS)
	$(CC) -shared -o $@ $(ALL_OBJS) $(TS_LIBS) $(LIBS) $(EXTRA_LDFLAGS) \
	  -Wl,--exclude-libs,ALL -Wl,-z,defs -Wl,-soname,libmdpost.so -Wl,-z,nodelete

$(BUILD)/mdpost: $(BUILD)/obj/cli.o $(ALL_OBJS)
	$(CC) -o $@ $(BUILD)/obj/cli.o $(ALL_OBJS) $(TS_LIBS) $(LIBS) $(EXTRA_LDFLAGS)

$(BUILD)/tests/%: tests/c/%.c tests/c/harness.h $(wildcard tests/c/*_cases.h) tests/pathological.h $(ALL_OBJS)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS) $(DEP_CFLAGS) -Icsrc -o $@ $< \
	  $(ALL_OBJS) $(TS_LIBS) $(LIBS) $(EXTRA_LDFLAGS)

# ---- tests ----------------------------------------------------------------
# Like `make demo`, `make test` first installs what a fresh machine lacks.
test: ensure-deps
	@$(MAKE) --no-print-directory test-c test-cli test-nvim test-nvim-current test-vim test-browser

ensure-deps:
	@bash .ci/deps --if-missing

test-c: all $(C_TESTS:%=$(BUILD)/tests/%)
	@bash tests/c/run.sh $(BUILD)/tests $(C_TESTS)

test-cli: all
	@bash tests/cli/run.sh $(BUILD)/mdpost
	@python3 tests/cli/hugo_truth.py $(BUILD)/mdpost
	@python3 tests/cli/anchors_truth.py $(BUILD)/mdpost
	@GEN_SITE=$(SHARED)/bench/gen_site.py python3 tests/cli/gen_site.py $(BUILD)/mdpost
	@python3 tests/cli/external.py $(BUILD)/mdpost
	@GEN_SITE=$(SHARED)/bench/gen_site.py python3 tests/cli/external_gen_site.py $(BUILD)/mdpost

test-nvim: all
	@NVIM="$(NVIM)" bash tests/nvim/run.sh

# Vim 9 without Lua (Debian's vim): the same library through libcall().
VIM_BIN ?= vim
test-vim: all
	@VIM_BIN="$(VIM_BIN)" NVIM="$(NVIM)" bash tests/vim/run.sh

# The browser preview in headless chromium, on Neovim 0.7.2 and (when
# fetched) the newest; the screenshot is kept in build/test-artifacts/.
test-browser: all
	@NVIM="$(NVIM)" bash tests/browser/run.sh
	@if [ -x $(BUILD)/nvim/unstable/nvim ]; then NVIM="$(CURDIR)/$(BUILD)/nvim/unstable/nvim" bash tests/browser/run.sh; fi

NVIM_SUITES ?= trixie unstable
nvim-current:
	@for s in $(NVIM_SUITES); do bash tests/nvim/fetch-nvim.sh $$s $(CURDIR)/$(BUILD)/nvim/$$s || exit 1; done

test-nvim-current: all nvim-current
	@for s in $(NVIM_SUITES); do \
	  NVIM="$(CURDIR)/$(BUILD)/nvim/$$s/nvim" bash tests/nvim/run.sh || exit 1; done

# The C tests again under AddressSanitizer + UndefinedBehaviorSanitizer.
asan:
	$(MAKE) BUILD=build/asan CFLAGS="-O1 -g -fno-omit-frame-pointer" \
	  EXTRA_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all" \
	  EXTRA_LDFLAGS="-fsanitize=address,undefined" test-c

# The C tests and the CLI on the example site under valgrind: no leak, no
# invalid access (tree-sitter, libyaml and cmark-gfm included).
VALGRIND := valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
            --errors-for-leak-kinds=definite,indirect --error-exitcode=99
leakcheck: all $(C_TESTS:%=$(BUILD)/tests/%)
	@for t in $(C_TESTS); do $(VALGRIND) $(BUILD)/tests/$$t >/dev/null || { echo "leakcheck: $$t failed"; exit 1; }; done
	@$(VALGRIND) $(BUILD)/mdpost check --site examples/site >/dev/null 2>&1; test $$? -ne 99 || { echo "leakcheck: mdpost check failed"; exit 1; }
	@$(VALGRIND) $(BUILD)/mdpost links examples/site/content/posts/paris-ai-summit/index.md >/dev/null; test $$? -ne 99 || { echo "leakcheck: mdpost links failed"; exit 1; }
	@$(VALGRIND) $(BUILD)/mdpost external --site tests/fixtures/external tests/fixtures/external/post.md >/dev/null; test $$? -ne 99 || { echo "leakcheck: mdpost external failed"; exit 1; }
	@$(VALGRIND) $(BUILD)/mdpost check --external --site tests/fixtures/external tests/fixtures/external >/dev/null 2>&1; test $$? -ne 99 || { echo "leakcheck: mdpost check --external failed"; exit 1; }
	@echo "leakcheck: $(words $(C_TESTS)) test programs and the CLI clean under valgrind"

# libFuzzer targets (clang, libclang-rt-14-dev): every entry point that
# takes bytes. `make fuzz` runs each for FUZZ_SECONDS from the seed corpus
# in tests/fuzz/corpus (new inputs go to build/fuzz/corpus, not the repo).
FUZZ_SECONDS ?= 60
FUZZERS := post schema site vim
FUZZ_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all
fuzz-build:
	$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang CFLAGS="-O1 -g -fno-omit-frame-pointer" \
	  EXTRA_CFLAGS="-fsanitize=fuzzer-no-link $(FUZZ_FLAGS)" $(foreach f,$(FUZZERS),build/fuzz/fuzz-$(f))

build/fuzz/fuzz-%: tests/fuzz/fuzz_%.c $(ALL_OBJS)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(DEP_CFLAGS) -Icsrc -fsanitize=fuzzer $(FUZZ_FLAGS) -o $@ $< \
	  $(ALL_OBJS) $(TS_LIBS) $(LIBS)

fuzz: fuzz-build
	@for f in $(FUZZERS); do \
	  mkdir -p build/fuzz/corpus/$$f; \
	  echo "== fuzz-$$f for $(FUZZ_SECONDS) s"; \
	  build/fuzz/fuzz-$$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -artifact_prefix=build/fuzz/ \
	    -print_final_stats=1 build/fuzz/corpus/$$f tests/fuzz/corpus/$$f 2>&1 | \
	    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|==|SUMMARY|INFO: Running|Done)' || exit 1; \
	  test $${PIPESTATUS[0]} -eq 0 || exit 1; \
	done

# The main job: the example site in Neovim (or, without a terminal, what
# Neovim would show).
demo: ensure-deps
	@$(MAKE) --no-print-directory all
	@NVIM="$(NVIM)" bash examples/demo.sh

# ---- benchmarks (numbers go to bench/RESULTS.md) ---------------------------
BENCH_SITE := $(BUILD)/bench/site-200

$(BUILD)/bench-frontmatter: bench/frontmatter.c $(ALL_OBJS)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(DEP_CFLAGS) -Icsrc -o $@ $< $(ALL_OBJS) $(TS_LIBS) $(LIBS)

$(BUILD)/bench-editor: bench/editor.c $(ALL_OBJS)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(DEP_CFLAGS) -Icsrc -o $@ $< $(ALL_OBJS) $(TS_LIBS) $(LIBS)

$(BUILD)/bench-pathological: bench/pathological.c tests/pathological.h $(ALL_OBJS)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(DEP_CFLAGS) -Icsrc -o $@ $< $(ALL_OBJS) $(TS_LIBS) $(LIBS)

$(BENCH_SITE)/defects.json:
	python3 $(SHARED)/bench/gen_site.py --posts 200 --out $(BENCH_SITE) --seed 7 --force >/dev/null

# medium (2,000 posts), large (20,000), a number of posts, or a list: medium,large
BENCH_DEFAULT_SIZES := medium,large
BENCH_SIZES ?= $(or $(BENCH_POSTS),$(BENCH_DEFAULT_SIZES))
bench: all $(BUILD)/bench-frontmatter $(BUILD)/bench-pathological $(BUILD)/bench-editor $(BENCH_SITE)/defects.json
	@$(BUILD)/bench-editor examples/site/content/posts/paris-ai-summit/index.md \
	  $$(ls -S $$(find $(BENCH_SITE)/content -name '*.md' -size -11k -size +9k) | head -n 1) \
	  $$(ls -S $$(find $(BENCH_SITE)/content -name '*.md') | head -n 1)
	@bash bench/render.sh $(BUILD)/mdpost $(BENCH_SITE)
	@$(BUILD)/bench-frontmatter examples/site/content/posts/paris-ai-summit/index.md
	@$(BUILD)/bench-frontmatter $$(find $(BENCH_SITE)/content -name '*.md' | sort)
	@FULL=1 ROUNDS=20 $(BUILD)/bench-frontmatter $$(ls -S $$(find $(BENCH_SITE)/content -name '*.md') | head -n 1)
	@$(BUILD)/bench-pathological
	@python3 bench/site.py $(BUILD)/mdpost $(SHARED)/bench/gen_site.py $(BUILD)/bench $(BENCH_SIZES)
	@$(NVIM) --headless -u tests/nvim/minimal_init.lua -i NONE -n -c 'luafile bench/external_stall.lua'

clean:
	rm -rf $(BUILD)
