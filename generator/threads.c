/* threads: running one function on several threads at once (see
 * threads.h). */
#include "threads.h"

#include <pthread.h>
#include <stdbool.h>

void
threads_run(void *(*fn)(void *), void *arg, int n)
{
    pthread_t t[THREADS_MAX];
    bool started[THREADS_MAX] = {false};
    if (n > THREADS_MAX)
        n = THREADS_MAX;
    for (int i = 1; i < n; i++)
        started[i] = pthread_create(&t[i], NULL, fn, arg) == 0;
    fn(arg);
    for (int i = 1; i < n; i++)
        if (started[i])
            pthread_join(t[i], NULL);
}
