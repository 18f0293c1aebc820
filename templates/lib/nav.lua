-- nav: the site's sections, in header order.
local M = {}

function M.sections(site)
  local s = {
    { id = "portfolio", title = "Portfolio", url = "index.html" },
    { id = "models", title = "Models", url = "models/index.html" },
    { id = "frameworks", title = "Frameworks", url = "frameworks/index.html" },
  }
  if site.has_value then
    s[#s + 1] = { id = "value", title = "Value", url = "value.html" }
  end
  s[#s + 1] = { id = "audit", title = "Audit trail", url = "audit.html" }
  s[#s + 1] = { id = "search", title = "Search", url = "search.html" }
  return s
end

-- Free pages, listed in the footer.
function M.pages(site)
  local s = {}
  for _, p in ipairs(site.pages or {}) do
    s[#s + 1] = { id = "page:" .. p.slug, title = p.title, url = p.url }
  end
  return s
end

return M
