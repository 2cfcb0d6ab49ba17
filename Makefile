# SPDX-License-Identifier: GPL-2.0
#
# sdp: Sockets Direct Protocol for Linux.
#
#   make              sdp.ko (for KDIR), libsdpctl, sdpctl, and the preload
#                     (preload/libsdp.so, run by preload/sdp-run)
#   make deps         install every Debian package the project needs
#   make demo         boot a Debian kernel, load sdp.ko, show sdpctl at work
#   make test         install deps, build, run every test (unit, static, VM)
#   make bench        SDP against TCP, raw verbs and rsockets in one guest
#   make check-kmod   W=1 + sparse (C=2) build against every installed kernel
#   make checkpatch   kernel style check of kmod/
#   make check-uapi   the files generated from the YNL spec agree with it
#   make uapi         regenerate them: uapi/linux/sdp.h, kmod/netlink-gen.[ch],
#                     libsdpctl/spec-names.h, spec-tables.[ch],
#                     tests/tools/sdp-nlfuzz-spec.h
#   make debug-kernel the debug-tier kernel (KASAN, lockdep, kmemleak, UBSAN...),
#                     built once into ~/.cache/sdp/debug-kernel (~20 min)
#   make module-debug sdp.ko against it: build/debug/kmod/sdp.ko (0 warnings)
#   make test-debug   the debug tier's suites alone (make test runs them too)
#   make test-two-hosts  6.1 and 6.12 in two guests joined by a wire, the
#                     capture decoded by tshark (make test runs it too)
#   make soak         the mixed workload on the debug kernel for 30 minutes
#                     (SDP_TEST_SOAK_MINUTES; SOAK_KVER=6.1|6.12 for a stock
#                     kernel); not part of make test
#   make install      sdp.ko into /lib/modules/KVER/updates (depmod), the
#                     library, sdpctl, the preload, man pages, bash
#                     completion, the sdp-rules units and an example
#                     /etc/modprobe.d/sdp.conf; DESTDIR stages, PREFIX
#                     (/usr/local) places all but the module and /etc
#   make uninstall    removes what make install put there
#   make install-dkms the module's sources and dkms.conf into
#                     /usr/src/sdp-VERSION, then dkms add, build, install
#                     (DESTDIR: only the copy, for a package)

TOP      := $(CURDIR)
BUILD    := $(TOP)/build
KSRC_TAR := /usr/src/linux-source-6.12.tar.xz
KSRC     := $(BUILD)/ksrc/linux-source-6.12

# Every Debian kernel whose headers are installed, newest last.
# Tests override MODULES_DIR and INSTALL_DEPS to play a machine where deps
# never ran (tests/fresh-machine.sh).
MODULES_DIR  ?= /lib/modules
INSTALL_DEPS ?= INITRD=No sh scripts/install-deps.sh
KVERS    := $(sort $(notdir $(patsubst %/build,%,$(wildcard $(MODULES_DIR)/*/build))))
KVER     ?= $(lastword $(KVERS))
KDIR     ?= $(MODULES_DIR)/$(KVER)/build

KMOD_SRC := Kbuild $(wildcard kmod/*.c kmod/*.h) kmod/Kbuild uapi/linux/sdp.h

.PHONY: all deps module modules-all lib tool preload demo demo-vm test bench \
	bench-vm unit check-kmod checkpatch check-uapi uapi ksrc clean \
	debug-kernel module-debug test-debug test-two-hosts soak install \
	install-module install-userspace \
	uninstall install-dkms

all: module lib tool preload

deps:
	$(INSTALL_DEPS)

# Each kernel gets its own copy of the module sources under build/<kver>/,
# so objects for 6.1 and 6.12 never mix in one directory.
define kmod_rules
$(BUILD)/$(1)/kmod/sdp.ko: $(KMOD_SRC)
	@mkdir -p $(BUILD)/$(1)
	@cp -r --parents $(KMOD_SRC) $(BUILD)/$(1)/
	$$(MAKE) -C $(MODULES_DIR)/$(1)/build M=$(BUILD)/$(1) modules
endef
$(foreach v,$(KVERS),$(eval $(call kmod_rules,$(v))))

module: $(BUILD)/$(KVER)/kmod/sdp.ko

modules-all: $(foreach v,$(KVERS),$(BUILD)/$(v)/kmod/sdp.ko)

# The debug tier: scripts/build-debug-kernel.sh keys its cache on the config
# fragment, itself, the source tarball and gcc, so this is a no-op (about a
# second) once built.
debug-kernel:
	scripts/build-debug-kernel.sh >/dev/null

# Always rebuilt (a few seconds): the kernel tree under it may have changed.
# Any compiler warning fails, as in check-kmod.
module-debug: debug-kernel
	@set -e; kdir=$$(scripts/build-debug-kernel.sh --print-dir)/linux; \
	d=$(BUILD)/debug; rm -rf $$d; mkdir -p $$d; \
	cp -r --parents $(KMOD_SRC) $$d/; \
	echo "module-debug: $$d/kmod/sdp.ko against $$kdir"; \
	$(MAKE) -C $$kdir M=$$d modules > $$d/build.log 2>&1 || \
		{ cat $$d/build.log; exit 1; }; \
	cat $$d/build.log; \
	if grep -E 'warning:|error:' $$d/build.log; then \
		echo "module-debug: diagnostics above"; exit 1; fi

# The debug tier alone (make test runs it after the stock kernels).
test-debug: deps
	tests/run-all.sh --debug-only

test-two-hosts: deps modules-all
	$(MAKE) -C tests/tools
	tests/vm/two-hosts.sh 6.1 6.12

# The soak: tests/vm/soak.sh in one guest, given its time plus a margin.
SOAK_KVER ?= debug
soak: all
	@if [ "$(SOAK_KVER)" = debug ]; then $(MAKE) module-debug; \
	else $(MAKE) modules-all; fi
	$(MAKE) -C tests/tools
	tests/vm/vm.sh -t $$(( ($${SDP_TEST_SOAK_MINUTES:-30} + 15) * 60 )) \
		$(SOAK_KVER) $(TOP)/tests/vm/soak.sh

lib:
	$(MAKE) -C libsdpctl

tool: lib
	$(MAKE) -C sdpctl

preload:
	$(MAKE) -C preload

# W=1 and sparse against every installed header set; any diagnostic fails.
check-kmod:
	@set -e; for v in $(KVERS); do \
		d=$(BUILD)/check/$$v; rm -rf $$d; mkdir -p $$d; \
		cp -r --parents $(KMOD_SRC) $$d/; \
		echo "check-kmod: $$v (W=1 C=2)"; \
		$(MAKE) -s -C $(MODULES_DIR)/$$v/build M=$$d W=1 C=2 modules \
			> $$d/log 2>&1 || { cat $$d/log; exit 1; }; \
		if grep -E 'warning:|error:|sparse:' $$d/log; then \
			echo "check-kmod: $$v: diagnostics above"; exit 1; fi; \
	done; echo "check-kmod: clean on $(KVERS)"

# The kernel's selftest harness, for the socket semantics tests
# (tests/tools/sdp-semantics.c); tests/tools/Makefile asks for it.
KSELFTEST := $(KSRC)/tools/testing/selftests

ksrc: $(KSRC)/scripts/checkpatch.pl $(KSELFTEST)/kselftest_harness.h

$(KSRC)/scripts/checkpatch.pl: $(KSRC_TAR)
	@mkdir -p $(BUILD)/ksrc
	tar -xJf $(KSRC_TAR) -C $(BUILD)/ksrc \
		linux-source-6.12/scripts/checkpatch.pl \
		linux-source-6.12/scripts/spelling.txt \
		linux-source-6.12/scripts/const_structs.checkpatch \
		linux-source-6.12/tools/net/ynl \
		linux-source-6.12/Documentation/netlink
	touch $@

$(KSELFTEST)/kselftest_harness.h: $(KSRC_TAR)
	@mkdir -p $(BUILD)/ksrc
	tar -xJf $(KSRC_TAR) -C $(BUILD)/ksrc \
		linux-source-6.12/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.12/tools/testing/selftests/kselftest.h
	touch $@

# Files generated from docs/netlink/specs/sdp.yaml by scripts/ynl-gen.sh.
GEN_FILES := uapi/linux/sdp.h kmod/netlink-gen.h kmod/netlink-gen.c \
	     libsdpctl/spec-names.h libsdpctl/spec-tables.h \
	     libsdpctl/spec-tables.c tests/tools/sdp-nlfuzz-spec.h

# compat.h is the one file allowed to test LINUX_VERSION_CODE.
CHECKPATCH := $(KSRC)/scripts/checkpatch.pl --no-tree --strict --terse \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG
checkpatch: ksrc
	$(CHECKPATCH) -f $(filter-out kmod/compat.h,$(wildcard kmod/*.c kmod/*.h))
	$(CHECKPATCH) --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON -f kmod/compat.h

uapi: ksrc
	scripts/ynl-gen.sh $(KSRC) .

# Regenerate into build/gen and diff: a spec edited without "make uapi"
# (or a generated file edited by hand) fails.
check-uapi: ksrc
	@rm -rf $(BUILD)/gen
	@scripts/ynl-gen.sh $(KSRC) $(BUILD)/gen
	@set -e; for f in $(GEN_FILES); do diff -u $$f $(BUILD)/gen/$$f; done; \
		echo "check-uapi: $(GEN_FILES) match docs/netlink/specs/sdp.yaml"

unit: lib tool preload
	$(MAKE) -C tests/unit run

# This make read KVERS before deps ran; on a fresh machine the kernel headers
# come with deps, so demo and bench go on in a new make that sees them.
demo bench: deps
	$(MAKE) $@-vm

demo-vm: modules-all tool
	$(if $(KVER),,$(error no kernel headers in $(MODULES_DIR)))
	$(MAKE) -C tests/tools
	tests/vm/vm.sh $(KVER) $(TOP)/tests/vm/demo.sh

bench-vm: modules-all tool
	$(if $(KVER),,$(error no kernel headers in $(MODULES_DIR)))
	$(MAKE) -C tests/tools
	tests/vm/vm.sh -t 2400 $(KVER) $(TOP)/tests/bench/bench.sh

# run-all.sh finds the kernels itself, after deps.
test: deps
	tests/run-all.sh

# make install: PREFIX goes to every part, so that the library's .pc file
# and sdp-run's path to the preload agree with where they land.  depmod
# -b writes the staged tree's own module index; ldconfig runs only for a
# real install.
PREFIX     ?= /usr/local
MODDIR     := /lib/modules/$(KVER)/updates
# systemd looks in /usr/local/lib/systemd/system too.
UNITDIR    ?= $(PREFIX)/lib/systemd/system
UNITS      := sdp-rules.service sdp-rules@.service
SUBMAKE    := $(MAKE) PREFIX=$(PREFIX)
install: install-module install-userspace

install-module: module
	install -D -m 0644 $(BUILD)/$(KVER)/kmod/sdp.ko $(DESTDIR)$(MODDIR)/sdp.ko
	depmod -b $(or $(DESTDIR),/) $(KVER)

# All but the module: what the Debian packages ship beside sdp-dkms.
install-userspace: lib tool preload
	$(SUBMAKE) -C libsdpctl install
	$(SUBMAKE) -C sdpctl install
	$(SUBMAKE) -C preload install
	install -D -m 0644 etc/modprobe.d-sdp.conf $(DESTDIR)/etc/modprobe.d/sdp.conf
	install -d $(DESTDIR)$(UNITDIR)
	for u in $(UNITS); do \
		sed 's|@SBINDIR@|$(PREFIX)/sbin|' etc/systemd/$$u.in \
			> $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	$(if $(DESTDIR),,ldconfig)
	$(if $(DESTDIR),,-systemctl daemon-reload)

uninstall:
	rm -f $(DESTDIR)$(MODDIR)/sdp.ko $(DESTDIR)/etc/modprobe.d/sdp.conf \
		$(addprefix $(DESTDIR)$(UNITDIR)/,$(UNITS))
	-rmdir $(DESTDIR)$(MODDIR) 2>/dev/null
	depmod -b $(or $(DESTDIR),/) $(KVER)
	$(SUBMAKE) -C libsdpctl uninstall
	$(SUBMAKE) -C sdpctl uninstall
	$(SUBMAKE) -C preload uninstall
	$(if $(DESTDIR),,ldconfig)

# The module's version, from kmod/sdp.h, names the DKMS source tree.
SDP_VERSION := $(shell sed -n 's/^\#define SDP_VERSION[[:space:]]*"\(.*\)"/\1/p' kmod/sdp.h)
DKMS_SRC    := /usr/src/sdp-$(SDP_VERSION)
install-dkms:
	rm -rf $(DESTDIR)$(DKMS_SRC)
	install -d $(DESTDIR)$(DKMS_SRC)
	cp --parents $(KMOD_SRC) $(DESTDIR)$(DKMS_SRC)/
	sed 's|#MODULE_VERSION#|$(SDP_VERSION)|' dkms.conf > $(DESTDIR)$(DKMS_SRC)/dkms.conf
	$(if $(DESTDIR),,dkms add -m sdp -v $(SDP_VERSION))
	$(if $(DESTDIR),,dkms build -m sdp -v $(SDP_VERSION))
	$(if $(DESTDIR),,dkms install -m sdp -v $(SDP_VERSION))

clean:
	rm -rf $(BUILD)
	$(MAKE) -C libsdpctl clean
	$(MAKE) -C sdpctl clean
	$(MAKE) -C preload clean
	-$(MAKE) -C tests/unit clean
