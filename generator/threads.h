/* threads: running one function on several threads at once. */
#ifndef DOSSIER_THREADS_H
#define DOSSIER_THREADS_H

#define THREADS_MAX 16

/* Runs fn(arg) on n threads (at most THREADS_MAX), the calling one among
 * them, and returns when all have returned. fn shares arg and takes its
 * work from it (a counter of items, say). A thread that cannot be started
 * is not waited for: the others take its share. */
void threads_run(void *(*fn)(void *), void *arg, int n);

#endif
