-- nav: the site's sections, in header order.
local M = {}

function M.sections(site)
  local s = {
    { id = "portfolio", title = "Portfolio", url = "index.html" },
    { id = "frameworks", title = "Frameworks", url = "frameworks/index.html" },
  }
  for _, p in ipairs(site.pages or {}) do
    s[#s + 1] = { id = "page:" .. p.slug, title = p.title, url = p.url }
  end
  return s
end

return M
