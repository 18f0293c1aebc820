/* home: where dossier's own files are. The built-in theme, the shipped
 * framework catalogs and the engine (dossier-engine.so) are found beside
 * the program (build/dossier -> ../templates, bin/dossier ->
 * ../share/dossier/...) unless the environment names them. Both the
 * command and the engine link this module. Every returned string is the
 * caller's to free. */
#ifndef DOSSIER_HOME_H
#define DOSSIER_HOME_H

#include "buf.h"

#define HOME_ENGINE_FILE "dossier-engine.so"

/* $DOSSIER_THEME, else the templates/ folder installed with the program;
 * a resolved path, or NULL when there is none. */
char *home_theme(void);
/* $DOSSIER_FRAMEWORKS, else the frameworks/ folder beside the theme. */
char *home_frameworks(void);
/* $DOSSIER_ENGINE, else dossier-engine.so beside the program or in
 * ../lib/dossier/; NULL when none is there. */
char *home_engine(void);
/* The output folder: out when given, else out/ in the project folder dir. */
char *home_out(const char *dir, const char *out);

/* Appends a line that changes whenever the program's file or the engine's
 * does (inode, size, mtime): the build stamp and the build cache key both
 * include it, so a rebuilt dossier never reuses an older one's output.
 * engine is the engine's path, or NULL. */
void home_program_id(struct buf *out, const char *engine);

/* Seconds on the monotonic clock, for --timings. */
double home_clock(void);

#endif
