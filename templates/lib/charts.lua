-- charts: chart{...} for templates. Fills in the theme and a page-unique
-- id, then asks the C chart module (cairo + pango) for an inline SVG with
-- its data table. See docs/charts.md for the spec.
local theme = require("theme")
local M = {}

local counter, last_page = 0, nil

local function slug(s)
  return (tostring(s or ""):gsub("[^%w]+", "-"):gsub("^-+", ""):gsub("-+$", ""))
end

function M.html(spec)
  if type(spec) ~= "table" then
    error("chart{...} needs a table", 2)
  end
  local page = page_path() or ""
  if page ~= last_page then counter, last_page = 0, page end
  counter = counter + 1
  local s = {}
  for k, v in pairs(spec) do s[k] = v end
  if s.theme == nil then s.theme = theme.chart end
  if s.id == nil then s.id = "chart-" .. counter end
  if s.currency == nil and site and site.currency
     and (s.y_format == "currency") then
    s.currency = site.currency
  end
  -- print documents (written under pdf/) get a placeholder that the PDF
  -- renderer fills with the chart drawn as vectors
  if page:sub(1, 4) == "pdf/" then
    if s.theme == theme.chart and theme.print_chart then s.theme = theme.print_chart end
    return _chart_print(s)
  end
  return _chart_html(s)
end

-- The theme with another palette, for series whose colour has a meaning
-- (a rejected release in vermillion, not in the next free colour).
function M.theme_with(palette)
  local t = {}
  for k, v in pairs(theme.chart) do t[k] = v end
  t.palette = palette
  return t
end

return M
