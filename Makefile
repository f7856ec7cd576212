# maex: `make run` to try it, `make test` to check it. Both install missing system packages first.
PREFIX ?= /usr/local
SWIFT ?= swift
BIN = "$$($(SWIFT) build -c release --show-bin-path)/maex"

# Debian packages the build, the tests and the man page need.
PACKAGES := libncurses-dev libpng-dev libjpeg62-turbo-dev libopenblas-dev pkg-config tmux groff-base ncurses-term

.PHONY: run test deps build release install man clean pretrained

run: deps release
	$(BIN)

test: deps
	$(SWIFT) build
	$(SWIFT) test

# Installs the missing packages when root; otherwise prints the command to run.
deps:
	@missing=""; \
	for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
	  echo "maex needs these packages; run:"; echo "  sudo apt-get install$$missing"; exit 1; \
	fi

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release

install: deps release
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/maex $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/maex
	cp -R Assets/. $(DESTDIR)$(PREFIX)/share/maex/
	install -m 644 man/maex.1 $(DESTDIR)$(PREFIX)/share/man/man1/maex.1

# Retrains the default model Assets/models/maex-tiny.safetensors from scratch with fixed seeds
# (20–50 minutes on 2 cores, depending on what else runs; see Assets/models/README.md) on every
# image in Assets/images but the two held out for evaluation, chelsea.png and coffee.png.
pretrained: deps release
	rm -rf .build/pretrained-data .build/pretrained-run && mkdir -p .build/pretrained-data
	cd Assets/images && for f in *.png *.jpg; do \
	  case $$f in chelsea.png|coffee.png) ;; *) cp $$f ../../.build/pretrained-data/ ;; esac; \
	done
	$(BIN) train --data .build/pretrained-data --run .build/pretrained-run --preset tiny \
	  --steps 4500 --batch 64 --lr 2e-3 --warmup-steps 225 --mask-ratio 0.75 --seed 0 --threads 2 \
	  --crop-scale-min 0.05 --channel-shuffle --saturation 1.0 --grey-prob 0.1 \
	  --save-every 1000 --log-every 100 --export Assets/models/maex-tiny.safetensors

# Checks the manual for warnings and shows it.
man:
	groff -ww -z -man man/maex.1
	man -l man/maex.1

clean:
	rm -rf .build
