# Build and install uring as a C library, the way liburing is installed:
#
#   make                                  # cargo build --release
#   make install PREFIX=/usr/local        # (DESTDIR= for staging, LIBDIR= for lib64 etc.)
#   make uninstall PREFIX=/usr/local
#
# Installs $(LIBDIR)/liburing.so.$(VERSION) (SONAME liburing.so.2, liburing's symbol
# versions), the liburing.so.2 and liburing.so links, liburing.a, the headers and
# $(PKGCONFIGDIR)/liburing.pc (from liburing.pc.in).

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DESTDIR ?=

CARGO ?= cargo
# Where cargo builds; `make install` installs $(TARGET_DIR)/release/.
TARGET_DIR ?= target

INSTALL ?= install
READELF ?= readelf

VERSION := $(shell sed -n 's/^\#define IO_URING_VERSION_MAJOR //p' include/liburing/io_uring_version.h).$(shell sed -n 's/^\#define IO_URING_VERSION_MINOR //p' include/liburing/io_uring_version.h)
SONAME := liburing.so.2

SO := $(TARGET_DIR)/release/liburing.so
STATIC := $(TARGET_DIR)/release/liburing.a

# Paths in the .pc file, relative to ${prefix} when they are under it.
pc_path = $(patsubst $(PREFIX)/%,$${prefix}/%,$(1))

.PHONY: all build install uninstall clean

all: build

build:
	$(CARGO) build --release -p liburing --target-dir $(TARGET_DIR)

# `make install` without a prior `make` builds first; otherwise it installs what is there.
$(SO) $(STATIC):
	$(CARGO) build --release -p liburing --target-dir $(TARGET_DIR)

install: $(SO) $(STATIC)
	@$(READELF) -W --dyn-syms $(SO) | grep -q '@LIBURING_2\.0' || { \
	    echo "error: $(SO) has no LIBURING_2.0 symbol versions (not linked through tools/cc-versioned?)" >&2; \
	    exit 1; }
	$(INSTALL) -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(INCLUDEDIR)
	$(INSTALL) -m 755 $(SO) $(DESTDIR)$(LIBDIR)/liburing.so.$(VERSION)
	ln -sfn liburing.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sfn $(SONAME) $(DESTDIR)$(LIBDIR)/liburing.so
	$(INSTALL) -m 644 $(STATIC) $(DESTDIR)$(LIBDIR)/liburing.a
	sed -e 's|@PREFIX@|$(PREFIX)|g' \
	    -e 's|@LIBDIR@|$(call pc_path,$(LIBDIR))|g' \
	    -e 's|@INCLUDEDIR@|$(call pc_path,$(INCLUDEDIR))|g' \
	    -e 's|@VERSION@|$(VERSION)|g' liburing.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/liburing.pc
	chmod 644 $(DESTDIR)$(PKGCONFIGDIR)/liburing.pc
	$(INSTALL) -m 644 include/liburing.h $(DESTDIR)$(INCLUDEDIR)/liburing.h
	cd include && find liburing uring -type f -name '*.h' | sort | while read -r h; do \
	    $(INSTALL) -D -m 644 "$$h" "$(DESTDIR)$(INCLUDEDIR)/$$h" || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/liburing.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME) \
	    $(DESTDIR)$(LIBDIR)/liburing.so $(DESTDIR)$(LIBDIR)/liburing.a \
	    $(DESTDIR)$(PKGCONFIGDIR)/liburing.pc $(DESTDIR)$(INCLUDEDIR)/liburing.h
	cd include && find liburing uring -type f -name '*.h' | while read -r h; do \
	    rm -f "$(DESTDIR)$(INCLUDEDIR)/$$h"; \
	done
	rmdir $(DESTDIR)$(INCLUDEDIR)/liburing/io_uring $(DESTDIR)$(INCLUDEDIR)/liburing 2>/dev/null || true
	rmdir $(DESTDIR)$(INCLUDEDIR)/uring 2>/dev/null || true

clean:
	$(CARGO) clean --release --target-dir $(TARGET_DIR)
