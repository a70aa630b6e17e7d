# Waybill: the two commands that do everything on a fresh Debian machine.
#   make demo   installs missing system packages, builds in release, runs the weekly batch on simulated data
#   make test   same set-up, then the whole test suite
SWIFT ?= swift
APT_PACKAGES := libsqlite3-dev libopenblas-dev liblapacke-dev zlib1g-dev pkg-config
WORKSPACE ?= demo
ORDERS ?= 5000

.PHONY: deps build demo test goldens clean

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing system packages:$$missing"; \
		if [ "$$(id -u)" -eq 0 ]; then SUDO=""; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build -c release --product waybill

demo: build
	.build/release/waybill demo --workspace $(WORKSPACE) --orders $(ORDERS)

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) build --product waybill   # the CLI tests run the debug binary
	$(SWIFT) test --skip-build

# Regenerates Tests/Goldens from the fixtures with PM4Py (needs: pip install pm4py pandas).
goldens:
	python3 Tests/Goldens/make_goldens.py
	python3 Tests/Goldens/mining/make_mining_goldens.py
	python3 Tests/Goldens/inductive/make_im_goldens.py

clean:
	rm -rf .build $(WORKSPACE)
