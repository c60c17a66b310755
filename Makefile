# flexops.twilio: developer and CI entry points.
#
#   make test          install the pinned tools into .venv (once) and run every check
#   make <check>       run one check: sanity lint docs-lint changelog-lint units integration compat-oldest build ee
#   make compat        the ansible-core matrix: units and the representative targets on 2.16, 2.17, 2.18, 2.19
#   make integration TARGETS="flex_sms_address phone_number"   only some integration targets
#   make demo          the flex_sms_setup role against the Twilio simulator: set up, rerun (changed=0), summary
#   make bench         performance scenarios against the simulator (100 ms latency); see docs/performance.md
#   make clean         remove build output (keeps .venv); make distclean also removes .venv
#
# Nothing here needs more than Python 3.11, git and PyPI.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := test
MAKEFLAGS += --no-print-directory

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
export PATH := $(BIN):$(PATH)
export ANSIBLE_NOCOLOR := 1
export PY_COLORS := 0

REQUIREMENTS := requirements.txt tests/requirements-test.txt
REQ_HASH := $(shell cat $(REQUIREMENTS) | sha256sum | cut -c1-16)
STAMP := $(VENV)/.installed-$(REQ_HASH)

BUILD := $(CURDIR)/.build
COLL := $(BUILD)/ansible_collections/flexops/twilio
DIST := $(BUILD)/dist

CHECKS := sanity lint docs-lint changelog-lint units integration compat-oldest build ee
TARGETS ?=
PYTEST_ARGS ?=

.PHONY: test venv collection-copy collections-link ansible-test-get-pip compat clean distclean $(CHECKS)

# -- every check ---------------------------------------------------------------
# Runs all checks even when one fails, prints each one's result and time, and
# fails at the end if any failed.
test: venv
	@failed=(); passed=0; start=$$(date +%s); \
	for check in $(CHECKS); do \
	  echo "=== make $$check"; t0=$$(date +%s); \
	  if $(MAKE) $$check; then passed=$$((passed + 1)); echo "=== $$check passed ($$(( $$(date +%s) - t0 ))s)"; \
	  else failed+=("$$check"); echo "=== $$check FAILED ($$(( $$(date +%s) - t0 ))s)"; fi; \
	done; \
	echo "=== make test: $$(( $$(date +%s) - start ))s; failed checks: $${failed[*]:-none}"; \
	echo "checks: $$passed passed, $${#failed[@]} failed"; \
	[ $${#failed[@]} -eq 0 ]

# -- tools ---------------------------------------------------------------------
# The stamp is keyed on the requirement files' hash: a second run installs nothing.
venv: $(STAMP)

$(STAMP):
	@if ! [ -x $(BIN)/python ] || ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then \
	  echo "Creating $(VENV) with $(PYTHON)"; rm -rf $(VENV); $(PYTHON) -m venv $(VENV); \
	fi
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt -r tests/requirements-test.txt
	rm -f $(VENV)/.installed-*
	touch $@

# ansible-test --venv bootstraps pip in each sanity venv with a get-pip script it
# downloads from a host this machine cannot reach; it uses a cached copy at
# ~/.ansible/test/cache/get_pip_<version>.py when there is one. This writes a
# stand-in there: it installs the pip bundled with Python (ensurepip) and then
# lets that pip install the pip version ansible-test asks for from PyPI.
define GET_PIP_SHIM
# get-pip stand-in written by the flexops.twilio Makefile (see ansible-test-get-pip there).
import subprocess
import sys

GET_PIP_ONLY = ("--no-setuptools", "--no-wheel", "--no-pip")
args = [a for a in sys.argv[1:] if a not in GET_PIP_ONLY]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"], stdout=subprocess.DEVNULL)
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install"] + args))
endef
export GET_PIP_SHIM

define SEED_GET_PIP
import os, re, ansible_test
source = open(os.path.join(ansible_test.__path__[0], "_internal", "python_requirements.py")).read()
match = re.search(r"default_packages = dict\(\s*pip='([0-9.]+)'", source)
if not match:
    raise SystemExit("Cannot find the pip version ansible-test bootstraps; update SEED_GET_PIP in the Makefile.")
path = os.path.expanduser("~/.ansible/test/cache/get_pip_%s.py" % match.group(1).replace(".", "_"))
if not os.path.exists(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as shim:
        shim.write(os.environ["GET_PIP_SHIM"])
    print("Wrote the get-pip stand-in %s" % path)
endef
export SEED_GET_PIP

ansible-test-get-pip: venv
	@$(BIN)/python -c "$$SEED_GET_PIP"

# -- the collection at a real ansible_collections/flexops/twilio path ------------
# A plain copy (no symlink) of git-tracked and untracked-but-not-ignored files.
# ansible-test lists a collection's files with git when it finds a .git above it
# (it would find this repository's, which ignores .build/), so the copy gets a
# fresh, empty `git init` of its own.
# ansible-test's own virtual environment (tests/output/.tmp/delegation) is kept
# across copies: it is reused while its marker file is there.
KEEP_DELEGATION := $(BUILD)/ansible-test-delegation
collection-copy:
	@rm -rf $(KEEP_DELEGATION)
	@if [ -d $(COLL)/tests/output/.tmp/delegation ]; then mv $(COLL)/tests/output/.tmp/delegation $(KEEP_DELEGATION); fi
	@rm -rf $(BUILD)/ansible_collections
	@mkdir -p $(COLL)
	@git ls-files -z --cached --others --exclude-standard \
	  | xargs -0 -r sh -c 'for f; do if [ -e "$$f" ] || [ -L "$$f" ]; then printf "%s\0" "$$f"; fi; done' sh \
	  | tar --null --no-recursion -T - -cf - | tar -xf - -C $(COLL)
	@git -C $(COLL) init -q
	@if [ -d $(KEEP_DELEGATION) ]; then mkdir -p $(COLL)/tests/output/.tmp && mv $(KEEP_DELEGATION) $(COLL)/tests/output/.tmp/delegation; fi
	@echo "Copied the collection to $(COLL) ($$(find $(COLL) -type f -not -path '*/.git/*' -not -path '*/tests/output/*' | wc -l) files)"

# collections/ansible_collections/flexops/twilio -> this checkout, for units and lint
# (pytest-ansible builds the same tree, entry by entry, when run without
# --ansible-unit-inject-only; this replaces such a tree with one symlink).
collections-link:
	@link=collections/ansible_collections/flexops/twilio; \
	if ! [ -L $$link ] || [ "$$(readlink $$link)" != "$(CURDIR)" ]; then \
	  rm -rf $$link; mkdir -p $$(dirname $$link); ln -s $(CURDIR) $$link; fi

# -- checks --------------------------------------------------------------------
sanity: venv ansible-test-get-pip collection-copy
	@if ls tests/sanity/ignore-*.txt >/dev/null 2>&1; then \
	  echo "tests/sanity/ must not contain ignore files: fix the code instead." >&2; exit 1; fi
	cd $(COLL) && ansible-test sanity --python 3.11 --venv --color no

# ansible-lint is offline (.ansible-lint), so it does not install this collection
# itself: it finds flexops.twilio through the collections/ symlink.
lint: venv collections-link
	ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/collections ansible-lint --profile production --nocolor

docs-lint: venv collection-copy
	cd $(COLL) && antsibull-docs lint-collection-docs --plugin-docs .

changelog-lint: venv
	antsibull-changelog lint
	antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml

# --ansible-unit-inject-only imports collections from ANSIBLE_COLLECTIONS_PATH only:
# point it at collections/ansible_collections/flexops/twilio, a symlink to this
# checkout (git-ignored, and left out of the build, the sanity copy and lint).
units: venv collections-link
	env -u CURL_CA_BUNDLE ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/collections \
	  pytest --ansible-unit-inject-only tests/unit $(PYTEST_ARGS)

integration: venv
	@if ! [ -f tests/integration/run.py ]; then \
	  echo "tests/integration/run.py does not exist yet: the integration runner is missing." >&2; exit 1; fi
	@jobs=""; if python tests/integration/run.py --help 2>/dev/null | grep -qE -- '(^|[ ,])-j'; then jobs="-j 2"; fi; \
	echo "python tests/integration/run.py $$jobs $(TARGETS)"; \
	python tests/integration/run.py $$jobs $(TARGETS)

build: venv
	rm -rf $(DIST) && mkdir -p $(DIST)
	ansible-galaxy collection build --force --output-path $(DIST) .
	python .ci/check_build.py $(DIST)/flexops-twilio-*.tar.gz

ee: venv
	python .ci/check_ee.py

# -- ansible-core matrix (issue 22, docs/compatibility.md) ------------------------
# One venv per minor, .venv-compat/<minor>: requirements.txt, tests/requirements-compat.txt
# and the release of COMPAT_CORES (built once, kept while a stamp keyed on those is
# there). Python 3.11 runs ansible-core 2.16 to 2.19; 2.20 and later need Python >= 3.12.
# `make compat`: the unit suite and COMPAT_TARGETS on every minor (every module's main
# target, the role's main targets, bad input), with a table of results and times.
# compat-oldest (a check of `make test`): the oldest claimed minor (requires_ansible
# in meta/runtime.yml) beside the 2.19 checks of .venv: the unit suite and
# COMPAT_OLDEST_TARGETS, a subset that keeps `make test` in its budget
# (docs/compatibility.md). COMPAT_ARGS="--no-units" etc. go to .ci/compat.py.
COMPAT_CORES := 2.16.20 2.17.14 2.18.19 2.19.14
COMPAT_TARGETS := flex_sms_address flex_conversations_address flex_sms_route_info phone_number phone_number_handler \
  studio_flow_info role_single role_rerun role_check_mode role_migrate_conversations role_a2p role_multi_account \
  bad_input flex_sms_address_validation role_validation
COMPAT_OLDEST_TARGETS := flex_sms_address flex_conversations_address flex_sms_route_info phone_number studio_flow_info \
  role_single role_rerun bad_input flex_sms_address_validation role_validation
COMPAT_ARGS ?=

# .ci/compat.py needs only the standard library: no .venv needed.
compat: collections-link
	$(PYTHON) .ci/compat.py $(foreach core,$(COMPAT_CORES),--core $(core)) --targets "$(COMPAT_TARGETS)" $(COMPAT_ARGS)

compat-oldest: collections-link
	$(PYTHON) .ci/compat.py --core $(firstword $(COMPAT_CORES)) --targets "$(COMPAT_OLDEST_TARGETS)" $(COMPAT_ARGS)

# -- demo ----------------------------------------------------------------------
# The README's first command: starts the Twilio simulator with the demo seed,
# runs examples/demo.yml twice (the second run must report changed=0 and send
# no write request), prints the per-number summary, stops the simulator.
.PHONY: demo
demo: venv collection-copy
	env -u CURL_CA_BUNDLE python tests/run_demo.py --collections $(BUILD)

# -- bench ---------------------------------------------------------------------
# Performance against the Twilio simulator with 100 ms latency per request
# (issue 7, docs/performance.md): per scenario wall time, requests by method,
# requests per number, the floor, PASS/FAIL. BENCH_ARGS="--only list200" etc.
BENCH_ARGS ?=
.PHONY: bench
bench: venv
	env -u CURL_CA_BUNDLE python tests/bench/bench.py $(BENCH_ARGS)

# -- housekeeping --------------------------------------------------------------
clean:
	rm -rf .build collections tests/output .ansible .pytest_cache

distclean: clean
	rm -rf $(VENV) .venv-compat
