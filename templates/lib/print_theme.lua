-- print_theme: the look of dossier's PDFs (see docs/pdf.md for every key).
-- Paper follows site.yaml's pdf.paper (A4 or Letter).
local paper = (site and site.pdf and site.pdf.paper) or "A4"
return {
  paper = paper,
  margin = { top = 62, right = 56, bottom = 62, left = 56 },
  font = "DejaVu Sans",
  size = 9.6,
  line_height = 1.42,
  paragraph_space = 6,
  justify = false,
  color = "#1b1f24",
  link_color = "#0b5cad",
  muted_color = "#5b6470",
  accent = "#0b5cad",
  h1 = { size = 19, bold = true, color = "#0b2f57", space_before = 0, space_after = 10 },
  h2 = { size = 13.5, bold = true, color = "#0b2f57", space_before = 16, space_after = 6 },
  h3 = { size = 11, bold = true, color = "#1b1f24", space_before = 11, space_after = 4 },
  h4 = { size = 9.8, bold = true, color = "#1b1f24", space_before = 8, space_after = 3 },
  table = { size = 8.4, padding = 5, header_bg = "#eef1f5", rule = "#c9cfd6", zebra = "#f7f8fa" },
  code = { font = "DejaVu Sans Mono", size = 8.4, background = "#f3f4f6" },
  header_size = 7.5,
  toc_depth = 2,
}
