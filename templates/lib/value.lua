-- value: what a model is worth in money. The formulas of the value sheets.
--
-- This file is meant to be read by the finance team as much as by
-- engineers. Every figure on the value pages (out/models/<id>/value.html,
-- out/value.html) and in their JSON twins is computed here, and each rule
-- is written out in words beside its code: change a rule here and every
-- page follows. The inputs, content/models/<id>/value.yaml and
-- content/portfolio.yaml, have already been checked by the generator:
-- numbers are not negative, discounts are below 1, every [low, base, high]
-- range is in order, every item is of exactly one kind and `per` appears
-- only where it may. Nothing is rounded here; pages round when they print.
--
-- Everything ordered is returned as an array, so pages never depend on the
-- order of a Lua table's keys.
local M = {}

---------------------------------------------------------------------------
-- 1. How often an item occurs: `per`
---------------------------------------------------------------------------
-- An item's base figure occurs once per day, week, month, quarter or year.
-- Its yearly figure is the base times the count below. A working year has
-- 260 days (52 weeks of 5 working days). Without `per` the base is a
-- yearly figure already.
M.PER = { day = 260, week = 52, month = 12, quarter = 4, year = 1 }
M.PER_ORDER = { "day", "week", "month", "quarter", "year" }

function M.per_count(per)
  return M.PER[per or "year"]
end

---------------------------------------------------------------------------
-- 2. Ranges: [low, base, high]
---------------------------------------------------------------------------
-- Any number may be written as a range [low, base, high] instead of one
-- figure; one figure x means [x, x, x]. pick(x, "low") is the low figure.
local POSITION = { low = 1, base = 2, high = 3 }

function M.pick(x, which)
  if type(x) == "table" then x = x[POSITION[which]] end
  return x + 0.0 -- a decimal number, so large products never wrap around
end

function M.is_range(x)
  return type(x) == "table"
end

---------------------------------------------------------------------------
-- 3. Kinds of item and their base figure
---------------------------------------------------------------------------
-- Each item is of exactly one kind, told by the inputs it has. Its base
-- figure is:
--   people time   hours × people × rate
--   amount        amount
--   incidents     (incidents before − incidents after) × cost per incident
--   GPU compute   GPU hours × rate × (1 − discount)   (discount: 0.7 = 70%
--                 off, for spot or committed-use prices; none means 0)
--   LLM tokens    tokens ÷ 1,000 × price per 1,000 tokens
--   staff         FTE × salary (salary is yearly, so `per` is not allowed)
M.KINDS = {
  { id = "time", label = "People time", words = "hours × people × rate",
    inputs = { "hours", "people", "rate" },
    base = function(v) return v.hours * v.people * v.rate end },
  { id = "amount", label = "Amount", words = "amount",
    inputs = { "amount" },
    base = function(v) return v.amount end },
  { id = "incidents", label = "Incidents avoided",
    words = "(incidents before − incidents after) × cost per incident",
    inputs = { "incidents.before", "incidents.after", "cost_per_incident" },
    base = function(v)
      return (v["incidents.before"] - v["incidents.after"]) * v.cost_per_incident
    end },
  { id = "gpu", label = "GPU compute", words = "GPU hours × rate × (1 − discount)",
    inputs = { "gpu_hours", "rate", "discount" }, optional = { discount = 0 },
    base = function(v) return v.gpu_hours * v.rate * (1 - v.discount) end },
  { id = "tokens", label = "LLM tokens",
    words = "tokens ÷ 1,000 × price per 1,000 tokens",
    inputs = { "tokens", "price_per_1k" },
    base = function(v) return v.tokens / 1000 * v.price_per_1k end },
  { id = "fte", label = "Staff", words = "FTE × yearly salary",
    inputs = { "fte", "salary" }, yearly = true,
    base = function(v) return v.fte * v.salary end },
}
M.KIND = {}
for _, k in ipairs(M.KINDS) do M.KIND[k.id] = k end

-- The inputs that tell an item's kind. `rate` (people time and GPU time)
-- and `per` are shared and do not.
M.SIGNATURE = {
  { "hours", "time" }, { "people", "time" }, { "amount", "amount" },
  { "incidents", "incidents" }, { "cost_per_incident", "incidents" },
  { "gpu_hours", "gpu" }, { "discount", "gpu" },
  { "tokens", "tokens" }, { "price_per_1k", "tokens" },
  { "fte", "fte" }, { "salary", "fte" },
}

-- Names of inputs as a page shows them.
M.INPUT_LABELS = {
  hours = "Hours", people = "People", rate = "Rate", amount = "Amount",
  ["incidents.before"] = "Incidents before", ["incidents.after"] = "Incidents after",
  cost_per_incident = "Cost per incident", gpu_hours = "GPU hours",
  discount = "Discount", tokens = "Tokens", price_per_1k = "Price per 1,000 tokens",
  fte = "FTE", salary = "Salary",
}
-- Inputs that are money (pages print them in the currency).
M.MONEY_INPUTS = { rate = true, amount = true, cost_per_incident = true,
                   price_per_1k = true, salary = true }

local function item_name(item)
  return "'" .. tostring(item.name or "?") .. "'"
end

-- The kind of an item (a table from M.KINDS). Raises an error for an item
-- of no kind or of two kinds, which the generator has already refused.
local kinds_seen = setmetatable({}, { __mode = "k" })

function M.kind_of(item)
  local found = kinds_seen[item]
  if found then return found end
  for _, s in ipairs(M.SIGNATURE) do
    if item[s[1]] ~= nil then
      local k = M.KIND[s[2]]
      if found and found ~= k then
        error("item " .. item_name(item) .. " is of two kinds: " .. found.id
              .. " and " .. k.id, 2)
      end
      found = k
    end
  end
  if not found then error("item " .. item_name(item) .. " is of no kind", 2) end
  kinds_seen[item] = found
  return found
end

-- One input by name; "incidents.before" reads item.incidents.before.
local function raw_input(item, key)
  local outer, inner = key:match("^([^.]+)%.(.+)$")
  if outer then
    local t = item[outer]
    return type(t) == "table" and t[inner] or nil
  end
  return item[key]
end

---------------------------------------------------------------------------
-- 4. Scenarios
---------------------------------------------------------------------------
-- Three scenarios are worked out side by side:
--   base  every number at its base figure;
--   low   benefits at their low end, costs (recurring and one-time) at their
--         high end: the cautious case;
--   high  benefits at their high end, costs at their low end: the hopeful
--         case.
-- "The low end of a benefit" is the end of each range that gives the
-- smaller benefit, and likewise for costs. For most inputs the low end of
-- the item comes from the input's low figure. Two inputs lower an item's
-- figure when they grow, incidents after and discount; for them it is the
-- other way round. So the cautious (low) case counts the most incidents
-- still happening after the model, and for a GPU cost the smallest
-- discount.
M.SCENARIOS = {
  { id = "low", label = "Low", words = "low benefits and high costs" },
  { id = "base", label = "Base", words = "every base figure" },
  { id = "high", label = "High", words = "high benefits and low costs" },
}
M.LOWERING = { ["incidents.after"] = true, discount = true }

-- Which end of an item's figure a scenario wants.
local function wanted(side, scenario)
  if scenario == "base" then return "base" end
  if side == "benefit" then return scenario end
  return scenario == "low" and "high" or "low"
end

-- Which end of one input gives that end of the item's figure.
local function end_for(key, want)
  if want == "base" or not M.LOWERING[key] then return want end
  return want == "low" and "high" or "low"
end

-- The base figure of an item (before `per`) at one end: "low" gives the
-- smallest figure its ranges allow, "high" the largest, "base" the base.
function M.item_base(item, want)
  local kind = M.kind_of(item)
  local v = {}
  for _, key in ipairs(kind.inputs) do
    local x = raw_input(item, key)
    if x == nil then
      x = kind.optional and kind.optional[key]
      if x == nil then
        error("item " .. item_name(item) .. " has no '" .. key .. "'", 2)
      end
    end
    v[key] = M.pick(x, end_for(key, want))
  end
  return kind.base(v), kind
end

-- The yearly figure of a recurring item: base × the count of its `per`.
function M.item_yearly(item, want)
  local base = M.item_base(item, want)
  return base * M.per_count(item.per)
end

---------------------------------------------------------------------------
-- 5. The figures of one scenario
---------------------------------------------------------------------------
-- Given, per scenario:
--   B  yearly benefits: the sum of the recurring benefits' yearly figures
--   C  yearly costs: the sum of the recurring costs' yearly figures
--   O  one-time costs: the sum of the one-time items, spent at the start
--      (year 0)
--   H  the horizon in whole years; r the yearly discount rate
-- the sheet works out:
--   N       net yearly value, B − C
--   NPV     net present value, −O + Σ_{t=1..H} N / (1 + r)^t: each year's
--           net value at today's money, less the one-time costs
--   ROI     return on investment, (H·B − H·C − O) / (H·C + O): what the
--           horizon earns, net, for each unit of money it costs. When
--           nothing is spent (H·C + O = 0) there is no ROI: roi is nil and
--           roi_note says "no costs".
--   payback the first month m (1, 2, … up to 12·H) at which
--           −O + m·N/12 ≥ 0, i.e. when the net value earned so far has
--           repaid the one-time costs; otherwise payback_months is nil and
--           payback_note says "not within the horizon". (The comparison
--           allows half a cent, so that rounding in the last digit of a
--           decimal number cannot move the month.)
--   cumulative[t+1]  cash position at the end of year t (t = 0 … H),
--                    −O + t·N, not discounted
--   discounted[t+1]  the same at today's money, −O + Σ_{k=1..t} N/(1+r)^k;
--                    its last entry is the NPV
-- A horizon of 0 years counts only the one-time costs: NPV = −O, and
-- horizon_note says so.
local CENT = 0.005

function M.figures(B, C, O, H, r)
  local f = { B = B, C = C, O = O, H = H, r = r, N = B - C }
  local N = f.N
  local start = 0 - O -- (0 − O, not −O: no "−0" when nothing is spent)
  f.npv = start
  f.cumulative = { start }
  f.discounted = { start }
  for t = 1, H do
    f.npv = f.npv + N / (1 + r) ^ t
    f.cumulative[t + 1] = start + t * N
    f.discounted[t + 1] = f.npv
  end
  local denominator = H * C + O
  if denominator == 0 then
    f.roi, f.roi_note = nil, "no costs"
  else
    f.roi = (H * B - H * C - O) / denominator
  end
  for m = 1, 12 * H do
    if start + m * N / 12 >= -CENT then
      f.payback_months = m
      break
    end
  end
  if not f.payback_months then f.payback_note = "not within the horizon" end
  if H == 0 then
    f.horizon_note = "a horizon of 0 years counts only the one-time costs"
  end
  return f
end

---------------------------------------------------------------------------
-- 6. A value sheet
---------------------------------------------------------------------------
-- The sections of a sheet, in page order. One-time items have no `per`.
M.SECTIONS = {
  { id = "benefits", label = "Recurring benefits", side = "benefit", recurring = true },
  { id = "costs", label = "Recurring costs", side = "cost", recurring = true },
  { id = "one_time", label = "One-time costs", side = "cost", recurring = false },
}

-- Works out a value sheet (value.yaml as a table). currency is the site's,
-- used when the sheet names none. Returns
--   { currency, horizon, rate, notes, years = {0, 1, …, H},
--     sections = { { id, label, side, recurring,
--                    items = { { name, note, kind, kind_label, words, per,
--                                per_count, inputs = { {key, label, value,
--                                money}, … }, value = {low, base, high} }, … },
--                    total = {low, base, high} }, … },
--     scenarios = { figures + {id, label, words}, … } (low, base, high),
--     scenario = { low = …, base = …, high = … } }
-- An item's value in a scenario is its yearly figure (recurring items) or
-- its amount (one-time items) as that scenario counts it.
function M.sheet(v, currency)
  v = v or {}
  local s = {
    currency = v.currency or currency or "USD",
    horizon = math.tointeger(v.horizon_years) or 0,
    rate = (v.discount_rate or 0) + 0.0,
    notes = v.notes,
    sections = {}, scenarios = {}, scenario = {}, years = {},
  }
  for t = 0, s.horizon do s.years[#s.years + 1] = t end
  local totals = {}
  for _, sec in ipairs(M.SECTIONS) do
    local out = { id = sec.id, label = sec.label, side = sec.side,
                  recurring = sec.recurring, items = {},
                  total = { low = 0.0, base = 0.0, high = 0.0 } }
    for _, item in ipairs(v[sec.id] or {}) do
      local kind = M.kind_of(item)
      local it = { name = item.name, note = item.note, kind = kind.id,
                   kind_label = kind.label, words = kind.words,
                   per = sec.recurring and (item.per or "year") or nil,
                   per_count = sec.recurring and M.per_count(item.per) or nil,
                   inputs = {}, value = {} }
      for _, key in ipairs(kind.inputs) do
        local x = raw_input(item, key)
        if x ~= nil then
          it.inputs[#it.inputs + 1] = { key = key, label = M.INPUT_LABELS[key],
                                        value = x, money = M.MONEY_INPUTS[key] or false }
        end
      end
      for _, sc in ipairs(M.SCENARIOS) do
        local want = wanted(sec.side, sc.id)
        local x = sec.recurring and M.item_yearly(item, want)
                  or M.item_base(item, want)
        it.value[sc.id] = x
        out.total[sc.id] = out.total[sc.id] + x
      end
      out.items[#out.items + 1] = it
    end
    s.sections[#s.sections + 1] = out
    totals[sec.id] = out.total
  end
  for _, sc in ipairs(M.SCENARIOS) do
    local f = M.figures(totals.benefits[sc.id], totals.costs[sc.id],
                        totals.one_time[sc.id], s.horizon, s.rate)
    f.id, f.label, f.words = sc.id, sc.label, sc.words
    s.scenarios[#s.scenarios + 1] = f
    s.scenario[sc.id] = f
  end
  return s
end

---------------------------------------------------------------------------
-- 7. The portfolio
---------------------------------------------------------------------------
-- Sheets with different horizons are added up as one business case:
--   B, C, O, N  the sums over the sheets (platform costs count in C and O)
--   NPV         the sum of the sheets' NPVs (each at its own horizon and
--               discount rate)
--   ROI         (Σ H·B − Σ H·C − Σ O) / (Σ H·C + Σ O): the ROI formula
--               over every sheet's own horizon; nil with "no costs" when
--               nothing is spent
--   payback     the first month m (up to 12 × the longest horizon) at which
--               −Σ O + Σ N·min(m, 12·H)/12 ≥ 0: each sheet earns only
--               within its own horizon
--   cumulative  per year t up to the longest horizon,
--               −Σ O + Σ N·min(t, H)
-- With one sheet, or sheets of one horizon, these are the formulas of
-- section 5.
function M.combine(parts)
  local H = 0
  local f = { B = 0.0, C = 0.0, O = 0.0, npv = 0.0 }
  local earned, spent = 0.0, 0.0
  for _, p in ipairs(parts) do
    f.B, f.C, f.O = f.B + p.B, f.C + p.C, f.O + p.O
    f.npv = f.npv + p.npv
    earned = earned + p.H * p.B
    spent = spent + p.H * p.C + p.O
    if p.H > H then H = p.H end
  end
  f.H, f.N = H, f.B - f.C
  if spent == 0 then
    f.roi_note = "no costs"
  else
    f.roi = (earned - spent) / spent
  end
  local function position(months)
    local x = 0 - f.O
    for _, p in ipairs(parts) do
      x = x + p.N * math.min(months, 12 * p.H) / 12
    end
    return x
  end
  for m = 1, 12 * H do
    if position(m) >= -CENT then f.payback_months = m; break end
  end
  if not f.payback_months then f.payback_note = "not within the horizon" end
  f.cumulative = {}
  for t = 0, H do f.cumulative[t + 1] = position(12 * t) end
  return f
end

-- The portfolio page's figures. models is site.models (each with .value,
-- the model's value.yaml, or nil); portfolio is portfolio.yaml (or nil);
-- currency is the site's. Returns
--   { currency,
--     ranked = { { rank, id, name, url, value_url, status, sheet }, … }
--              by base-scenario NPV, highest first (ties by id),
--     missing = { { id, name, url }, … }        models without a value sheet,
--     other_currency = { { id, name, currency, sheet }, … }  not added up,
--     platform = a sheet of portfolio.yaml's costs (no benefits), or nil,
--     totals = { scenarios = { … }, scenario = { low, base, high },
--                years = { 0 … longest horizon } } }
function M.portfolio(models, portfolio, currency)
  currency = (portfolio and portfolio.currency) or currency or "USD"
  local r = { currency = currency, ranked = {}, missing = {},
              other_currency = {} }
  for _, m in ipairs(models or {}) do
    local row = { id = m.id, name = m.name or m.id, url = m.url,
                  value_url = "models/" .. m.id .. "/value.html",
                  status = m.status }
    if m.value == nil then
      r.missing[#r.missing + 1] = row
    else
      row.sheet = M.sheet(m.value, currency)
      if row.sheet.currency ~= currency then
        row.currency = row.sheet.currency
        r.other_currency[#r.other_currency + 1] = row
      else
        r.ranked[#r.ranked + 1] = row
      end
    end
  end
  table.sort(r.ranked, function(a, b)
    local x, y = a.sheet.scenario.base.npv, b.sheet.scenario.base.npv
    if x ~= y then return x > y end
    return a.id < b.id
  end)
  for i, row in ipairs(r.ranked) do row.rank = i end
  if portfolio and (portfolio.costs or portfolio.one_time) then
    r.platform = M.sheet({ currency = currency,
                           horizon_years = portfolio.horizon_years,
                           discount_rate = portfolio.discount_rate,
                           costs = portfolio.costs,
                           one_time = portfolio.one_time }, currency)
  end
  r.totals = { scenarios = {}, scenario = {}, years = {} }
  local longest = 0
  for _, sc in ipairs(M.SCENARIOS) do
    local parts = {}
    for _, row in ipairs(r.ranked) do
      parts[#parts + 1] = row.sheet.scenario[sc.id]
    end
    if r.platform then parts[#parts + 1] = r.platform.scenario[sc.id] end
    local f = M.combine(parts)
    f.id, f.label, f.words = sc.id, sc.label, sc.words
    r.totals.scenarios[#r.totals.scenarios + 1] = f
    r.totals.scenario[sc.id] = f
    if f.H > longest then longest = f.H end
  end
  for t = 0, longest do r.totals.years[#r.totals.years + 1] = t end
  return r
end

---------------------------------------------------------------------------
-- 8. MLOps velocity
---------------------------------------------------------------------------
-- Days from ideation to production: from the `ideation` date on a model's
-- first release record to the date of its first release with status
-- production. Models are listed in the order of their ideation dates, so
-- the list shows whether the organisation gets faster.

-- Days since 1970-01-01 of a YYYY-MM-DD date (the proleptic Gregorian
-- calendar), or nil.
function M.day_number(s)
  if type(s) ~= "string" then return nil end
  local y, m, d = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if not y then return nil end
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if m <= 2 then y = y - 1 end
  local era = y // 400
  local yoe = y - era * 400
  local doy = (153 * ((m + 9) % 12) + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

-- Whole days from date a to date b (negative when b is earlier).
function M.days_between(a, b)
  local x, y = M.day_number(a), M.day_number(b)
  if not x or not y then return nil end
  return y - x
end

-- models is site.models (releases oldest first). Returns
--   { rows = { { id, name, url, ideation, production = {version, date} or
--                nil, days or nil, weeks or nil }, … } by ideation date,
--     missing = { { id, name, url }, … }   no ideation date on record,
--     first, latest = the earliest and the latest row that reached
--                     production (nil when none did) }
function M.velocity(models)
  local r = { rows = {}, missing = {} }
  for _, m in ipairs(models or {}) do
    local releases = m.releases or {}
    local first = releases[1]
    local row = { id = m.id, name = m.name or m.id, url = m.url }
    if first and M.day_number(first.ideation) then
      row.ideation = first.ideation
      for _, rel in ipairs(releases) do
        if rel.status == "production" then
          row.production = { version = rel.version, date = rel.date }
          row.days = M.days_between(first.ideation, rel.date)
          row.weeks = row.days / 7
          break
        end
      end
      r.rows[#r.rows + 1] = row
    else
      r.missing[#r.missing + 1] = row
    end
  end
  table.sort(r.rows, function(a, b)
    if a.ideation ~= b.ideation then return a.ideation < b.ideation end
    return a.id < b.id
  end)
  for _, row in ipairs(r.rows) do
    if row.days then
      r.first = r.first or row
      r.latest = row
    end
  end
  return r
end

---------------------------------------------------------------------------
-- 9. JSON twins
---------------------------------------------------------------------------
-- Every computed figure, per scenario, for finance to pull. Keys come in a
-- fixed order; numbers are written in full (whole numbers without a
-- decimal point), a missing figure as null beside its note.
-- An object is { {key, value}, … }, marked by OBJ; an array is a plain list.
-- json() (built in) writes either with two-space indents, a missing
-- figure as null, whole numbers without a decimal point.
local OBJ = {}
local function obj(kv) return setmetatable(kv, OBJ) end

local function by_scenario(t)
  return obj({ { "low", t.low }, { "base", t.base }, { "high", t.high } })
end

local function figures_obj(f)
  return obj({
    { "scenario", f.id }, { "benefits_yearly", f.B }, { "costs_yearly", f.C },
    { "one_time", f.O }, { "net_yearly", f.N }, { "npv", f.npv },
    { "roi", f.roi }, { "roi_note", f.roi_note },
    { "payback_months", f.payback_months }, { "payback_note", f.payback_note },
    { "cumulative", f.cumulative }, { "discounted", f.discounted or {} },
  })
end

local function sheet_obj(s)
  local items = {}
  for _, sec in ipairs(s.sections) do
    for _, it in ipairs(sec.items) do
      local inputs = {}
      for _, x in ipairs(it.inputs) do inputs[#inputs + 1] = { x.key, x.value } end
      items[#items + 1] = obj({
        { "section", sec.id }, { "name", it.name }, { "kind", it.kind },
        { "per", it.per }, { "per_count", it.per_count },
        { "inputs", obj(inputs) }, { "value", by_scenario(it.value) },
      })
    end
  end
  local scen = {}
  for _, f in ipairs(s.scenarios) do scen[#scen + 1] = figures_obj(f) end
  return obj({
    { "currency", s.currency }, { "horizon_years", s.horizon },
    { "discount_rate", s.rate }, { "items", items }, { "scenarios", scen },
  })
end

-- JSON text of a worked-out sheet (from M.sheet).
function M.twin(s)
  return json(sheet_obj(s), OBJ) .. "\n"
end

-- JSON text of the portfolio figures (from M.portfolio).
function M.portfolio_twin(p)
  local ranked = {}
  for _, row in ipairs(p.ranked) do
    ranked[#ranked + 1] = obj({ { "rank", row.rank }, { "id", row.id },
                                { "value", sheet_obj(row.sheet) } })
  end
  local totals = {}
  for _, f in ipairs(p.totals.scenarios) do totals[#totals + 1] = figures_obj(f) end
  local missing, other = {}, {}
  for _, row in ipairs(p.missing) do missing[#missing + 1] = row.id end
  for _, row in ipairs(p.other_currency) do other[#other + 1] = row.id end
  return json(obj({
    { "currency", p.currency }, { "models", ranked },
    { "platform", p.platform and sheet_obj(p.platform) or nil },
    { "totals", totals }, { "without_value_sheet", missing },
    { "other_currency", other },
  }), OBJ) .. "\n"
end

-- The bars of a per-model chart when there are too many to read: the
-- first `limit` - 1 rows as they are and the rest as one bar, "Other N
-- models", holding their sum (sums of net present values add up; the
-- table beside the chart lists every model). Returns names, values and
-- how many models the last bar holds (0 when none were grouped).
function M.top_rows(rows, limit, name_of, value_of)
  local x, vals = {}, {}
  local n = #rows
  local keep = n <= limit and n or limit - 1
  for i = 1, keep do
    x[i] = name_of(rows[i]); vals[i] = value_of(rows[i])
  end
  if keep < n then
    local sum = 0
    for i = keep + 1, n do sum = sum + value_of(rows[i]) end
    x[#x + 1] = "Other " .. (n - keep) .. " models"
    vals[#vals + 1] = sum
    return x, vals, n - keep
  end
  return x, vals, 0
end

return M
