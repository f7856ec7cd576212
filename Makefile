# maex: `make run` to try it, `make test` to check it. Both install missing system packages first.
PREFIX ?= /usr/local
SWIFT ?= swift
BIN = "$$($(SWIFT) build -c release --show-bin-path)/maex"

# Debian packages the build, the tests and the man page need.
PACKAGES := libncurses-dev libpng-dev libjpeg62-turbo-dev libopenblas-dev pkg-config tmux groff-base ncurses-term

.PHONY: run test test-large tsan fuzz deps build release install man clean pretrained wallpapers

run: deps release
	$(BIN)

# A compiler warning in maex's own code fails the build (Tools/build-without-warnings.sh).
test: deps
	SWIFT=$(SWIFT) Tools/build-without-warnings.sh
	$(SWIFT) test --skip-build

# The suites with threads (the kernel pool, the trainer, the explorer's worker and UI) under
# Thread Sanitizer, in a build folder of its own. The allocation tests are off there: the
# sanitizer keeps its own malloc.
tsan: deps
	$(SWIFT) test --sanitize=thread --scratch-path .build/tsan --filter 'MAETests|TrainingTests|ExplorerTests'

# libFuzzer harnesses of every reader of files and terminal input (Tests/Fuzz), in .build/fuzz:
# `make fuzz SECONDS=600` runs each for ten minutes, JOBS at a time; HARNESSES="PNG Pth" picks.
# What they find is left in .build/fuzz-findings. Not part of `make test`.
fuzz: deps
	Tests/Fuzz/fuzz.sh $(or $(SECONDS),60) $(or $(JOBS),2) "$(HARNESSES)"

# Opt-in, not in CI: ViT-L/16 and ViT-H/14-sized random checkpoints through info and reconstruct
# (about 6 GB of disk and 8 GB of memory, minutes); GNU time measures the peak resident memory.
test-large: deps
	@$(call install-missing,time)
	$(SWIFT) build --build-tests
	MAEX_TEST_LARGE=1 $(SWIFT) test --skip-build --filter LargeModelTests

# Installs the missing packages when root; otherwise prints the command to run.
deps:
	@$(call install-missing,$(PACKAGES))

# $(call install-missing,PACKAGES): apt-get install those of PACKAGES not installed yet.
define install-missing
missing=""; \
for p in $(1); do \
  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
done; \
if [ -z "$$missing" ]; then exit 0; fi; \
if [ "$$(id -u)" = 0 ]; then \
  echo "installing:$$missing"; \
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
else \
  echo "maex needs these packages; run:"; echo "  sudo apt-get install$$missing"; exit 1; \
fi
endef

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release

install: deps release
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/maex $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/maex
	cp -R Assets/. $(DESTDIR)$(PREFIX)/share/maex/
	install -m 644 man/maex.1 $(DESTDIR)$(PREFIX)/share/man/man1/maex.1

# The default model's data (Assets/models/README.md): the photographs of three Debian wallpaper
# packages and the sample images but chelsea.png and coffee.png, which stay held out for
# evaluation. Held out whole, as pictures from other sources: a fourth wallpaper package and
# the photographs of Ubuntu Touch's wallpapers.
WALLPAPERS := plasma-workspace-wallpapers mate-backgrounds gnome-backgrounds
HELDOUT_WALLPAPERS := ukui-wallpapers lomiri-wallpapers-16.04 lomiri-wallpapers-20.04
SAMPLES := $(filter-out %/chelsea.png %/coffee.png,$(wildcard Assets/images/*.png Assets/images/*.jpg))
# Each photograph is shrunk once to a 256-pixel shorter side: 4 × the model's 64, the size the
# trainer itself shrinks to, so the cache holds exactly what training reads.
PRETRAINED_DATA := $(CURDIR)/.build/pretrained-data
PRETRAINED_HELDOUT := $(CURDIR)/.build/pretrained-heldout
# The run lives outside the source tree and is never removed: an interrupted `make pretrained`
# resumes it where it stopped. Remove the folder by hand to train from scratch.
PRETRAINED_RUN ?= /var/tmp/maex-pretrained-run
PRETRAINED_RECIPE := --preset tiny --steps 16000 --batch 64 --lr 2e-3 --mask-ratio 0.75 \
  --seed 0 --crop-scale-min 0.05 --channel-shuffle --saturation 1.0 --grey-prob 0.1

wallpapers:
	@$(call install-missing,$(WALLPAPERS) $(HELDOUT_WALLPAPERS))

# A package that is not installed stops here with dpkg's message, before anything is collected.
$(PRETRAINED_DATA)/sources.tsv: | wallpapers release
	for p in $(WALLPAPERS); do dpkg -L $$p || exit 1; done > .build/pretrained-files.txt
	$(BIN) collect --list .build/pretrained-files.txt $(addprefix --keep ,$(SAMPLES)) --out $(PRETRAINED_DATA)

# One folder per held-out package, for `maex eval --data`.
$(PRETRAINED_HELDOUT)/%/sources.tsv: | wallpapers release
	dpkg -L $* > .build/heldout-files-$*.txt
	$(BIN) collect --list .build/heldout-files-$*.txt --out $(PRETRAINED_HELDOUT)/$*

# Trains the default model Assets/models/maex-tiny.safetensors (see its card for the time it
# takes), or resumes the run in $(PRETRAINED_RUN), then exports it.
pretrained: deps release $(PRETRAINED_DATA)/sources.tsv $(HELDOUT_WALLPAPERS:%=$(PRETRAINED_HELDOUT)/%/sources.tsv)
	@if [ -f $(PRETRAINED_RUN)/checkpoint.safetensors ]; then \
	  echo "resuming $(PRETRAINED_RUN)"; \
	  $(BIN) train --resume --run $(PRETRAINED_RUN) --threads 2 --export Assets/models/maex-tiny.safetensors; \
	else \
	  $(BIN) train --data $(PRETRAINED_DATA) --run $(PRETRAINED_RUN) $(PRETRAINED_RECIPE) --threads 2 \
	    --save-every 1000 --log-every 100 --export Assets/models/maex-tiny.safetensors; \
	fi

# Checks the manual for warnings and shows it.
man:
	groff -ww -z -man man/maex.1
	man -l man/maex.1

clean:
	rm -rf .build
