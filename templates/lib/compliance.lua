-- compliance: labels and ordering for checklist pages.
local M = {}

M.order = { "met", "partial", "not-met", "not-applicable", "unknown" }

local labels = {
  ["met"] = "Met", ["partial"] = "Partial", ["not-met"] = "Not met",
  ["not-applicable"] = "Not applicable", ["unknown"] = "Not assessed",
}
local short = {
  ["met"] = "Met", ["partial"] = "Part", ["not-met"] = "Gap",
  ["not-applicable"] = "N/A", ["unknown"] = "?",
}

function M.label(status) return labels[status] or status end
function M.short(status) return short[status] or status end

-- Share of applicable items in a state, as a whole percent string.
function M.share(n, total)
  if not total or total == 0 then return "—" end
  return string.format("%d%%", math.floor(n * 100 / total + 0.5))
end

-- Applicable items that are not met: partial, not met or not assessed,
-- in catalog order, with their section.
function M.gaps(framework, answers)
  local out = {}
  for _, sec in ipairs(framework.sections) do
    for _, it in ipairs(sec.items) do
      local a = answers.answers[it.id]
      if a and a.applies and (a.status == "partial" or a.status == "not-met"
          or a.status == "unknown") then
        out[#out + 1] = { item = it, answer = a, section = sec }
      end
    end
  end
  return out
end

-- Items of a section that apply to the model.
function M.applicable(sec, answers)
  local out = {}
  for _, it in ipairs(sec.items) do
    local a = answers.answers[it.id]
    if a and a.applies then out[#out + 1] = it end
  end
  return out
end

local codes = { m = "met", p = "partial", n = "not-met",
                a = "not-applicable", u = "unknown" }

-- Status of catalog item number i (1-based) for a model's framework
-- summary, or nil when the item does not apply to that model.
function M.status_at(summary, i)
  return codes[summary.statuses:sub(i, i)]
end

-- Share of a section's applicable items that are met or not applicable,
-- over one or more models' framework summaries; false when none applies.
function M.section_share(sec, summaries)
  local met, applicable = 0, 0
  for _, summary in ipairs(summaries) do
    for _, it in ipairs(sec.items) do
      local st = M.status_at(summary, it.index)
      if st then
        applicable = applicable + 1
        if st == "met" or st == "not-applicable" then met = met + 1 end
      end
    end
  end
  return applicable > 0 and met / applicable or false
end

function M.short_hash(h)
  if not h then return "" end
  return h:sub(1, 12) .. "…"
end

return M
