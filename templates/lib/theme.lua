-- theme: colours and fonts shared by the site's charts and the PDFs.
-- The palette is Okabe–Ito (colour-blind safe); its mid tones read on both
-- the light and the dark page background, and chart backgrounds are
-- transparent so the page colour shows through.
return {
  chart = {
    font = "DejaVu Sans",
    title_size = 13,
    subtitle_size = 10.5,
    label_size = 10,
    text = "#6b7683",
    muted = "#8a94a0",
    grid = "#9aa3ad40",
    axis = "#8a94a0",
    background = "#00000000",
    positive = "#009E73",
    negative = "#D55E00",
    total = "#0072B2",
    threshold = "#D55E00",
    band = "#D55E0022",
    palette = { "#0072B2", "#E69F00", "#009E73", "#CC79A7",
                "#56B4E9", "#D55E00", "#F0E442", "#999999" },
  },
  -- charts in PDFs: printed on white, so darker text and grid
  print_chart = {
    font = "DejaVu Sans", title_size = 11, subtitle_size = 9, label_size = 8.5,
    text = "#333333", muted = "#555555", grid = "#d0d4d9", axis = "#777777",
    background = "#00000000", positive = "#009E73", negative = "#D55E00",
    total = "#0072B2", threshold = "#D55E00", band = "#D55E0022",
    palette = { "#0072B2", "#E69F00", "#009E73", "#CC79A7",
                "#56B4E9", "#D55E00", "#F0E442", "#999999" },
  },
  -- compliance statuses, in the order charts list them
  status = {
    { key = "met", label = "Met", color = "#009E73" },
    { key = "partial", label = "Partial", color = "#E69F00" },
    { key = "not-met", label = "Not met", color = "#D55E00" },
    { key = "not-applicable", label = "Not applicable", color = "#999999" },
    { key = "unknown", label = "Not assessed", color = "#56B4E944" },
  },
}
