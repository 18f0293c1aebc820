-- format: how dates, numbers and labels read on the pages.
-- Presentation lives here so a team can change it without touching C.
local M = {}

local months = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" }

-- "2025-06-12" -> "12 Jun 2025"; anything else is returned as given.
-- Pages print the same few dates many times over: remember them.
local dates = {}
function M.date(s)
  if type(s) ~= "string" then return s end
  local r = dates[s]
  if r then return r end
  local y, m, d = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if not y then return s end
  r = string.format("%d %s %s", tonumber(d), months[tonumber(m)], y)
  dates[s] = r
  return r
end

-- Separators by locale: en-* 1,234.5; de/fr/es/it/nl 1.234,5 (fr uses a
-- narrow no-break space for thousands).
local function separators(locale)
  locale = locale or "en-GB"
  local lang = locale:match("^(%a%a)") or "en"
  if lang == "fr" then return "\u{202F}", "," end
  if lang == "de" or lang == "es" or lang == "it" or lang == "nl"
     or lang == "pt" or lang == "da" then
    return ".", ","
  end
  if lang == "ch" then return "'", "." end
  return ",", "."
end

local function group(intpart, sep)
  local n = #intpart
  if n <= 3 then return intpart end
  local head = (n - 1) % 3 + 1
  local parts = { intpart:sub(1, head) }
  for i = head + 1, n, 3 do parts[#parts + 1] = intpart:sub(i, i + 2) end
  return table.concat(parts, sep)
end

-- number(1234.5, 1) -> "1,234.5" in the site's locale.
local seps, formats = {}, {}
function M.number(x, decimals, locale)
  if type(x) ~= "number" then return tostring(x or "") end
  if x ~= x or x == math.huge or x == -math.huge then return "n/a" end
  locale = locale or (site and site.locale) or "en-GB"
  local sep = seps[locale]
  if not sep then sep = { separators(locale) }; seps[locale] = sep end
  local thousands, point = sep[1], sep[2]
  decimals = decimals or 0
  local f = formats[decimals]
  if not f then f = "%." .. decimals .. "f"; formats[decimals] = f end
  local s = string.format(f, math.abs(x))
  local int, frac = s:match("^(%d+)%.?(%d*)$")
  local r = group(int, thousands)
  if frac and #frac > 0 then r = r .. point .. frac end
  if x < 0 and tonumber(s) ~= 0 then r = "\u{2212}" .. r end
  return r
end

function M.percent(x, decimals)
  if type(x) ~= "number" then return tostring(x or "") end
  return M.number(x * 100, decimals or 1) .. "%"
end

local symbols = { USD = "$", EUR = "€", GBP = "£", JPY = "¥", CHF = "CHF ",
                  CAD = "CA$", AUD = "A$", INR = "₹", SEK = "SEK ",
                  NOK = "NOK ", DKK = "DKK " }

function M.money(x, currency, decimals)
  currency = currency or (site and site.currency) or "USD"
  local sym = symbols[currency] or (currency .. " ")
  if type(x) ~= "number" then return tostring(x or "") end
  local s = M.number(math.abs(x), decimals or 0)
  return (x < 0 and "\u{2212}" or "") .. sym .. s
end

-- A metric value as the page should show it, from its declared format.
-- raw is the text exactly as written in the input; it wins for plain
-- ratios so a figure is never rounded into one the input did not give.
function M.metric(value, fmt, raw)
  if value == nil then return raw or "—" end
  -- an input that wrote "25.59%" is shown as written
  if type(raw) == "string" and raw:match("%%%s*$") then return raw end
  -- percent metrics are fractions in dossier's formats: 0.83 is 83%;
  -- small rates keep two significant digits (0.04%, not 0.0%)
  if fmt == "percent" then
    local p = value * 100
    local dec = 1
    while dec < 4 and p ~= 0 and math.abs(p) < 10 ^ (1 - dec) do dec = dec + 1 end
    return M.number(p, dec) .. "%"
  end
  if fmt == "duration_ms" then return M.number(value, 0) .. " ms" end
  if fmt == "currency" then
    -- cents where they matter (a cost per conversation), whole units above
    return M.money(value, nil, math.abs(value) < 100 and 3 or 0)
  end
  -- a full-precision float from MLflow (0.10464153478766557) is shown to
  -- six significant digits; the exact text stays in model.json
  if raw and #raw > 10 and raw:match("^%-?%d*%.%d+$") then
    return (string.format("%.6g", value))
  end
  if raw then return raw end
  return tostring(value)
end

-- Lists in model.yaml may be written as one string.
function M.list(x)
  if x == nil then return {} end
  if type(x) == "table" then return x end
  return { x }
end

local labels = {
  high = "High risk", limited = "Limited risk", minimal = "Minimal risk",
  prohibited = "Prohibited", classic = "Classic ML", llm = "LLM",
  provider = "Provider", deployer = "Deployer",
  ideation = "Ideation", development = "Development",
  validation = "Validation", production = "Production", retired = "Retired",
  staging = "Staging", rejected = "Rejected", approved = "Approved",
  conditional = "Conditional", pending = "Pending",
}

function M.label(key)
  if key == nil then return "" end
  return labels[key] or (tostring(key):gsub("_", " "):gsub("^%l", string.upper))
end

return M
