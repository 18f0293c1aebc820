-- model: facts the pages derive from a model's releases.
local M = {}

-- The newest release (releases are sorted oldest first by the generator).
function M.latest(m)
  local r = m.releases or {}
  return r[#r]
end

-- The newest release in production, or nil.
function M.current(m)
  local r = m.releases or {}
  for i = #r, 1, -1 do
    if r[i].status == "production" then return r[i] end
  end
  return nil
end

-- Metric definition by name, or nil.
function M.metric_def(m, name)
  for _, d in ipairs(m.metrics or {}) do
    if d.name == name then return d end
  end
  return nil
end

-- "pass", "fail" or nil (no threshold, or no value).
function M.threshold(def, value)
  if def == nil or type(value) ~= "number" then return nil end
  if def.min ~= nil and value < def.min then return "fail" end
  if def.max ~= nil and value > def.max then return "fail" end
  if def.min ~= nil or def.max ~= nil then return "pass" end
  return nil
end

function M.threshold_text(def)
  if def == nil then return "" end
  local parts = {}
  if def.min ~= nil then parts[#parts + 1] = "≥ " .. tostring(def.min) end
  if def.max ~= nil then parts[#parts + 1] = "≤ " .. tostring(def.max) end
  return table.concat(parts, ", ")
end

-- The resolved value {value, raw, source, path, line} of a metric for a
-- release version (nil when no source has one).
function M.value(m, version, name)
  local h = m.history and m.history.cells and m.history.cells[version]
  return h and h[name] or nil
end

local source_labels = {
  release = "release record", ["csv-long"] = "CSV", ["csv-wide"] = "CSV",
  json = "JSON", ["mlflow-sqlite"] = "MLflow (SQLite)", ["mlflow-file"] = "MLflow",
  ["mlflow-export"] = "MLflow export", ["mlflow-csv"] = "MLflow CSV",
  hf = "Hugging Face card", ["hf-eval"] = "Hub eval results", mct = "Model Card Toolkit",
}
function M.source_label(s) return source_labels[s] or s or "" end

-- Metric names to show: declared ones first, then others found in the
-- inputs (at most `limit` in all).
function M.metric_names(m, limit)
  local out, seen = {}, {}
  for _, d in ipairs(m.metrics or {}) do
    if not seen[d.name] then seen[d.name] = true; out[#out + 1] = d.name end
  end
  for _, n in ipairs((m.history and m.history.names) or {}) do
    if #out >= (limit or 12) then break end
    if not seen[n] then seen[n] = true; out[#out + 1] = n end
  end
  return out
end

-- Required and recommended card fields that are missing.
local required = { "name", "summary", "kind", "owner", "risk_class", "status" }
local recommended = { "intended_use", "factors", "metrics", "evaluation_data",
  "training_data", "quantitative_analyses", "ethical_considerations", "caveats" }
function M.missing(m)
  local req, rec = {}, {}
  for _, k in ipairs(required) do if m[k] == nil then req[#req + 1] = k end end
  for _, k in ipairs(recommended) do if m[k] == nil then rec[#rec + 1] = k end end
  return req, rec
end

return M
