# exitbench — build, benchmark, test.
#   make            build build/exitbench
#   make bench      install missing packages, run the full suite, save the result
#   make check      build and run the test suite (normal build, then ASan+UBSan)
#   make asan       build the sanitizer variant in build-asan/
#   make report     tables and plots from results/
#   make deps       install the Debian packages the project needs
#   make lint       cppcheck + clang-format check
# V=1 shows full commands.

VERSION := $(shell git describe --always --dirty 2>/dev/null || echo 0.1)

CC      ?= cc
O       ?= build
SAN     ?=
CFLAGS  ?= -O2 -g
HOST_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wno-missing-field-initializers \
	-D_GNU_SOURCE -DEXITBENCH_VERSION='"$(VERSION)"' -I. $(CFLAGS) $(SAN) \
	$(shell pkg-config --cflags jansson libtracefs libtraceevent 2>/dev/null)
LDLIBS  := $(shell pkg-config --libs jansson libtracefs libtraceevent 2>/dev/null || echo -ljansson) \
	-lpfm -lm -lpthread

GUEST_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -O2 -D__KERNEL_GUEST__ -I. \
	-ffreestanding -nostdlib -fno-pic -fno-pie -mno-red-zone -mgeneral-regs-only \
	-mcmodel=small -fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none \
	-fno-builtin -fno-tree-loop-distribute-patterns

ifeq ($(V),1)
Q :=
else
Q := @
endif

# Parts may hold sub-folders by job (bench/lab/, ...): one level deep.
LIB_SRC   := $(wildcard minivmm/*.c) \
	$(filter-out bench/main.c,$(wildcard bench/*.c bench/*/*.c)) $(wildcard trace/*.c)
GUEST_SRC := $(wildcard guests/*.c) $(wildcard guests/*.S)
TEST_SRC  := $(wildcard tests/test_*.c)

LIB_OBJ   := $(LIB_SRC:%.c=$(O)/%.o) $(O)/guests/blob.o
GUEST_OBJ := $(patsubst %,$(O)/g/%.o,$(basename $(GUEST_SRC)))
TEST_BIN  := $(TEST_SRC:tests/%.c=$(O)/tests/%.t)

.PHONY: all bench check asan report deps lint format clean check-one check-vm lab-soak
all: $(O)/exitbench

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

$(O)/g/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GUESTCC $@")
	$(Q)$(CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(O)/g/%.o: %.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GUESTAS $@")
	$(Q)$(CC) $(GUEST_CFLAGS) -MMD -MP -c $< -o $@

$(O)/guest.elf: $(GUEST_OBJ) guests/guest.lds
	@$(if $(Q),echo "  GUESTLD $@")
	$(Q)$(CC) $(GUEST_CFLAGS) -static -Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments \
		-T guests/guest.lds -o $@ $(GUEST_OBJ)

$(O)/guest.bin: $(O)/guest.elf
	$(Q)objcopy -O binary $< $@

$(O)/guests/blob.o: guests/blob.asm $(O)/guest.bin
	@mkdir -p $(dir $@)
	$(Q)$(CC) -c -x assembler-with-cpp -DGUEST_BIN='"$(O)/guest.bin"' $< -o $@

$(O)/libexitbench.a: $(LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(O)/exitbench: $(O)/bench/main.o $(O)/libexitbench.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(SAN) -o $@ $^ $(LDLIBS)

$(O)/tests/%.t: tests/%.c $(O)/libexitbench.a tests/tap.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(HOST_CFLAGS) -o $@ $< $(O)/libexitbench.a $(LDLIBS)

# Tests that enter a VM (they call have_kvm) run where /dev/kvm works, else
# inside one boot of exitbench lab (QEMU TCG, the real kvm_amd): never skipped.
VM_TESTS   := $(filter-out tests/vm-smoke.t,$(shell grep -l have_kvm tests/*.t))
HOST_TESTS := $(filter-out $(VM_TESTS) tests/vm-smoke.t,$(wildcard tests/*.t))
LAB_TIMEOUT ?= 1500
TEST_ENV = EXITBENCH=$(abspath $(O)/exitbench) TESTBIN=$(abspath $(O)/tests) EXITBENCH_NEED_KVM=1

# Run the suite against one build: C tests and shell tests share EXITBENCH.
check-one: $(O)/exitbench $(TEST_BIN)
	$(TEST_ENV) prove -f $(TEST_BIN) $(HOST_TESTS)
	$(MAKE) --no-print-directory check-vm

# The sanitizer pass (LAB_SMOKE=1) does not repeat the whole VM suite under
# emulation (it would not fit the 15 minutes of make check): in the lab it
# runs check and every class once with the ASan+UBSan binary instead.
check-vm: $(O)/exitbench
	@if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then \
		echo "check-vm: /dev/kvm works here: VM tests run natively"; \
		$(TEST_ENV) prove -f $(VM_TESTS); \
	elif [ -n "$(LAB_SMOKE)" ]; then \
		echo "check-vm: no usable /dev/kvm here: sanitizer smoke test inside exitbench lab"; \
		$(TEST_ENV) $(O)/exitbench lab --timeout $(LAB_TIMEOUT) -- prove -f tests/vm-smoke.t; \
	else \
		echo "check-vm: no usable /dev/kvm here: VM tests run inside exitbench lab"; \
		$(TEST_ENV) $(O)/exitbench lab --timeout $(LAB_TIMEOUT) -- prove -f $(VM_TESTS); \
	fi

check: scripts-deps
	$(MAKE) lint
	$(MAKE) check-one
	$(MAKE) check-one O=build-asan SAN='-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' CFLAGS='-O1 -g' LAB_SMOKE=1

# 20 lab boots in a row, each running check and a quick run (docs/lab.md).
lab-soak: $(O)/exitbench
	EXITBENCH=$(abspath $(O)/exitbench) scripts/lab-soak.sh

asan:
	$(MAKE) O=build-asan SAN='-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all' CFLAGS='-O1 -g'

.PHONY: scripts-deps
scripts-deps:
	$(Q)scripts/install-deps.sh

deps: scripts-deps

# make bench: the full suite, saved under results/hosts/, then the report.
# Exit status 1 from the run means a class failed on this host (the table,
# the JSON and the report say which and why): the run is still saved and
# reported, and make bench succeeds with a note. Status 2 (usage or
# environment error) stops it.
bench: scripts-deps
	$(MAKE) all
	@touch $(O)/.bench-start
	if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then $(O)/exitbench run --save; \
	else echo "bench: no usable /dev/kvm here: measuring inside exitbench lab" \
		"(QEMU-emulated kvm_amd: labelled emulated, never hardware numbers)"; \
		$(O)/exitbench lab --timeout 1800 -- $(O)/exitbench run --save; fi; \
	st=$$?; [ $$st -le 1 ] || exit $$st; \
	$(MAKE) --no-print-directory report || exit $$?; echo; \
	for f in $$(find results/hosts -name '*.json' -newer $(O)/.bench-start); do \
		echo "result: $$f"; done; \
	echo "report: results/README.md (tables), results/plots/ (PNG, SVG, data)"; \
	[ $$st -eq 0 ] || echo "note: some classes failed on this host; see the table above"

report: $(O)/exitbench
	$(O)/exitbench report --all -o results

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--inline-suppr --suppress=missingIncludeSystem -I. minivmm bench trace tests
	clang-format --dry-run --Werror $(wildcard */*.c */*.h bench/*/*.c bench/*/*.h)

format:
	clang-format -i $(wildcard */*.c */*.h bench/*/*.c bench/*/*.h)

clean:
	rm -rf build build-asan

-include $(shell find $(O) -name '*.d' 2>/dev/null)
