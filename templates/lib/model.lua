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

return M
