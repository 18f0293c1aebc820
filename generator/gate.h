/* gate: release policy from site.yaml, evaluated per model.
 * A gate is a rule ("every applicable EU AI Act item met before
 * production", "no gap without an owner", "evidence reviewed within 365
 * days", "metrics within their thresholds") with a level (error or
 * warning) and optional filters on risk class and lifecycle status. The
 * derive stage evaluates every gate against every model; `dossier check`
 * reports the failures as located diagnostics and JUnit XML, and `dossier
 * build` shows them on the pages. */
#ifndef DOSSIER_GATE_H
#define DOSSIER_GATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "buf.h"
#include "diag.h"

struct project;

enum gate_rule {
    GATE_ALL_MET,          /* every applicable item met (or n/a) */
    GATE_NO_NOT_MET,       /* no applicable item not-met */
    GATE_OWNER_FOR_GAPS,   /* partial and not-met answers name an owner */
    GATE_REVIEWED_WITHIN,  /* answers reviewed within `days` */
    GATE_MIN_COVERAGE,     /* (met + n/a) / applicable >= min */
    GATE_METRIC_THRESHOLDS, /* latest release within metric min/max */
};

enum gate_result { GATE_PASS, GATE_FAIL, GATE_SKIP };

struct gate {
    const char *id, *title;
    enum gate_rule rule;
    const char *rule_name;
    const char *framework;     /* NULL: every framework in use */
    const struct node *risk;   /* filter lists, or NULL */
    const struct node *status;
    long long days;
    double min;
    bool error;                /* level error (else warning) */
    struct pos pos;
};

struct gate_failure {
    struct pos pos;
    const char *msg;
};

struct gate_outcome {
    enum gate_result result;
    const char *skip_reason;
    struct gate_failure *failures;
    size_t nfailures;
};

/* Reads site.yaml's gates (reporting mistakes in them to d) and evaluates
 * each against each model into p->gates and p->outcomes. Returns 0 when
 * the gate definitions had no error. */
int gate_evaluate(struct project *p, struct diag *d);

/* The outcome of gate g for model m. */
const struct gate_outcome *gate_outcome(const struct project *p, size_t g,
                                        size_t m);

/* Reports every failure as a diagnostic ("<model>: ... [gate <id>]") at
 * the gate's level. Returns the number of error-level failures. */
size_t gate_report(const struct project *p, struct diag *d);

/* JUnit XML: one testsuite per gate, one testcase per model. */
int gate_junit(const struct project *p, struct buf *out);
/* A JSON summary and a Markdown summary (for a pull-request comment). */
void gate_json(const struct project *p, struct buf *out);
void gate_markdown(const struct project *p, struct buf *out);

#endif
