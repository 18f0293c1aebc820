/* engine: everything dossier does once there is work to do: load and
 * check the project, render the site and PDFs, render one PDF, verify a
 * copy of a site. It is built as a shared object of its own
 * (dossier-engine.so) that the command (main.c) loads only when it needs
 * it, so a build with nothing changed answers without mapping Pango,
 * cairo, libxml2, Lua, SQLite and the forty-odd libraries they pull in
 * (about 25 ms of a 60 ms no-change rebuild on a small portfolio). */
#ifndef DOSSIER_ENGINE_H
#define DOSSIER_ENGINE_H

#include <stddef.h>

#include "stamp.h"

#define ENGINE_VERSION "0.1.0"
#define ENGINE_ENTRY "engine_main"

/* The command line as the command parsed it, and what it found out
 * before loading the engine. Owned by the caller. */
struct engine_opts {
    const char *cmd; /* "build", "check", "verify" or "pdf" */
    const char *dir;
    const char *out;
    const char *junit;
    const char *format;
    int jobs;
    int no_pdf;
    const char *input;
    int strict;
    int quiet;
    int timings;
    int force;
    /* build: the fingerprint of the inputs, taken before loading, to
     * store with the new site; NULL for the other commands */
    const struct stamp *stamp;
    const char *program_id; /* home_program_id() of this program */
    double t0;              /* home_clock() when the command started */
};

/* Runs o->cmd and returns the exit status (0 ok, 1 validation failure,
 * 2 usage, 3 I/O or internal error). size and version must be the
 * caller's sizeof(struct engine_opts) and ENGINE_VERSION: an engine from
 * another build refuses to run rather than misread the options. */
typedef int engine_main_fn(const struct engine_opts *o, size_t size,
                           const char *version);
engine_main_fn engine_main;

#endif
