# dossier — build, site, test. See README.md.
.SUFFIXES:

CC      ?= cc
PKGS    = libcmark-gfm lua5.4 libxml-2.0 cairo cairo-svg cairo-pdf pangocairo yaml-0.1 sqlite3 glib-2.0 libcrypto
WARN    = -Wall -Wextra -Werror -Wstrict-prototypes -Wshadow -Wno-unused-parameter
CFLAGS  ?= -O2 -g
# -fPIC: the objects make up the engine, a shared object; hidden symbols
# keep its calls direct and export engine_main alone.
ALL_CFLAGS = -std=c17 -D_DEFAULT_SOURCE $(WARN) $(CFLAGS) -fPIC -fvisibility=hidden -MMD -MP \
	$$(pkg-config --cflags $(PKGS))
LIBS    = $$(pkg-config --libs $(PKGS)) -lcmark-gfm-extensions -lpthread -lm

BUILD   ?= build
SRCS    = $(wildcard generator/*.c)
LIBSRCS = $(filter-out generator/main.c,$(SRCS))
OBJS    = $(SRCS:generator/%.c=$(BUILD)/obj/%.o)
LIBOBJS = $(LIBSRCS:generator/%.c=$(BUILD)/obj/%.o)
# The command: what a build with nothing changed needs, and no more. The
# engine (every module) is loaded by it only when there is work.
CMDOBJS = $(patsubst %,$(BUILD)/obj/%.o,main home stamp file buf xmem diag threads)
CMDLIBS = $$(pkg-config --libs glib-2.0 libcrypto) -lpthread
DEPS_OK = $(BUILD)/.deps-ok

.PHONY: all site test clean deps bench format format-check golden-update asan FORCE

all: $(BUILD)/dossier $(BUILD)/dossier-engine.so

$(DEPS_OK): scripts/install-deps.sh
	@sh scripts/install-deps.sh
	@mkdir -p $(BUILD) && touch $@

deps: $(DEPS_OK)

# The compile command as last used: objects are rebuilt when it changes
# (a build folder from before a flag change would not link otherwise).
$(BUILD)/.cflags: FORCE
	@mkdir -p $(BUILD)
	@printf '%s\n' '$(CC) $(ALL_CFLAGS)' | cmp -s - $@ || printf '%s\n' '$(CC) $(ALL_CFLAGS)' >$@

FORCE:

$(BUILD)/obj/%.o: generator/%.c $(BUILD)/.cflags | $(DEPS_OK)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/dossier: $(CMDOBJS) | $(BUILD)/dossier-engine.so
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CMDOBJS) $(CMDLIBS)

$(BUILD)/dossier-engine.so: $(LIBOBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-z,defs -o $@ $(LIBOBJS) $(LIBS)

# The same program built with AddressSanitizer and UBSan, for the tests.
asan:
	$(MAKE) BUILD=build/asan \
		CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
		LDFLAGS="-fsanitize=address,undefined" build/asan/dossier build/asan/libdossier.a

$(BUILD)/libdossier.a: $(LIBOBJS)
	rm -f $@ && ar rcs $@ $(LIBOBJS)

# Unit tests: one cmocka binary per tests/unit/test_<noun>.c.
$(BUILD)/tests/%: tests/unit/%.c tests/unit/helpers.c $(BUILD)/libdossier.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Igenerator -Itests/unit -o $@ $< tests/unit/helpers.c $(BUILD)/libdossier.a \
		$(LDFLAGS) $(LIBS) $$(pkg-config --libs cmocka)

# Tools of the PDF tests: a driver for the renderer and a PNG comparer.
$(BUILD)/pdftools/pdfr: tests/pdf/pdfr.c $(BUILD)/libdossier.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Igenerator -o $@ $< $(BUILD)/libdossier.a $(LDFLAGS) $(LIBS)

$(BUILD)/pdftools/pngdiff: tests/pdf/pngdiff.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LDFLAGS) $(LIBS)

site: $(BUILD)/dossier
	SOURCE_DATE_EPOCH=$${SOURCE_DATE_EPOCH:-$$(git log -1 --format=%ct 2>/dev/null || echo 0)} \
	$(BUILD)/dossier build -C . -o out

test: $(DEPS_OK)
	@sh tests/run.sh

bench: $(BUILD)/dossier
	@sh scripts/bench.sh

clean:
	rm -rf $(BUILD) out tests/artifacts

format:
	clang-format -i generator/*.c generator/*.h tests/unit/*.c

format-check:
	clang-format --dry-run -Werror generator/*.c generator/*.h tests/unit/*.c

-include $(OBJS:.o=.d)

golden-update: $(BUILD)/dossier
	GOLDEN_UPDATE=1 SUITES=golden sh tests/run.sh
