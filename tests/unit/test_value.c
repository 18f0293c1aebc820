/* Tests of issue 6's value sheets: the formulas of templates/lib/value.lua
 * against hand-computed figures, the input checks of value.c with their
 * exact messages and positions, the maturity scoring of
 * templates/lib/maturity.lua, the demo content, and the two pages. The Lua
 * runs in dossier's own sandboxed template engine, over the templates/
 * folder of this repository, with the fixtures in fixtures/ laid over it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "chart_lua.h"
#include "diag.h"
#include "file.h"
#include "luadata.h"
#include "project.h"
#include "template.h"
#include "value.h"
#include "xmem.h"
#include "yml.h"

#ifndef VALUE_ROOT
/* the tests run in tests/unit */
#define VALUE_ROOT "../.."
#endif
#define TEMPLATES VALUE_ROOT "/templates"
#define FIXTURES "fixtures/value"

struct fx {
    struct diag d;
    struct template_engine *e;
    struct arena *a;
    struct buf out;
};

static struct template_engine *
engine(struct diag *d)
{
    const char *dirs[] = {FIXTURES, TEMPLATES};
    const char *shown[] = {"fixtures", "templates"};
    return template_engine_new(dirs, shown, 2, NULL, d);
}

static int
setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof *f);
    diag_init(&f->d);
    f->e = engine(&f->d);
    f->a = arena_new();
    buf_init(&f->out);
    *state = f;
    return f->e ? 0 : -1;
}

static int
teardown(void **state)
{
    struct fx *f = *state;
    template_engine_free(f->e);
    arena_free(f->a);
    diag_release(&f->d);
    buf_release(&f->out);
    free(f);
    return 0;
}

static void
print_diags(const struct diag *d)
{
    for (size_t i = 0; i < d->n; i++)
        print_error("%s:%u:%u: %s\n", d->v[i].path ? d->v[i].path : "-",
                    d->v[i].line, d->v[i].col, d->v[i].msg);
}

/* Parses yaml, which must load and pass value_check() (or the portfolio
 * check) without a single diagnostic. */
static const struct node *
valid(struct fx *f, const char *yaml, bool portfolio)
{
    struct node *root = NULL;
    assert_int_equal(yml_parse(f->a, &f->d, "case.yaml", yaml, strlen(yaml),
                               1, &root),
                     0);
    int rc = portfolio ? value_check_portfolio(root, "case.yaml", &f->d)
                       : value_check(root, "case.yaml", &f->d);
    if (rc != 0 || f->d.n != 0)
        print_diags(&f->d);
    assert_int_equal(rc, 0);
    assert_int_equal(f->d.n, 0);
    return root;
}

/* Renders fixture tmpl with the context { [var] = n }. */
static const char *
render(struct fx *f, const char *tmpl, const char *var, const struct node *n)
{
    lua_State *L = template_engine_lua(f->e);
    lua_newtable(L);
    luadata_push_node(L, n);
    lua_setfield(L, -2, var);
    lua_newtable(L);
    lua_pushstring(L, "test.html");
    lua_setfield(L, -2, "path");
    lua_setfield(L, -2, "page");
    buf_reset(&f->out);
    int rc = template_render(f->e, tmpl, &f->out, &f->d);
    if (rc != 0)
        print_diags(&f->d);
    assert_int_equal(rc, 0);
    return f->out.data;
}

/* Every figure of a value sheet, as "key=value" lines (fixtures/calc.html). */
static const char *
calc(struct fx *f, const char *yaml)
{
    return render(f, "calc.html", "sheet", valid(f, yaml, false));
}

/* Checks the value of key in "key=value" lines. */
static void
expect(const char *out, const char *key, const char *want)
{
    size_t kl = strlen(key);
    for (const char *p = out; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
            char got[512];
            snprintf(got, sizeof got, "%.*s", (int)(len - kl - 1), p + kl + 1);
            if (strcmp(got, want) != 0)
                fail_msg("%s: got '%s', want '%s'", key, got, want);
            return;
        }
        p = nl ? nl + 1 : NULL;
    }
    fail_msg("no '%s' in:\n%s", key, out);
}

/* ==== (a) the formulas, against hand-computed figures ================== */

/* 1. People time, per week; no costs at all.
 *    6 h × 40 people × 85 = 20,400 a week; × 52 = 1,060,800 a year.
 *    H = 1, r = 0: NPV = −0 + 1,060,800 / 1 = 1,060,800.
 *    ROI: H·C + O = 0 → none, "no costs".
 *    Payback: month 1, since −0 + 1 × 1,060,800 / 12 ≥ 0. */
static void
test_people_time_no_costs(void **state)
{
    const char *o = calc(*state, "horizon_years: 1\n"
                                 "discount_rate: 0\n"
                                 "benefits:\n"
                                 "  - {name: Analyst time, hours: 6, "
                                 "people: 40, rate: 85, per: week}\n");
    expect(o, "benefits.1.kind", "time");
    expect(o, "benefits.1.per", "52");
    expect(o, "benefits.1.base", "1060800.000000");
    expect(o, "base.B", "1060800.000000");
    expect(o, "base.C", "0.000000");
    expect(o, "base.O", "0.000000");
    expect(o, "base.npv", "1060800.000000");
    expect(o, "base.roi", "nil");
    expect(o, "base.roi_note", "no costs");
    expect(o, "base.payback", "1");
    expect(o, "base.payback_note", "nil");
    expect(o, "currency", "EUR");
}

/* 2. Triples pick the scenario: benefits low/base/high, costs the other
 *    way round. H = 2, r = 0.
 *    low:  B = 900,000, C = 150,000 (high cost), N = 750,000;
 *          NPV = 2 × 750,000 = 1,500,000;
 *          ROI = (2·900,000 − 2·150,000 − 0) / (2·150,000) = 1,500,000 /
 *          300,000 = 5
 *    base: B = 1,200,000, C = 120,000, N = 1,080,000; NPV = 2,160,000;
 *          ROI = (2,400,000 − 240,000) / 240,000 = 9
 *    high: B = 1,500,000, C = 100,000 (low cost), N = 1,400,000;
 *          NPV = 2,800,000; ROI = (3,000,000 − 200,000) / 200,000 = 14 */
static void
test_triples_and_scenarios(void **state)
{
    const char *o = calc(*state, "horizon_years: 2\n"
                                 "discount_rate: 0\n"
                                 "benefits:\n"
                                 "  - {name: Losses avoided, amount: "
                                 "[900000, 1200000, 1500000]}\n"
                                 "costs:\n"
                                 "  - {name: Licence, amount: [100000, "
                                 "120000, 150000]}\n");
    expect(o, "low.B", "900000.000000");
    expect(o, "low.C", "150000.000000");
    expect(o, "low.npv", "1500000.000000");
    expect(o, "low.roi", "5.000000");
    expect(o, "base.B", "1200000.000000");
    expect(o, "base.C", "120000.000000");
    expect(o, "base.npv", "2160000.000000");
    expect(o, "base.roi", "9.000000");
    expect(o, "high.B", "1500000.000000");
    expect(o, "high.C", "100000.000000");
    expect(o, "high.npv", "2800000.000000");
    expect(o, "high.roi", "14.000000");
    /* the cost item as each scenario counts it */
    expect(o, "costs.1.low", "150000.000000");
    expect(o, "costs.1.high", "100000.000000");
}

/* 3. Incidents avoided, with a range on 'after' (an input that lowers the
 *    benefit when it grows):
 *    base: (24 − 8) × 15,000 = 240,000
 *    low:  the most incidents after, 10: (24 − 10) × 15,000 = 210,000
 *    high: the fewest after, 6:          (24 − 6) × 15,000 = 270,000 */
static void
test_incidents_range_on_after(void **state)
{
    const char *o = calc(*state, "horizon_years: 1\n"
                                 "discount_rate: 0\n"
                                 "benefits:\n"
                                 "  - {name: Incidents avoided, incidents: "
                                 "{before: 24, after: [6, 8, 10]}, "
                                 "cost_per_incident: 15000}\n");
    expect(o, "benefits.1.kind", "incidents");
    expect(o, "benefits.1.per", "1");
    expect(o, "benefits.1.low", "210000.000000");
    expect(o, "benefits.1.base", "240000.000000");
    expect(o, "benefits.1.high", "270000.000000");
}

/* 4. GPU training with a spot discount, per month, as a cost with a range
 *    on the discount: 35 h × 32.77 = 1,146.95 a month before discount.
 *    base: × (1 − 0.7) = 344.085; × 12 = 4,129.02
 *    low scenario (high costs) takes the smallest discount, 0.6:
 *          1,146.95 × 0.4 × 12 = 5,505.36
 *    high scenario (low costs) takes the largest, 0.8:
 *          1,146.95 × 0.2 × 12 = 2,752.68
 *    Only costs: N = −4,129.02 = NPV (H = 1, r = 0);
 *    ROI = (0 − 4,129.02 − 0) / 4,129.02 = −1; never pays back. */
static void
test_gpu_spot_discount(void **state)
{
    const char *o = calc(*state, "horizon_years: 1\n"
                                 "discount_rate: 0\n"
                                 "costs:\n"
                                 "  - {name: GPU training, gpu_hours: 35, "
                                 "rate: 32.77, discount: [0.6, 0.7, 0.8], "
                                 "per: month}\n");
    expect(o, "costs.1.kind", "gpu");
    expect(o, "costs.1.per", "12");
    expect(o, "costs.1.low", "5505.360000");
    expect(o, "costs.1.base", "4129.020000");
    expect(o, "costs.1.high", "2752.680000");
    expect(o, "base.N", "-4129.020000");
    expect(o, "base.npv", "-4129.020000");
    expect(o, "base.roi", "-1.000000");
    expect(o, "base.payback", "nil");
    expect(o, "base.payback_note", "not within the horizon");
}

/* 5. LLM tokens per month and staff by FTE (no 'per': salary is yearly).
 *    tokens: 120,000,000 / 1,000 × 0.002 = 240 a month; × 12 = 2,880
 *    staff:  1.5 × 180,000 = 270,000 */
static void
test_tokens_and_fte(void **state)
{
    const char *o = calc(*state, "horizon_years: 1\n"
                                 "discount_rate: 0\n"
                                 "costs:\n"
                                 "  - {name: Inference, tokens: 120000000, "
                                 "price_per_1k: 0.002, per: month}\n"
                                 "  - {name: ML engineers, fte: 1.5, "
                                 "salary: 180000}\n");
    expect(o, "costs.1.kind", "tokens");
    expect(o, "costs.1.base", "2880.000000");
    expect(o, "costs.2.kind", "fte");
    expect(o, "costs.2.per", "1");
    expect(o, "costs.2.base", "270000.000000");
    expect(o, "base.C", "272880.000000");
}

/* 6. Every 'per': day × 260, quarter × 4, year × 1, month × 12.
 *    0.5 h × 10 people × 40 = 200 a day; × 260 = 52,000
 *    7,500 a quarter × 4 = 30,000;  12,000 a year;  1,000 a month × 12 =
 *    12,000.  B = 52,000 + 30,000 + 12,000 + 12,000 = 106,000 */
static void
test_per_multipliers(void **state)
{
    const char *o = calc(*state, "horizon_years: 1\n"
                                 "discount_rate: 0\n"
                                 "benefits:\n"
                                 "  - {name: Daily checks, hours: 0.5, "
                                 "people: 10, rate: 40, per: day}\n"
                                 "  - {name: Quarterly review, amount: 7500, "
                                 "per: quarter}\n"
                                 "  - {name: Audit, amount: 12000, per: year}\n"
                                 "  - {name: Report, amount: 1000, per: "
                                 "month}\n");
    expect(o, "benefits.1.per", "260");
    expect(o, "benefits.1.base", "52000.000000");
    expect(o, "benefits.2.per", "4");
    expect(o, "benefits.2.base", "30000.000000");
    expect(o, "benefits.3.per", "1");
    expect(o, "benefits.3.base", "12000.000000");
    expect(o, "benefits.4.per", "12");
    expect(o, "benefits.4.base", "12000.000000");
    expect(o, "base.B", "106000.000000");
}

/* 7. Ranges on several inputs of one item, benefit and cost.
 *    benefit low  4 × 30 × 85 × 52 =   530,400
 *            base 6 × 40 × 85 × 52 = 1,060,800
 *            high 7 × 45 × 85 × 52 = 1,392,300
 *    cost (people time, hours [1, 2, 3] × 5 × 60 × 52):
 *            low scenario takes 3 h: 46,800; base 2 h: 31,200;
 *            high scenario takes 1 h: 15,600 */
static void
test_ranges_on_several_inputs(void **state)
{
    const char *o = calc(*state, "horizon_years: 1\n"
                                 "discount_rate: 0\n"
                                 "benefits:\n"
                                 "  - {name: Time saved, hours: [4, 6, 7], "
                                 "people: [30, 40, 45], rate: 85, per: "
                                 "week}\n"
                                 "costs:\n"
                                 "  - {name: Reviewers, hours: [1, 2, 3], "
                                 "people: 5, rate: 60, per: week}\n");
    expect(o, "low.B", "530400.000000");
    expect(o, "base.B", "1060800.000000");
    expect(o, "high.B", "1392300.000000");
    expect(o, "low.C", "46800.000000");
    expect(o, "base.C", "31200.000000");
    expect(o, "high.C", "15600.000000");
}

/* 8. The issue's own example, H = 3, r = 0.08.
 *    B = 1,060,800 (time) + 1,200,000 (amount) + (24 − 8) × 15,000 =
 *        2,500,800
 *    C = 4,129.02 (GPU) + 2,880 (tokens) + 270,000 (staff) = 277,009.02
 *    O = 180,000;  N = 2,223,790.98
 *    1/1.08 + 1/1.08² + 1/1.08³ = 0.925926 + 0.857339 + 0.793832 =
 *        2.577097
 *    NPV = −180,000 + 2,223,790.98 × 2.577097 = 5,550,925.03
 *    ROI = (7,502,400 − 831,027.06 − 180,000) / (831,027.06 + 180,000)
 *        = 6,491,372.94 / 1,011,027.06 = 6.420573
 *    Payback: 180,000 × 12 / 2,223,790.98 = 0.97 → month 1.
 *    low:  B = 2,200,800 (900,000 losses avoided); N = 1,923,790.98;
 *          NPV = −180,000 + 1,923,790.98 × 2.577097 = 4,777,795.94
 *    high: B = 2,800,800; N = 2,523,790.98; NPV = 6,324,054.13 */
static void
test_issue_example(void **state)
{
    const char *o = calc(
        *state,
        "currency: USD\n"
        "horizon_years: 3\n"
        "discount_rate: 0.08\n"
        "one_time:\n"
        "  - {name: Build and validation, amount: 180000}\n"
        "benefits:\n"
        "  - {name: Analyst time saved, hours: 6, people: 40, rate: 85, "
        "per: week}\n"
        "  - {name: Fraud losses avoided, amount: [900000, 1200000, "
        "1500000]}\n"
        "  - {name: Incidents avoided, incidents: {before: 24, after: 8}, "
        "cost_per_incident: 15000}\n"
        "costs:\n"
        "  - {name: GPU training, gpu_hours: 35, rate: 32.77, discount: 0.7, "
        "per: month}\n"
        "  - {name: Inference, tokens: 120000000, price_per_1k: 0.002, per: "
        "month}\n"
        "  - {name: ML engineers, fte: 1.5, salary: 180000}\n");
    expect(o, "currency", "USD");
    expect(o, "base.B", "2500800.000000");
    expect(o, "base.C", "277009.020000");
    expect(o, "base.O", "180000.000000");
    expect(o, "base.N", "2223790.980000");
    expect(o, "base.npv", "5550925.034827");
    expect(o, "base.roi", "6.420573");
    expect(o, "base.payback", "1");
    expect(o, "low.B", "2200800.000000");
    expect(o, "low.npv", "4777795.938653");
    expect(o, "low.roi", "5.530389");
    expect(o, "high.B", "2800800.000000");
    expect(o, "high.npv", "6324054.131001");
    expect(o, "high.roi", "7.310757");
}

/* 9. NPV, ROI, payback exactly on a month, cumulative cash flow.
 *    B = 400,000, C = 160,000, O = 500,000, H = 3, r = 0.10
 *    N = 240,000 = 20,000 a month; 500,000 / 20,000 = 25 exactly, and
 *    −500,000 + 25 × 240,000 / 12 = 0 ≥ 0 → month 25.
 *    NPV = −500,000 + 218,181.818182 + 198,347.107438 + 180,315.552216
 *        = 96,844.477836
 *    ROI = (1,200,000 − 480,000 − 500,000) / (480,000 + 500,000)
 *        = 220,000 / 980,000 = 0.224490
 *    cumulative: −500,000, −260,000, −20,000, 220,000
 *    discounted: −500,000, −281,818.181818, −83,471.074380, 96,844.477836 */
static void
test_npv_roi_payback_on_the_month(void **state)
{
    const char *o = calc(*state, "horizon_years: 3\n"
                                 "discount_rate: 0.1\n"
                                 "one_time: [{name: Build, amount: 500000}]\n"
                                 "benefits: [{name: Savings, amount: "
                                 "400000}]\n"
                                 "costs: [{name: Run, amount: 160000}]\n");
    expect(o, "base.N", "240000.000000");
    expect(o, "base.npv", "96844.477836");
    expect(o, "base.roi", "0.224490");
    expect(o, "base.payback", "25");
    expect(o, "base.cum0", "-500000.000000");
    expect(o, "base.cum1", "-260000.000000");
    expect(o, "base.cum2", "-20000.000000");
    expect(o, "base.cum3", "220000.000000");
    expect(o, "base.disc1", "-281818.181818");
    expect(o, "base.disc2", "-83471.074380");
    expect(o, "base.disc3", "96844.477836");
    expect(o, "one_time.1.per", "nil");
}

/* 10. Payback not within the horizon.
 *     B = 300,000, C = 5,000 × 12 = 60,000, O = 600,000, H = 2, r = 0.05
 *     N = 240,000 = 20,000 a month: 600,000 needs 30 months > 24.
 *     NPV = −600,000 + 228,571.428571 + 217,687.074830 = −153,741.496599
 *     ROI = (600,000 − 120,000 − 600,000) / (120,000 + 600,000) =
 *           −0.166667 */
static void
test_payback_not_within_horizon(void **state)
{
    const char *o = calc(*state, "horizon_years: 2\n"
                                 "discount_rate: 0.05\n"
                                 "one_time: [{name: Build, amount: 600000}]\n"
                                 "benefits: [{name: Savings, amount: 300000, "
                                 "per: year}]\n"
                                 "costs: [{name: Run, amount: 5000, per: "
                                 "month}]\n");
    expect(o, "base.C", "60000.000000");
    expect(o, "base.npv", "-153741.496599");
    expect(o, "base.roi", "-0.166667");
    expect(o, "base.payback", "nil");
    expect(o, "base.payback_note", "not within the horizon");
}

/* 11. A horizon of 0 years counts only the one-time costs.
 *     O = 50,000: NPV = −50,000; ROI = (0 − 0 − 50,000) / (0 + 50,000) =
 *     −1; no month to pay back in; cumulative has year 0 only.
 *     Without one-time costs as well: H·C + O = 0 → no ROI, "no costs". */
static void
test_horizon_zero(void **state)
{
    struct fx *f = *state;
    const char *o = calc(f, "horizon_years: 0\n"
                            "discount_rate: 0.08\n"
                            "one_time: [{name: Build, amount: 50000}]\n"
                            "benefits: [{name: Savings, amount: 100000}]\n");
    expect(o, "horizon", "0");
    expect(o, "base.N", "100000.000000");
    expect(o, "base.npv", "-50000.000000");
    expect(o, "base.roi", "-1.000000");
    expect(o, "base.payback", "nil");
    expect(o, "base.payback_note", "not within the horizon");
    expect(o, "base.horizon_note",
           "a horizon of 0 years counts only the one-time costs");
    expect(o, "base.cum0", "-50000.000000");
    assert_null(strstr(o, "base.cum1="));
    assert_null(strstr(o, "nan"));
    assert_null(strstr(o, "inf"));

    o = calc(f, "horizon_years: 0\n"
                "discount_rate: 0\n"
                "benefits: [{name: Savings, amount: 100000}]\n"
                "costs: [{name: Run, amount: 1000}]\n");
    expect(o, "base.npv", "0.000000");
    expect(o, "base.roi", "nil");
    expect(o, "base.roi_note", "no costs");
    expect(o, "base.payback", "nil");
}

/* 12. Zero costs with one-time costs but nothing recurring, and an empty
 *     sheet: no division by zero anywhere.
 *     Empty: B = C = O = 0, H = 3: NPV 0, ROI none ("no costs"), payback
 *     month 1 (−0 + 1 × 0 / 12 = 0 ≥ 0). */
static void
test_empty_sheet(void **state)
{
    const char *o = calc(*state, "horizon_years: 3\ndiscount_rate: 0.08\n");
    expect(o, "base.npv", "0.000000");
    expect(o, "base.roi", "nil");
    expect(o, "base.roi_note", "no costs");
    expect(o, "base.payback", "1");
    expect(o, "low.cum3", "0.000000");
}

/* 13. The portfolio: two models of different horizons plus the platform;
 *     a model in another currency is left out, one without a sheet listed.
 *     A: H 2, r 0, B 100,000, O 60,000 → N 100,000, NPV 140,000
 *     B: H 1, r 0, B 50,000, C 10,000 → N 40,000, NPV 40,000
 *     platform: H 2, r 0, C 30,000, O 20,000 → N −30,000, NPV −80,000
 *     totals: B 150,000, C 40,000, O 80,000, N 110,000, NPV 100,000
 *     ROI = (2·100,000 + 1·50,000 − (60,000 + 1·10,000 + 2·30,000 +
 *           20,000)) / 150,000 = 100,000 / 150,000 = 0.666667
 *     payback: −80,000 + 110,000 m / 12 ≥ 0 → m ≥ 8.73 → month 9
 *     cumulative: −80,000; −80,000 + 110,000 = 30,000;
 *                 −80,000 + 200,000 + 40,000 − 60,000 = 100,000 */
static void
test_portfolio_totals(void **state)
{
    struct fx *f = *state;
    const char *yaml =
        "models:\n"
        "  - id: b-model\n"
        "    value: {horizon_years: 1, discount_rate: 0,\n"
        "            benefits: [{name: S, amount: 50000}],\n"
        "            costs: [{name: R, amount: 10000}]}\n"
        "  - id: a-model\n"
        "    value: {horizon_years: 2, discount_rate: 0,\n"
        "            one_time: [{name: Build, amount: 60000}],\n"
        "            benefits: [{name: S, amount: 100000}]}\n"
        "  - id: c-model\n"
        "    value: {currency: USD, horizon_years: 1, discount_rate: 0,\n"
        "            benefits: [{name: S, amount: 999999}]}\n"
        "  - id: d-model\n"
        "portfolio: {horizon_years: 2, discount_rate: 0,\n"
        "            one_time: [{name: Setup, amount: 20000}],\n"
        "            costs: [{name: Team, fte: 0.5, salary: 60000}]}\n";
    struct node *root = NULL;
    assert_int_equal(
        yml_parse(f->a, &f->d, "p.yaml", yaml, strlen(yaml), 1, &root), 0);
    const struct node *models = node_get(root, "models");
    for (size_t i = 0; i < models->n; i++) {
        const struct node *v = node_get(models->items[i], "value");
        if (v)
            assert_int_equal(value_check(v, "p.yaml", &f->d), 0);
    }
    assert_int_equal(
        value_check_portfolio(node_get(root, "portfolio"), "p.yaml", &f->d),
        0);
    const char *o = render(f, "portfolio.html", "input", root);
    expect(o, "rank1", "a-model");
    expect(o, "rank2", "b-model");
    expect(o, "missing", "d-model;");
    expect(o, "other", "c-model:USD;");
    expect(o, "base.B", "150000.000000");
    expect(o, "base.C", "40000.000000");
    expect(o, "base.O", "80000.000000");
    expect(o, "base.N", "110000.000000");
    expect(o, "base.npv", "100000.000000");
    expect(o, "base.roi", "0.666667");
    expect(o, "base.payback", "9");
    expect(o, "base.cum0", "-80000.000000");
    expect(o, "base.cum1", "30000.000000");
    expect(o, "base.cum2", "100000.000000");

    /* its JSON twin reads back as JSON, models in rank order */
    o = render(f, "ptwin.html", "input", root);
    struct node *tw = NULL;
    if (yml_parse(f->a, &f->d, "ptwin.json", o, strlen(o), 1, &tw) != 0) {
        print_diags(&f->d);
        fail_msg("portfolio twin is not valid JSON:\n%s", o);
    }
    const struct node *ms = node_get(tw, "models");
    assert_int_equal(ms->n, 2);
    assert_string_equal(node_get_str(ms->items[0], "id"), "a-model");
    const struct node *tot = node_get(tw, "totals");
    assert_int_equal(tot->n, 3);
    assert_string_equal(node_get_str(tot->items[1], "npv"), "100000");
    assert_string_equal(node_get_str(tot->items[1], "payback_months"), "9");
    assert_string_equal(node_get(tw, "without_value_sheet")->items[0]->str,
                        "d-model");
    assert_string_equal(node_get(tw, "other_currency")->items[0]->str,
                        "c-model");
}

/* 14. Velocity: days from the first release's ideation date to the first
 *     production release, in ideation order.
 *     credit: 2023-03-06 → 2023-06-12: 25 + 30 + 31 + 12 = 98 days
 *     fraud:  2024-02-05 → 2024-02-23: 18 days
 *     leap:   2024-02-28 → 2024-03-01: 2 days (29 February)
 *     2023-12-31 → 2024-01-01: 1; 2000-01-01 → 2001-01-01: 366 */
static void
test_velocity(void **state)
{
    struct fx *f = *state;
    const char *yaml =
        "models:\n"
        "  - id: fraud\n"
        "    releases:\n"
        "      - {version: '1.0', date: 2024-02-23, status: production,\n"
        "         ideation: 2024-02-05}\n"
        "  - id: credit\n"
        "    releases:\n"
        "      - {version: '0.9', date: 2023-05-01, status: staging,\n"
        "         ideation: 2023-03-06}\n"
        "      - {version: '1.0', date: 2023-06-12, status: production}\n"
        "      - {version: '1.1', date: 2023-12-04, status: production}\n"
        "  - id: pending\n"
        "    releases:\n"
        "      - {version: '0.1', date: 2026-06-22, status: development,\n"
        "         ideation: 2026-06-01}\n"
        "  - id: undated\n"
        "    releases: [{version: '1.0', date: 2024-01-01, status: "
        "production}]\n"
        "dates:\n"
        "  - [2024-02-28, 2024-03-01]\n"
        "  - [2023-12-31, 2024-01-01]\n"
        "  - [2000-01-01, 2001-01-01]\n";
    struct node *root = NULL;
    assert_int_equal(
        yml_parse(f->a, &f->d, "v.yaml", yaml, strlen(yaml), 1, &root), 0);
    const char *o = render(f, "portfolio.html", "input", root);
    expect(o, "vel1", "credit:98");
    expect(o, "vel2", "fraud:18");
    expect(o, "vel3", "pending:nil");
    expect(o, "vel.missing", "undated;");
    expect(o, "vel.first", "credit");
    expect(o, "vel.latest", "fraud");
    expect(o, "days1", "2");
    expect(o, "days2", "1");
    expect(o, "days3", "366");
}

/* The JSON twin is valid JSON (read back through the YAML loader) with
 * every figure of every scenario. Figures of case 9. */
static void
test_json_twin(void **state)
{
    struct fx *f = *state;
    const struct node *sheet =
        valid(f,
              "horizon_years: 3\n"
              "discount_rate: 0.1\n"
              "one_time: [{name: Build, amount: 500000}]\n"
              "benefits: [{name: 'Savings \"A\\\\B\"\t', amount: [300000, "
              "400000, 500000]}]\n"
              "costs: [{name: Run, amount: 160000}]\n",
              false);
    const char *o = render(f, "twin.html", "sheet", sheet);
    struct node *root = NULL;
    if (yml_parse(f->a, &f->d, "twin.json", o, strlen(o), 1, &root) != 0) {
        print_diags(&f->d);
        fail_msg("twin is not valid JSON:\n%s", o);
    }
    const struct node *sc = node_get(root, "scenarios");
    assert_non_null(sc);
    assert_int_equal(sc->n, 3);
    const struct node *base = sc->items[1];
    assert_string_equal(node_get_str(base, "scenario"), "base");
    assert_string_equal(node_get_str(base, "payback_months"), "25");
    assert_string_equal(node_get_str(base, "net_yearly"), "240000");
    assert_int_equal(node_get(base, "roi_note")->type, NODE_NULL);
    assert_int_equal(node_get(base, "cumulative")->n, 4);
    const struct node *items = node_get(root, "items");
    assert_int_equal(items->n, 3);
    /* benefits, then costs, then one-time costs */
    assert_string_equal(node_get_str(items->items[0], "section"), "benefits");
    assert_string_equal(node_get_str(items->items[2], "section"), "one_time");
    assert_string_equal(
        node_get_str(node_get(items->items[0], "value"), "low"), "300000");
    /* quotes, backslashes and control characters survive the round trip */
    assert_string_equal(node_get_str(items->items[0], "name"),
                        "Savings \"A\\\\B\"\t");
}

/* A sheet the generator would refuse still fails loudly in Lua, never with
 * made-up figures. */
static void
test_lua_refuses_two_kinds(void **state)
{
    struct fx *f = *state;
    const char *yaml = "horizon_years: 1\ndiscount_rate: 0\n"
                       "benefits: [{name: Both, amount: 5, fte: 1, "
                       "salary: 2}]\n";
    struct node *root = NULL;
    assert_int_equal(
        yml_parse(f->a, &f->d, "x.yaml", yaml, strlen(yaml), 1, &root), 0);
    lua_State *L = template_engine_lua(f->e);
    lua_newtable(L);
    luadata_push_node(L, root);
    lua_setfield(L, -2, "sheet");
    buf_reset(&f->out);
    assert_int_equal(template_render(f->e, "calc.html", &f->out, &f->d), -1);
    assert_int_equal(f->d.n, 1);
    assert_non_null(strstr(f->d.v[0].msg, "item 'Both' is of two kinds"));
}

/* ==== (b) the input checks ============================================= */

/* value_check() (or the portfolio check) of yaml, as "L:C: level: msg"
 * lines. */
static const char *
diags(const char *yaml, bool portfolio, int *rc)
{
    static char out[8192];
    struct arena *a = arena_new();
    struct diag d;
    diag_init(&d);
    struct node *root = NULL;
    *rc = yml_parse(a, &d, "v.yaml", yaml, strlen(yaml), 1, &root);
    if (*rc == 0)
        *rc = portfolio ? value_check_portfolio(root, "v.yaml", &d)
                        : value_check(root, "v.yaml", &d);
    out[0] = '\0';
    for (size_t i = 0; i < d.n; i++) {
        char line[1024];
        snprintf(line, sizeof line, "%u:%u: %s: %s\n", d.v[i].line,
                 d.v[i].col, d.v[i].level == DIAG_ERROR ? "error" : "warning",
                 d.v[i].msg);
        strncat(out, line, sizeof out - strlen(out) - 1);
    }
    diag_release(&d);
    arena_free(a);
    return out;
}

#define HEAD "horizon_years: 3\ndiscount_rate: 0.08\n"

struct bad {
    const char *yaml;
    const char *want;
};

static void
run_bad(const struct bad *cases, size_t n, bool portfolio)
{
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        int rc;
        const char *got = diags(cases[i].yaml, portfolio, &rc);
        if (strcmp(got, cases[i].want) != 0 || rc != -1) {
            print_error("case %zu (rc %d):\n%s--- got:\n%s--- want:\n%s\n", i,
                        rc, cases[i].yaml, got, cases[i].want);
            failed++;
        }
    }
    assert_int_equal(failed, 0);
}

static void
test_bad_items(void **state)
{
    (void)state;
    static const struct bad cases[] = {
        /* unknown key, with a did-you-mean, as an error */
        {HEAD "costs:\n"
              "  - {name: G, gpu_hours: 10, rate: 3, discont: 0.7}\n",
         "4:39: error: unknown key 'discont' in a value item (did you mean "
         "'discount'?)\n"},
        {HEAD "benfits: []\n",
         "3:1: error: unknown key 'benfits' in value.yaml (did you mean "
         "'benefits'?)\n"},
        /* negative numbers */
        {HEAD "benefits:\n"
              "  - {name: X, hours: 1, people: 2, rate: -5}\n",
         "4:42: error: negative value '-5' for 'rate' in benefit 'X' (it "
         "must be 0 or more)\n"},
        {HEAD "benefits:\n"
              "  - {name: X, hours: [-1, 2, 3], people: 2, rate: 5}\n",
         "4:23: error: negative value '-1' for 'hours' in benefit 'X' (it "
         "must be 0 or more)\n"},
        {HEAD "benefits:\n"
              "  - {name: X, amount: -100}\n",
         "4:23: error: negative value '-100' for 'amount' in benefit 'X' (it "
         "must be 0 or more)\n"},
        /* discount outside [0, 1) */
        {HEAD "costs:\n"
              "  - {name: G, gpu_hours: 10, rate: 3, discount: 1.0}\n",
         "4:49: error: discount '1.0' is outside [0, 1) in cost 'G' (write "
         "70% off as 0.7)\n"},
        {HEAD "costs:\n"
              "  - {name: G, gpu_hours: 10, rate: 3, discount: [-0.1, 0.5, "
              "0.6]}\n",
         "4:50: error: discount '-0.1' is outside [0, 1) in cost 'G' (write "
         "70% off as 0.7)\n"},
        /* triples */
        {HEAD "benefits:\n"
              "  - {name: X, amount: [3, 2, 1]}\n",
         "4:23: error: triple '[3, 2, 1]' for 'amount' in benefit 'X' is not "
         "in low ≤ base ≤ high order\n"},
        {HEAD "benefits:\n"
              "  - {name: X, amount: [1, 2]}\n",
         "4:23: error: list of 2 values for 'amount' in benefit 'X'; "
         "expected a number or a [low, base, high] triple\n"},
        {HEAD "benefits:\n"
              "  - {name: X, amount: [1, two, 3]}\n",
         "4:27: error: text 'two' in the 'amount' triple of benefit 'X' is "
         "not a number\n"},
        {HEAD "benefits:\n"
              "  - {name: X, amount: lots}\n",
         "4:23: error: text 'lots' for 'amount' in benefit 'X'; expected a "
         "number or a [low, base, high] triple\n"},
        {HEAD "benefits:\n"
              "  - {name: X, amount: \"85\"}\n",
         "4:23: error: text '85' for 'amount' in benefit 'X'; expected a "
         "number or a [low, base, high] triple\n"},
        {HEAD "benefits:\n"
              "  - {name: X, amount: .inf}\n",
         "4:23: error: '.inf' for 'amount' in benefit 'X' is not a finite "
         "number\n"},
        /* 'per' where it is not allowed */
        {HEAD "costs:\n"
              "  - {name: Staff, fte: 2, salary: 90000, per: month}\n",
         "4:42: error: 'per' ('month') is not allowed on cost 'Staff', an "
         "fte item: salary is already yearly\n"},
        {HEAD "one_time:\n"
              "  - {name: Build, amount: 1000, per: month}\n",
         "4:33: error: 'per' ('month') is not allowed on one-time cost "
         "'Build': it is spent once\n"},
        {HEAD "benefits:\n"
              "  - {name: X, amount: 1, per: fortnight}\n",
         "4:31: error: 'per' is 'fortnight'; expected one of: day, week, "
         "month, quarter, year\n"},
        /* kinds */
        {HEAD "benefits:\n"
              "  - {name: Mystery, rate: 5}\n",
         "4:5: error: benefit 'Mystery' matches no kind of item; give hours, "
         "people and rate; amount; incidents and cost_per_incident; "
         "gpu_hours and rate; tokens and price_per_1k; or fte and salary\n"},
        {HEAD "benefits:\n"
              "  - {name: Mix, hours: 1, people: 2, rate: 3, amount: 4}\n",
         "4:47: error: benefit 'Mix' matches two kinds: 'hours' makes it a "
         "people-time item and 'amount' an amount item; split it into two "
         "items\n"},
        {HEAD "costs:\n"
              "  - {name: G, gpu_hours: 10}\n",
         "4:5: error: missing 'rate' for cost 'G' (a GPU item is gpu_hours × "
         "rate × (1 − discount))\n"},
        {HEAD "benefits:\n"
              "  - {name: X, amount: 5, rate: 3}\n",
         "4:26: error: 'rate' does not apply to benefit 'X', an amount "
         "item\n"},
        /* incidents */
        {HEAD "benefits:\n"
              "  - {name: I, incidents: {before: 24, after: [20, 22, 30]}, "
              "cost_per_incident: 10}\n",
         "4:55: error: 'after' ('30') is more than 'before' ('24') in "
         "benefit 'I'; incidents avoided cannot be negative\n"},
        {HEAD "benefits:\n"
              "  - {name: I, incidents: {before: 24}, cost_per_incident: "
              "10}\n",
         "4:26: error: missing required field 'after' in incidents\n"},
        {HEAD "benefits:\n"
              "  - {name: I, incidents: {befor: 24, after: 8}, "
              "cost_per_incident: 10}\n",
         "4:26: error: missing required field 'before' in incidents\n"
         "4:27: error: unknown key 'befor' in incidents (did you mean "
         "'before'?)\n"},
        /* the schema's own checks */
        {HEAD "benefits:\n"
              "  - {amount: 5}\n",
         "4:5: error: missing required field 'name' in a value item\n"},
        {HEAD "benefits:\n"
              "  - name: X\n"
              "    amount:\n",
         "5:12: error: no value for 'amount' in benefit 'X'; expected a "
         "number or a [low, base, high] triple\n"},
    };
    run_bad(cases, sizeof cases / sizeof *cases, false);
}

static void
test_bad_sheet(void **state)
{
    (void)state;
    static const struct bad cases[] = {
        {"currency: EURO\n" HEAD,
         "1:11: error: currency 'EURO' is not an ISO 4217 code (did you "
         "mean 'EUR'?)\n"},
        {"currency: eur\n" HEAD,
         "1:11: error: currency 'eur' is not an ISO 4217 code (did you mean "
         "'EUR'?)\n"},
        {"currency: ZZZ\n" HEAD,
         "1:11: error: currency 'ZZZ' is not an ISO 4217 code\n"},
        {"currency: HRK\n" HEAD,
         "1:11: error: currency 'HRK' is not an ISO 4217 code\n"},
        {"horizon_years: 2.5\ndiscount_rate: 0\n",
         "1:16: error: horizon_years '2.5' is not a whole number ≥ 0\n"},
        {"horizon_years: -1\ndiscount_rate: 0\n",
         "1:16: error: horizon_years '-1' is not a whole number ≥ 0\n"},
        {"horizon_years: 150\ndiscount_rate: 0\n",
         "1:16: error: horizon_years '150' is more than 100 years\n"},
        {"horizon_years: three\ndiscount_rate: 0\n",
         "1:16: error: 'horizon_years' must be a number, not 'three'\n"},
        {"horizon_years: 3\ndiscount_rate: 1\n",
         "2:16: error: discount_rate '1' is outside [0, 1) (write 8% as "
         "0.08)\n"},
        {"horizon_years: 3\ndiscount_rate: -0.01\n",
         "2:16: error: discount_rate '-0.01' is outside [0, 1) (write 8% as "
         "0.08)\n"},
        {"discount_rate: 0\n",
         "1:1: error: missing required field 'horizon_years' in "
         "value.yaml\n"},
        {"", "1:1: error: value.yaml is empty; expected a mapping of "
             "fields\n"},
        {"- 1\n",
         "1:1: error: value.yaml must be a mapping of fields, not a list\n"},
    };
    run_bad(cases, sizeof cases / sizeof *cases, false);
}

static void
test_bad_portfolio(void **state)
{
    (void)state;
    static const struct bad cases[] = {
        {HEAD "benefits: []\n",
         "3:1: error: unknown key 'benefits' in portfolio.yaml\n"},
        {HEAD "costs:\n"
              "  - {name: Team, fte: -6, salary: 98000}\n",
         "4:23: error: negative value '-6' for 'fte' in platform cost 'Team' "
         "(it must be 0 or more)\n"},
        {HEAD "one_time:\n"
              "  - {name: Setup, amount: 5, per: year}\n",
         "4:30: error: 'per' ('year') is not allowed on one-time platform "
         "cost 'Setup': it is spent once\n"},
        {HEAD "maturity:\n"
              "  feature_store: {shared_stor: true}\n",
         "4:19: error: unknown key 'shared_stor' in the feature_store "
         "answers (did you mean 'shared_store'?)\n"},
        {HEAD "maturity:\n"
              "  featurestore: {shared_store: true}\n",
         "4:3: error: unknown key 'featurestore' in maturity (did you mean "
         "'feature_store'?)\n"},
        {HEAD "maturity:\n"
              "  feature_store: {shared_store: yes}\n",
         "4:33: error: 'shared_store' must be true or false, not 'yes'\n"},
        {HEAD "maturity:\n"
              "  assessed_on: 2026-02-30\n",
         "4:16: error: invalid date '2026-02-30' for 'assessed_on' "
         "(expected a real day as YYYY-MM-DD)\n"},
        {"currency: EURO\n" HEAD,
         "1:11: error: currency 'EURO' is not an ISO 4217 code (did you "
         "mean 'EUR'?)\n"},
    };
    run_bad(cases, sizeof cases / sizeof *cases, true);
}

/* Every kind, ranges and notes: no diagnostics at all. */
static void
test_valid_sheet_is_silent(void **state)
{
    valid(*state,
          "currency: GBP\n" HEAD "notes: Some *Markdown*.\n"
          "one_time: [{name: B, amount: 1, note: once}]\n"
          "benefits:\n"
          "  - {name: T, hours: [1, 2, 3], people: 2, rate: 3, per: day}\n"
          "  - {name: I, incidents: {before: [20, 24, 30], after: [5, 8, "
          "10]}, cost_per_incident: 5, per: quarter}\n"
          "costs:\n"
          "  - {name: G, gpu_hours: 1, rate: 2, per: week}\n"
          "  - {name: K, tokens: 1, price_per_1k: 0.5, per: year}\n"
          "  - {name: F, fte: 0.5, salary: [1, 2, 2]}\n",
          false);
}

static void
test_currency_codes(void **state)
{
    (void)state;
    assert_true(value_is_currency("EUR"));
    assert_true(value_is_currency("USD"));
    assert_true(value_is_currency("AED"));
    assert_true(value_is_currency("ZWL"));
    assert_true(value_is_currency("XCG"));
    assert_false(value_is_currency("eur"));
    assert_false(value_is_currency("HRK"));
    assert_false(value_is_currency("EU"));
    assert_false(value_is_currency(""));
    assert_false(value_is_currency(NULL));
}

/* The demo content: every value sheet and portfolio.yaml pass with no
 * diagnostic at all. */
static void
test_demo_content_is_valid(void **state)
{
    struct fx *f = *state;
    static const char *const ids[] = {
        "churn-predictor",    "claims-triage",   "credit-risk-scorer",
        "fraud-detector",     "resume-screener", "support-assistant",
    };
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        char *path = xasprintf(VALUE_ROOT "/content/models/%s/value.yaml",
                               ids[i]);
        struct node *root = NULL;
        assert_int_equal(yml_load_file(f->a, &f->d, path, &root), 0);
        assert_int_equal(value_check(root, path, &f->d), 0);
        free(path);
    }
    struct node *root = NULL;
    const char *pp = VALUE_ROOT "/content/portfolio.yaml";
    assert_int_equal(yml_load_file(f->a, &f->d, pp, &root), 0);
    assert_int_equal(value_check_portfolio(root, pp, &f->d), 0);
    if (f->d.n)
        print_diags(&f->d);
    assert_int_equal(f->d.n, 0);
}

/* ==== (c) maturity ===================================================== */

static void
test_maturity_scoring(void **state)
{
    struct fx *f = *state;
    const struct node *ans = valid(
        f,
        HEAD "maturity:\n"
             /* every question yes: the top level, nothing next */
             "  experiment_tracking: {runs_logged: true, lineage: true,\n"
             "    baseline_comparison: true, results_archived: true}\n"
             /* a level-1 no keeps it at 0 whatever is above */
             "  ci_cd: {pipeline_orchestrated: false, pipeline_tested: "
             "true,\n"
             "    pipeline_deployed: true, release_gates: true}\n"
             /* level 1 complete, one of two level-2 questions no */
             "  feature_store: {features_in_pipeline: true, shared_store: "
             "true,\n"
             "    features_tested: false, skew_monitored: true}\n"
             /* an unanswered question counts as no */
             "  monitoring: {service_monitored: true, drift_monitored: "
             "true}\n"
             /* level 2 complete, one of two level-3 questions no */
             "  governance: {inventory: true, docs_generated: true,\n"
             "    decisions_audited: true, periodic_review: false}\n",
        true);
    const char *o = render(f, "maturity.html", "answers",
                           node_get(ans, "maturity"));
    expect(o, "experiment_tracking.level", "3");
    expect(o, "experiment_tracking.name", "Governed and measured");
    expect(o, "experiment_tracking.next", "nil");
    expect(o, "ci_cd.level", "0");
    expect(o, "ci_cd.name", "Manual process");
    expect(o, "ci_cd.next",
           "1:Run training as an orchestrated pipeline that retrains "
           "without manual steps.");
    /* yes above level 1: pipeline_tested, pipeline_deployed (2) and
     * release_gates (3) */
    expect(o, "ci_cd.ahead", "3");
    expect(o, "feature_store.level", "1");
    expect(o, "feature_store.next", "2:Test and deploy feature pipelines "
                                    "through CI/CD.");
    expect(o, "feature_store.ahead", "1");
    expect(o, "monitoring.level", "1");
    expect(o, "monitoring.next",
           "2:Let monitoring alerts start the training pipeline.");
    expect(o, "governance.level", "2");
    expect(o, "governance.next",
           "3:Review every model on a fixed cycle and record the outcome.");
    /* not assessed: level 0 but left out of the overall level */
    expect(o, "model_registry.assessed", "false");
    expect(o, "model_registry.level", "0");
    expect(o, "assessed", "5");
    expect(o, "overall", "0");
    /* (3 + 0 + 1 + 1 + 2) / 5 = 1.4 */
    expect(o, "mean", "1.400000");
}

static void
test_maturity_not_assessed(void **state)
{
    struct fx *f = *state;
    const struct node *ans = valid(f, HEAD "maturity: {}\n", true);
    const char *o = render(f, "maturity.html", "answers",
                           node_get(ans, "maturity"));
    expect(o, "assessed", "0");
    expect(o, "overall", "nil");
    expect(o, "mean", "nil");
    expect(o, "governance.assessed", "false");
    expect(o, "governance.next", "1:Keep every model in an inventory with an "
                                 "owner and a risk class.");
}

/* The question ids of maturity.lua and of the portfolio schema are the
 * same, in the same order. */
static void
test_maturity_questions_match_schema(void **state)
{
    struct fx *f = *state;
    const char *o = render(f, "questions.html", "unused", NULL);
    struct buf want;
    buf_init(&want);
    const struct schema_field *mf = NULL;
    for (const struct schema_field *x = schema_portfolio.fields; x->key; x++)
        if (strcmp(x->key, "maturity") == 0)
            mf = x;
    assert_non_null(mf);
    for (const struct schema_field *c = mf->sub->fields; c->key; c++) {
        if (c->kind != SCHEMA_MAP)
            continue;
        for (const struct schema_field *q = c->sub->fields; q->key; q++)
            if (q->kind == SCHEMA_BOOL)
                buf_printf(&want, "%s.%s\n", c->key, q->key);
    }
    assert_string_equal(o, want.data);
    buf_release(&want);
}

/* ==== the pages, with the demo project ================================= */

/* How the pages get their charts: none (chart is nil, as before the chart
 * helper existed), a stand-in that checks the specs, or the real chart
 * module. */
enum chart_mode { CHARTS_NONE, CHARTS_STUB, CHARTS_REAL };

static int chart_stub_calls;

/* A stand-in for _chart_html: checks the spec's shape, returns a marker. */
static int
chart_stub(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_getfield(L, 1, "type");
    const char *t = luaL_checkstring(L, -1);
    if (strcmp(t, "waterfall") && strcmp(t, "line") && strcmp(t, "hbar"))
        return luaL_error(L, "unexpected chart type '%s'", t);
    lua_getfield(L, 1, "x");
    luaL_checktype(L, -1, LUA_TTABLE);
    lua_Integer nx = luaL_len(L, -1);
    lua_getfield(L, 1, strcmp(t, "waterfall") ? "series" : "values");
    luaL_checktype(L, -1, LUA_TTABLE);
    if (strcmp(t, "waterfall") == 0 && luaL_len(L, -1) != nx)
        return luaL_error(L, "waterfall: %d labels, %d values", (int)nx,
                          (int)luaL_len(L, -1));
    chart_stub_calls++;
    lua_pushfstring(L, "<svg class=\"stub-%s\"></svg>", t);
    return 1;
}

/* True when word occurs in s on its own (not inside a longer word), so
 * that "nan" is found but "finance" is not. */
static bool
has_word(const char *s, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = strstr(s, word); p; p = strstr(p + 1, word)) {
        bool before = p > s && ((p[-1] >= 'a' && p[-1] <= 'z') ||
                                (p[-1] >= 'A' && p[-1] <= 'Z'));
        bool after = (p[n] >= 'a' && p[n] <= 'z') ||
                     (p[n] >= 'A' && p[n] <= 'Z');
        if (!before && !after)
            return true;
    }
    return false;
}

static void
save(const char *dir, const char *rel, const struct buf *b)
{
    char *path = file_join(dir, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    file_mkdirs(path);
    *slash = '/';
    assert_int_equal(file_write(path, b->data, b->len), 0);
    free(path);
}

static void
check_page(const char *html, enum chart_mode mode, const char *marker)
{
    assert_false(has_word(html, "nan"));
    assert_false(has_word(html, "inf"));
    assert_false(has_word(html, "NaN"));
    if (mode == CHARTS_NONE)
        assert_null(strstr(html, "<svg"));
    else if (mode == CHARTS_STUB)
        assert_non_null(strstr(html, marker));
    else
        assert_non_null(strstr(html, "<svg"));
}

/* Loads the demo project as the build does, adds what the lead's wiring
 * will add (model.value, site.portfolio) and renders both pages. */
static void
render_pages(enum chart_mode mode, const char *outdir)
{
    struct diag d, pd;
    diag_init(&d);
    diag_init(&pd);
    struct project p;
    project_load(&p, VALUE_ROOT, &pd); /* others' work may warn; ignored */
    assert_true(p.nmodels >= 6); /* the demo grows */
    struct template_engine *e = engine(&d);
    assert_non_null(e);
    lua_State *L = template_engine_lua(e);
    if (mode == CHARTS_NONE) {
        lua_pushnil(L);
        template_set_global(e, "chart");
    } else {
        template_register(e, "_chart_html",
                          mode == CHARTS_STUB ? chart_stub : chart_lua_html);
    }
    luadata_push_site(L, &p, "dossier test");
    template_set_global(e, "site");

    lua_getfield(L, LUA_REGISTRYINDEX, "dossier.G");
    lua_getfield(L, -1, "site");
    lua_getfield(L, -1, "models");
    for (size_t i = 0; i < p.nmodels; i++) {
        if (!p.models[i].value_path)
            continue; /* a model without a value sheet */
        char *path = xasprintf(VALUE_ROOT "/content/models/%s/value.yaml",
                               p.models[i].id);
        struct node *root = NULL;
        assert_int_equal(yml_load_file(p.arena, &d, path, &root), 0);
        assert_int_equal(value_check(root, path, &d), 0);
        lua_geti(L, -1, (lua_Integer)i + 1);
        luadata_push_node(L, root);
        lua_setfield(L, -2, "value");
        lua_pop(L, 1);
        free(path);
    }
    lua_pop(L, 1); /* models */
    struct node *pf = NULL;
    assert_int_equal(
        yml_load_file(p.arena, &d, VALUE_ROOT "/content/portfolio.yaml", &pf),
        0);
    assert_int_equal(value_check_portfolio(pf, "portfolio.yaml", &d), 0);
    luadata_push_node(L, pf);
    lua_setfield(L, -2, "portfolio");
    lua_pop(L, 2); /* site, G */

    struct buf out;
    buf_init(&out);
    for (size_t i = 0; i < p.nmodels; i++) {
        if (!p.models[i].value_path)
            continue;
        char *rel = xasprintf("models/%s/value.html", p.models[i].id);
        lua_newtable(L);
        lua_newtable(L);
        lua_pushstring(L, rel);
        lua_setfield(L, -2, "path");
        lua_pushstring(L, "value");
        lua_setfield(L, -2, "kind");
        lua_setfield(L, -2, "page");
        lua_getfield(L, LUA_REGISTRYINDEX, "dossier.G");
        lua_getfield(L, -1, "site");
        lua_getfield(L, -1, "model_by_id");
        lua_getfield(L, -1, p.models[i].id);
        lua_setfield(L, -5, "model");
        lua_pop(L, 3);
        buf_reset(&out);
        int rc = template_render(e, "value.html", &out, &d);
        if (rc)
            print_diags(&d);
        assert_int_equal(rc, 0);
        assert_non_null(strstr(out.data, "Three scenarios"));
        assert_non_null(strstr(out.data, "Cumulative cash flow"));
        assert_non_null(strstr(out.data, "How the figures are worked out"));
        check_page(out.data, mode, "stub-waterfall");
        if (strcmp(p.models[i].id, "credit-risk-scorer") == 0) {
            /* B = 2,400,000 + 6 × 18 × 68 × 52 = 2,781,888
             * C = 1.5 × 98,000 + 65,000 + 4,200 × 12 = 262,400
             * O = 420,000 + 85,000 = 505,000; N = 2,519,488
             * NPV = −505,000 + 2,519,488 × 2.577097 = 5,987,964.93 */
            assert_non_null(strstr(out.data, "€2,781,888"));
            assert_non_null(strstr(out.data, "€262,400"));
            assert_non_null(strstr(out.data, "€5,987,965"));
        }
        if (outdir)
            save(outdir, rel, &out);
        free(rel);
    }

    lua_newtable(L);
    lua_newtable(L);
    lua_pushstring(L, "value.html");
    lua_setfield(L, -2, "path");
    lua_pushstring(L, "value");
    lua_setfield(L, -2, "kind");
    lua_setfield(L, -2, "page");
    buf_reset(&out);
    int rc = template_render(e, "portfolio-value.html", &out, &d);
    if (rc)
        print_diags(&d);
    assert_int_equal(rc, 0);
    /* velocity of the demo: 98 days for the first model (2023-03-06 to
     * 2023-06-12), 11 for the support assistant (2025-01-13 to 01-24) */
    assert_non_null(strstr(out.data, "98 days (14 weeks)"));
    assert_non_null(strstr(out.data, "<strong>11 days</strong>"));
    assert_non_null(strstr(out.data, "Value per model"));
    assert_non_null(strstr(out.data, "Feature store"));
    assert_non_null(strstr(out.data, "What the next level needs"));
    check_page(out.data, mode, "stub-hbar");
    if (outdir)
        save(outdir, "value.html", &out);
    buf_release(&out);
    if (d.n)
        print_diags(&d);
    assert_int_equal(d.n, 0);
    template_engine_free(e);
    project_release(&p);
    diag_release(&d);
    diag_release(&pd);
}

/* VALUE_OUT=dir also writes the pages there (with the theme's CSS), the
 * real charts in dir/ and the chartless ones in dir/no-charts/. */
static char *
out_dir(const char *sub)
{
    const char *dir = getenv("VALUE_OUT");
    if (!dir || !*dir)
        return NULL;
    char *path = sub ? file_join(dir, sub) : xstrdup(dir);
    struct buf css;
    buf_init(&css);
    struct diag d;
    diag_init(&d);
    assert_int_equal(
        file_read(&d, NULL, TEMPLATES "/assets/style.css", 1u << 20, &css), 0);
    save(path, "assets/style.css", &css);
    buf_release(&css);
    diag_release(&d);
    return path;
}

static void
test_pages_without_charts(void **state)
{
    (void)state;
    char *dir = out_dir("no-charts");
    render_pages(CHARTS_NONE, dir);
    free(dir);
}

static void
test_pages_chart_specs(void **state)
{
    (void)state;
    chart_stub_calls = 0;
    render_pages(CHARTS_STUB, NULL);
    /* per model a waterfall and a line; on the portfolio an hbar and a
     * line */
    assert_int_equal(chart_stub_calls, 6 * 2 + 2);
}

static void
test_pages_with_real_charts(void **state)
{
    (void)state;
    char *dir = out_dir(NULL);
    render_pages(CHARTS_REAL, dir);
    free(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_people_time_no_costs, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_triples_and_scenarios, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_incidents_range_on_after, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_gpu_spot_discount, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tokens_and_fte, setup, teardown),
        cmocka_unit_test_setup_teardown(test_per_multipliers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ranges_on_several_inputs, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_issue_example, setup, teardown),
        cmocka_unit_test_setup_teardown(test_npv_roi_payback_on_the_month,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_payback_not_within_horizon,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_horizon_zero, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_sheet, setup, teardown),
        cmocka_unit_test_setup_teardown(test_portfolio_totals, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_velocity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_twin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lua_refuses_two_kinds, setup,
                                        teardown),
        cmocka_unit_test(test_bad_items),
        cmocka_unit_test(test_bad_sheet),
        cmocka_unit_test(test_bad_portfolio),
        cmocka_unit_test_setup_teardown(test_valid_sheet_is_silent, setup,
                                        teardown),
        cmocka_unit_test(test_currency_codes),
        cmocka_unit_test_setup_teardown(test_demo_content_is_valid, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_maturity_scoring, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_maturity_not_assessed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_maturity_questions_match_schema,
                                        setup, teardown),
        cmocka_unit_test(test_pages_without_charts),
        cmocka_unit_test(test_pages_chart_specs),
        cmocka_unit_test(test_pages_with_real_charts),
    };
    return cmocka_run_group_tests_name("value", tests, NULL, NULL);
}
